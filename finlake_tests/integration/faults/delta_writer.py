"""A process making one large multi-partition merge into silver/prices_daily, to be killed.

`python -m finlake_tests.integration.faults.delta_writer ROOT CLOSE` restates every bar of the
table built by `base_rows` (TICKERS x MONTHS months) with close = CLOSE in one merge, which is
one Delta commit over every month partition. The test kills it with SIGKILL while delta-rs is
writing its data files or committing.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl

from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake

TICKERS = [f"T{i:03d}" for i in range(300)]
FIRST, LAST = dt.date(2021, 1, 1), dt.date(2024, 12, 31)  # 48 month partitions
MONTHS = 48
NOW = dt.datetime(2026, 11, 30, 23, tzinfo=dt.UTC)


def bars(close: float) -> pl.DataFrame:
    days = pl.date_range(FIRST, LAST, "1d", eager=True)
    grid = pl.DataFrame({"ticker": TICKERS}).join(pl.DataFrame({"date": days}), how="cross")
    return grid.with_columns(
        *[pl.lit(close).alias(c) for c in ("open", "high", "low", "close")],
        pl.lit(1, dtype=pl.Int64).alias("volume"),
        pl.lit("yahoo").alias("source"),
        pl.lit(NOW).alias("ingested_at"),
    ).select(PRICES_DAILY.column_names)


def restate(root: Path, close: float) -> None:
    rows = bars(close)
    Lake(root).merge(PRICES_DAILY, rows, rows.select("ticker", "date"))


if __name__ == "__main__":
    restate(Path(sys.argv[1]), float(sys.argv[2]))
