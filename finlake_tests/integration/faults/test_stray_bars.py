"""One stray bar dated on a holiday or weekend is quarantined; the run keeps every other bar."""

from __future__ import annotations

import datetime as dt

import pytest

from finlake.calendar import nyse
from finlake.datasets import PRICES_DAILY, QUARANTINE
from finlake.pipelines.prices import build_silver, fetch_prices
from finlake.sources.yahoo.provider import YahooProvider
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults

TICKERS = ["AAPL", "MSFT", "NVDA"]
cal = nyse()
SESSIONS = cal.sessions_between(dt.date(2026, 11, 16), dt.date(2026, 11, 30))


@pytest.mark.parametrize("day", [dt.date(2026, 11, 26), dt.date(2026, 11, 22)])  # holiday, Sunday
def test_a_stray_bar_is_quarantined_and_the_rest_is_stored(lake, day):
    assert not cal.is_session(day)
    at = after_close(SESSIONS[-1])
    provider = YahooProvider(
        faults.FaultyTransport(at, faults.stray_bar("MSFT", day)), clock=lambda: at
    )
    fetch_prices(provider, lake, TICKERS, SESSIONS, run_id="r", refetch_sessions=5, now=at)
    report = build_silver(provider, lake, TICKERS, SESSIONS, run_id="r")
    stored = lake.scan(PRICES_DAILY).collect()
    assert stored.height == len(TICKERS) * len(SESSIONS)
    assert day not in stored.get_column("date").to_list()
    quarantined = lake.scan(QUARANTINE).collect()
    assert quarantined.select("dataset", "partition").rows() == [(PRICES_DAILY.name, str(day))]
    assert "not an NYSE session" in quarantined.get_column("reason").item()
    assert report.rejected.height == 1
