"""finlake: an open financial data lakehouse.

import finlake
con = finlake.connect()          # read-only DuckDB connection with a view per dataset
finlake.sql("SELECT ...")        # -> polars.DataFrame
finlake.prices("AAPL", "2025-01-01", adjusted=True)
finlake.indicators("AAPL", "2025-01-01", columns=["rsi_14", "sma_50"])
finlake.features("AAPL")                                          # the features_daily mart
finlake.fundamentals("AAPL", "Revenues", as_of="2024-06-30")   # point in time
finlake.filings("MSFT", forms="8-K", text="guidance")
finlake.news("NVDA", "2026-11-01", max_sentiment=-0.05)          # negative NVDA stories
finlake.news_sentiment(["AAPL", "MSFT"], "2026-10-01")
finlake.macro("GDP", as_of="2019-01-01")                          # as known that day
finlake.policy_events("2025-01-01", statements_only=True)         # FOMC decisions
"""

import sys

# Where PYTHONDONTWRITEBYTECODE is set (CI images, some containers) every process would compile
# dagster, polars and numba from source again, seconds before any command starts. The bytecode of
# what finlake imports is written once, beside the sources in the virtual environment; uv's
# compile-bytecode did the same, but recompiled the whole environment on every `uv run`.
sys.dont_write_bytecode = False

from finlake.query import (  # noqa: E402 - after the bytecode setting, which it must not precede
    connect,
    features,
    filings,
    fundamentals,
    indicators,
    macro,
    news,
    news_sentiment,
    policy_events,
    prices,
    sql,
)

__all__ = [
    "connect",
    "features",
    "filings",
    "fundamentals",
    "indicators",
    "macro",
    "news",
    "news_sentiment",
    "policy_events",
    "prices",
    "sql",
]
