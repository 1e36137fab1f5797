"""A split event the bars do not confirm stays out of corporate_actions and every factor."""

from __future__ import annotations

import datetime as dt

import polars as pl

from finlake.calendar import nyse
from finlake.catalog import Catalog
from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY, QUARANTINE
from finlake.lake import Lake
from finlake.pipelines.prices import build_adjusted, build_silver, fetch_prices
from finlake.sources.yahoo.provider import YahooProvider
from finlake.transforms.splits import unconfirmed_splits
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults

TICKERS = ["AAPL", "MSFT", "NVDA"]
cal = nyse()
HISTORY = cal.sessions_between(dt.date(2026, 9, 1), dt.date(2026, 10, 23))
SPLIT_DAY = cal.next_session(HISTORY[-1])


def run(lake: Lake, provider: YahooProvider, sessions, run_id: str):
    fetch = fetch_prices(
        provider, lake, TICKERS, sessions, run_id=run_id, refetch_sessions=5, now=provider.clock()
    )
    silver = build_silver(provider, lake, TICKERS, sessions, run_id=run_id)
    build_adjusted(lake, TICKERS)
    return fetch, silver


def test_a_phantom_split_is_flagged_and_kept_out_of_the_factors(home, lake, sample_provider):
    run(lake, sample_provider(after_close(HISTORY[-1])), HISTORY, "history")
    at = after_close(SPLIT_DAY)
    phantom = YahooProvider(
        faults.FaultyTransport(at, faults.add_split("AAPL", SPLIT_DAY, 4)), clock=lambda: at
    )
    fetch, silver = run(lake, phantom, [SPLIT_DAY], "phantom")
    assert "AAPL" in fetch.restated  # the history was re-fetched to check the new basis
    assert silver.actions.filter(pl.col("split_ratio") != 1.0).is_empty()
    splits = lake.scan(CORPORATE_ACTIONS).filter(pl.col("split_ratio") != 1.0).collect()
    assert splits.is_empty()
    [flag] = (
        lake.scan(QUARANTINE)
        .filter(pl.col("dataset") == CORPORATE_ACTIONS.name)
        .collect()
        .to_dicts()
    )
    assert flag["partition"] == str(SPLIT_DAY)
    assert "split 4:1 not confirmed by the bars" in flag["reason"] and "1.00x" in flag["reason"]
    con = Catalog(home).connect()
    traded, stored = con.sql(
        f"SELECT t.close, p.close FROM prices_as_traded t JOIN prices_daily p USING (ticker, date) "
        f"WHERE ticker = 'AAPL' AND date = DATE '{HISTORY[0]}'"
    ).fetchall()[0]
    con.close()
    assert traded == stored  # not four times too high
    # the next day the event is seen again and still refused; nothing else changed
    day = cal.next_session(SPLIT_DAY)
    again = YahooProvider(
        faults.FaultyTransport(after_close(day), faults.add_split("AAPL", SPLIT_DAY, 4)),
        clock=lambda: after_close(day),
    )
    run(lake, again, [day], "again")
    assert lake.scan(CORPORATE_ACTIONS).filter(pl.col("split_ratio") != 1.0).collect().is_empty()
    assert (
        lake.scan(PRICES_DAILY).filter(pl.col("ticker") == "AAPL").collect().height
        == len(HISTORY) + 2
    )


def test_a_real_split_is_confirmed_by_the_restated_history(lake, sample_provider):
    split = dt.date(2025, 8, 25)  # TSLA 2:1 in the sample market
    history = cal.sessions_between(dt.date(2025, 6, 2), dt.date(2025, 8, 22))
    tickers = ["TSLA", "AAPL"]
    provider = sample_provider(after_close(history[-1]))
    fetch_prices(
        provider, lake, tickers, history, run_id="a", refetch_sessions=5, now=provider.clock()
    )
    build_silver(provider, lake, tickers, history, run_id="a")
    provider = sample_provider(after_close(split))
    fetch_prices(
        provider, lake, tickers, [split], run_id="b", refetch_sessions=5, now=provider.clock()
    )
    build_silver(provider, lake, tickers, [split], run_id="b")
    splits = lake.scan(CORPORATE_ACTIONS).filter(pl.col("split_ratio") != 1.0).collect()
    assert splits.select("ticker", "date", "split_ratio").rows() == [("TSLA", split, 2.0)]
    assert not lake.has_data(QUARANTINE)


def test_unconfirmed_splits_judges_by_bars_stored_before_the_ex_date():
    day = dt.date(2026, 10, 26)
    close = dt.datetime(2026, 10, 26, 20, tzinfo=dt.UTC)
    before = dt.datetime(2026, 10, 23, 22, tzinfo=dt.UTC)
    after = dt.datetime(2026, 10, 27, 1, tzinfo=dt.UTC)
    splits = pl.DataFrame({"ticker": ["A", "B", "C"], "date": [day] * 3, "split_ratio": [4.0] * 3})
    dates = cal.sessions_back(cal.previous_session(day), 5)
    stored = pl.DataFrame(
        {
            "ticker": ["A"] * 5 + ["B"] * 5 + ["C"] * 5,
            "date": dates * 3,
            "close": [100.0] * 5 + [100.0] * 5 + [25.0] * 5,
            # C's stored bars were already restated after the ex-date: no evidence
            "ingested_at": [before] * 10 + [after] * 5,
        }
    )
    fetched = stored.with_columns(
        pl.when(pl.col("ticker") == "A").then(25.0).otherwise(pl.col("close")).alias("close")
    )
    doubtful = unconfirmed_splits(splits, stored, fetched, {day: close})
    assert doubtful.select("ticker", "observed_ratio").rows() == [("B", 1.0)]
