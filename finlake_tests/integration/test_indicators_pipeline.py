"""indicators_daily in the lake: order independence and recomputation after actions."""

from __future__ import annotations

import datetime as dt

import polars as pl

from finlake.calendar import nyse
from finlake.datasets import INDICATORS_DAILY, PRICES_ADJUSTED
from finlake.indicators import compute_indicators
from finlake.lake import Lake
from finlake.pipelines.indicators import build_indicators, indicator_facts
from finlake.pipelines.prices import build_adjusted
from finlake_tests.conftest import after_close
from finlake_tests.integration.test_price_pipeline import run

TICKERS = ["AAPL", "MSFT", "TSLA"]
cal = nyse()


def stored(lake: Lake) -> pl.DataFrame:
    return lake.scan(INDICATORS_DAILY).collect().sort("ticker", "date")


def fresh(lake: Lake) -> pl.DataFrame:
    return compute_indicators(lake.scan(PRICES_ADJUSTED).collect()).sort("ticker", "date")


def build_history(lake, sample_provider, sessions):
    run(lake, sample_provider(after_close(sessions[-1])), sessions, "history")
    build_adjusted(lake, TICKERS)


def test_incremental_equals_full_recompute_in_any_order(lake, sample_provider, tmp_path):
    sessions = cal.sessions_between(dt.date(2026, 1, 2), dt.date(2026, 10, 30))
    build_history(lake, sample_provider, sessions)
    # partitions built out of order: the latest month, then the rest, then the last session
    build_indicators(lake, TICKERS, sessions[-20:-1])
    build_indicators(lake, TICKERS, sessions[:-20])
    report = build_indicators(lake, TICKERS, sessions[-1:])
    assert report.sync.rows_written == len(TICKERS)  # one new row per ticker
    # a second lake built in one go from the same prices
    other = Lake(tmp_path / "other")
    build_history(other, sample_provider, sessions)
    build_indicators(other, TICKERS, sessions)
    assert stored(lake).equals(stored(other))
    assert stored(lake).equals(fresh(lake))


def test_a_new_dividend_recomputes_that_ticker(lake, sample_provider):
    history = cal.sessions_between(dt.date(2026, 6, 1), dt.date(2026, 11, 6))
    build_history(lake, sample_provider, history)
    build_indicators(lake, TICKERS, history)
    ex_day = dt.date(2026, 11, 9)  # AAPL ex-dividend in the sample market
    run(lake, sample_provider(after_close(ex_day)), [ex_day], "ex-day")
    build_adjusted(lake, TICKERS)
    report = build_indicators(lake, TICKERS, [ex_day])
    assert report.sync.rewritten == ["AAPL"]
    assert stored(lake).equals(fresh(lake))


def test_a_split_restatement_recomputes_every_date_of_that_ticker(lake, sample_provider):
    split = dt.date(2025, 8, 25)  # TSLA 2:1 in the sample market
    history = cal.sessions_between(dt.date(2025, 3, 3), dt.date(2025, 8, 22))
    build_history(lake, sample_provider, history)
    build_indicators(lake, TICKERS, history)
    before = stored(lake).filter(pl.col("ticker") == "TSLA")
    run(lake, sample_provider(after_close(split)), [split], "split-day")
    build_adjusted(lake, TICKERS)
    report = build_indicators(lake, TICKERS, [split])
    assert "TSLA" in report.sync.rewritten
    after = stored(lake).filter((pl.col("ticker") == "TSLA") & (pl.col("date") < split))
    # prices halved: price-level indicators halve, scale-free ones do not move
    joined = before.join(after, on="date", suffix="_new")
    assert ((joined["sma_20_new"] / joined["sma_20"] - 0.5).abs().drop_nulls() < 1e-9).all()
    assert ((joined["rsi_14_new"] - joined["rsi_14"]).abs().drop_nulls() < 1e-9).all()
    assert stored(lake).equals(fresh(lake))


def test_facts_for_the_partitioned_checks(lake, sample_provider):
    sessions = cal.sessions_between(dt.date(2026, 9, 1), dt.date(2026, 10, 30))
    build_history(lake, sample_provider, sessions)
    build_indicators(lake, TICKERS, sessions[:-1])
    facts = indicator_facts(lake, sessions[-2:], TICKERS)
    assert facts.select("date", "expected").rows() == [(sessions[-2], 3), (sessions[-1], 3)]
    assert facts["missing"].to_list() == [[], TICKERS]  # the last session was never built
