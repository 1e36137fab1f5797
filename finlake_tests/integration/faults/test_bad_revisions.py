"""A bad re-fetched bar never deletes the good stored bar (nor what is derived from it).

A session already stored is fetched again inside the five-session lookback with a broken bar:
the gate quarantines the revision beside the stored row it would have replaced, and the stored
row stays in prices_daily, prices_adjusted and indicators_daily.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from finlake.calendar import nyse
from finlake.datasets import INDICATORS_DAILY, PRICES_ADJUSTED, PRICES_DAILY, QUARANTINE
from finlake.lake import Lake
from finlake.pipelines.indicators import build_indicators
from finlake.pipelines.prices import build_adjusted, build_silver, fetch_prices
from finlake.sources.yahoo.provider import YahooProvider
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults

TICKERS = ["AAPL", "MSFT", "NVDA", "TSLA"]
cal = nyse()
DAYS = cal.sessions_between(dt.date(2026, 3, 2), dt.date(2026, 10, 30))
LAST = DAYS[-1]
REVISED = DAYS[-3]  # inside the lookback of the LAST run


def run(lake: Lake, provider: YahooProvider, sessions, run_id: str):
    fetch_prices(
        provider, lake, TICKERS, sessions, run_id=run_id, refetch_sessions=5, now=provider.clock()
    )
    silver = build_silver(provider, lake, TICKERS, sessions, run_id=run_id)
    build_adjusted(lake, TICKERS)
    build_indicators(lake, TICKERS, sessions)
    return silver


def aapl_on(lake: Lake, ds, day: dt.date) -> pl.DataFrame:
    return lake.scan(ds).filter((pl.col("ticker") == "AAPL") & (pl.col("date") == day)).collect()


def high_below_low(name: str, doc: dict) -> dict | None:
    if name != "AAPL":
        return None
    quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
    i = faults.bar_index(doc, REVISED)
    quote["high"][i], quote["low"][i] = quote["low"][i] * 0.9, quote["high"][i] * 1.1
    return doc


def conflicting_duplicate(name: str, doc: dict) -> dict | None:
    doc = faults.duplicate_bar("AAPL", REVISED)(name, doc)
    if doc is not None:
        quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
        quote["close"][faults.bar_index(doc, REVISED)] *= 1.05
    return doc


CASES = {
    "null close": (faults.set_field("AAPL", REVISED, "close", None), "close is null"),
    "negative open": (faults.set_field("AAPL", REVISED, "open", -3.0), "open: must be > 0"),
    "high below low": (high_below_low, "low <= min(open, close)"),
    "duplicate key, other values": (conflicting_duplicate, "duplicate key"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_rejected_revision_keeps_the_stored_row(lake, sample_provider, case):
    fault, reason = CASES[case]
    run(lake, sample_provider(after_close(DAYS[-2])), DAYS[:-1], "good")
    before = {ds.name: aapl_on(lake, ds, REVISED) for ds in (PRICES_DAILY, PRICES_ADJUSTED)}
    indicators_before = aapl_on(lake, INDICATORS_DAILY, REVISED)
    assert before[PRICES_DAILY.name].height == 1

    bad = YahooProvider(
        faults.FaultyTransport(after_close(LAST), fault), clock=lambda: after_close(LAST)
    )
    silver = run(lake, bad, [LAST], "bad-revision")

    for ds in (PRICES_DAILY, PRICES_ADJUSTED):
        assert aapl_on(lake, ds, REVISED).equals(before[ds.name]), ds.name
    assert aapl_on(lake, INDICATORS_DAILY, REVISED).equals(indicators_before)
    assert aapl_on(lake, PRICES_DAILY, LAST).height == 1  # the new session still landed
    quarantined = (
        lake.scan(QUARANTINE)
        .filter((pl.col("dataset") == PRICES_DAILY.name) & (pl.col("partition") == str(REVISED)))
        .collect()
    )
    assert quarantined.height >= 1
    reasons = quarantined.get_column("reason").to_list()
    assert all(reason in r for r in reasons), reasons
    assert quarantined.get_column("run_id").unique().to_list() == ["bad-revision"]
    kept = [json.loads(r) for r in quarantined.get_column("stored_row").to_list()]
    stored_close = before[PRICES_DAILY.name].get_column("close").item()
    assert [k["close"] for k in kept] == [stored_close] * quarantined.height
    assert silver.rejected.get_column("stored_row").is_not_null().sum() == quarantined.height


def test_a_valid_revision_still_replaces_the_stored_row(lake, sample_provider):
    run(lake, sample_provider(after_close(DAYS[-2])), DAYS[:-1], "good")
    revised = YahooProvider(
        faults.FaultyTransport(
            after_close(LAST), faults.set_field("AAPL", REVISED, "volume", 12345)
        ),
        clock=lambda: after_close(LAST),
    )
    run(lake, revised, [LAST], "revision")
    assert aapl_on(lake, PRICES_DAILY, REVISED).get_column("volume").item() == 12345
    assert not lake.has_data(QUARANTINE)
