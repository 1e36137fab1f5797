"""A small real home for the fault cases: a month of prices for three tickers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from finlake.calendar import nyse
from finlake.lake import Lake
from finlake.pipelines.prices import build_adjusted, build_silver, fetch_prices
from finlake.settings import Settings
from finlake_tests.conftest import after_close

TICKERS = ["AAPL", "MSFT", "TSLA"]
SESSIONS = nyse().sessions_between(dt.date(2026, 10, 1), dt.date(2026, 10, 30))


@pytest.fixture
def priced_home(home: Path, lake: Lake, sample_provider) -> Path:
    """October 2026 of prices_daily, corporate_actions and prices_adjusted, no Dagster runs."""
    Settings(home=home, source="sample", universe=()).ensure_home()
    provider = sample_provider(after_close(SESSIONS[-1]))
    fetch_prices(
        provider, lake, TICKERS, SESSIONS, run_id="r1", refetch_sessions=5, now=provider.clock()
    )
    build_silver(provider, lake, TICKERS, SESSIONS, run_id="r1")
    build_adjusted(lake, TICKERS)
    return home
