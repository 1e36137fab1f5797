"""sync() writes only what can have changed, and rewrites a ticker whose inputs changed."""

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.calendar import nyse
from finlake.datasets import PRICES_ADJUSTED
from finlake.lake import Lake
from finlake.pipelines.derived import read_state, row_hashes, sync

DAYS = nyse().sessions_between(dt.date(2026, 9, 28), dt.date(2026, 10, 9))  # two months


def bars(tickers, days, bump: dict | None = None) -> pl.DataFrame:
    rows = []
    for t in tickers:
        for i, d in enumerate(days):
            close = 100.0 + i + (bump or {}).get((t, d), 0.0)
            rows.append((t, d, close, close, close, close, 1000, 1.0))
    return pl.DataFrame(rows, schema=PRICES_ADJUSTED.schema, orient="row")


def run(lake, frame, dates=None):
    inputs = row_hashes(frame, ["date", "close"])
    return sync(lake, PRICES_ADJUSTED, frame, inputs, dates)


def stored(lake) -> pl.DataFrame:
    return lake.scan(PRICES_ADJUSTED).collect().sort("ticker", "date")


def test_first_sync_writes_everything_then_only_new_rows(tmp_path):
    lake = Lake(tmp_path)
    first = run(lake, bars(["AAA", "BBB"], DAYS[:-1]))
    assert first.rows_written == 2 * (len(DAYS) - 1) and first.rewritten == []
    assert stored(lake).equals(bars(["AAA", "BBB"], DAYS[:-1]).sort("ticker", "date"))
    second = run(lake, bars(["AAA", "BBB"], DAYS))
    assert second.rows_written == 2 and second.changed_dates == [DAYS[-1]]
    state = read_state(lake, PRICES_ADJUSTED)
    assert state.select("ticker", "through").rows() == [("AAA", DAYS[-1]), ("BBB", DAYS[-1])]


def test_changed_inputs_rewrite_that_ticker_only(tmp_path):
    lake = Lake(tmp_path)
    run(lake, bars(["AAA", "BBB"], DAYS))
    revised = bars(["AAA", "BBB"], DAYS, bump={("AAA", DAYS[1]): 5.0})
    report = run(lake, revised)
    assert report.rewritten == ["AAA"]
    assert report.rows_written == len(DAYS)  # all of AAA, none of BBB
    assert report.changed_dates == [DAYS[1]]  # only that row actually differed
    assert stored(lake).equals(revised.sort("ticker", "date"))


def test_rows_no_longer_computed_for_a_rewritten_ticker_are_removed(tmp_path):
    lake = Lake(tmp_path)
    run(lake, bars(["AAA"], DAYS))
    shorter = bars(["AAA"], DAYS[1:], bump={("AAA", DAYS[1]): -1.0})
    run(lake, shorter)
    assert stored(lake).equals(shorter)


def test_partitioned_sync_writes_only_the_requested_sessions(tmp_path):
    lake = Lake(tmp_path)
    frame = bars(["AAA"], DAYS)
    report = run(lake, frame, dates=[DAYS[2], DAYS[3]])
    assert report.rows_written == 2
    assert stored(lake)["date"].to_list() == [DAYS[2], DAYS[3]]
    run(lake, frame, dates=[DAYS[-1]])
    assert stored(lake)["date"].to_list() == [DAYS[2], DAYS[3], DAYS[-1]]


def test_tickers_outside_the_computation_are_left_alone(tmp_path):
    lake = Lake(tmp_path)
    run(lake, bars(["AAA", "OLD"], DAYS))
    report = run(lake, bars(["AAA"], DAYS, bump={("AAA", DAYS[0]): 1.0}))
    assert report.rewritten == ["AAA"]
    assert stored(lake).filter(pl.col("ticker") == "OLD").height == len(DAYS)


def test_a_lost_state_update_is_recovered(tmp_path):
    lake = Lake(tmp_path)
    run(lake, bars(["AAA"], DAYS[:5]))
    state = Path(lake.dataset_dir(PRICES_ADJUSTED)) / "_state.parquet"
    state.unlink()  # a crash before the state write
    report = run(lake, bars(["AAA"], DAYS))
    assert stored(lake).equals(bars(["AAA"], DAYS))
    assert report.rows_written == len(DAYS)
