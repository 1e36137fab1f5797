"""compute_indicators: validate, order, run the kernel, return a Polars frame."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import polars as pl

from finlake.indicators.columns import COLUMNS, WARMUP
from finlake.indicators.kernel import compute_all

WARMUP_ARRAY = np.array([WARMUP[c] for c in COLUMNS], dtype=np.int64)
INPUT = ("ticker", "date", "open", "high", "low", "close", "volume")
PRICES = ("open", "high", "low", "close")


def _check(bars: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in INPUT if c not in bars.columns]
    if missing:
        raise ValueError(f"compute_indicators needs columns {missing}")
    bars = bars.select(
        pl.col("ticker").cast(pl.String),
        pl.col("date").cast(pl.Date),
        *(pl.col(c).cast(pl.Float64) for c in (*PRICES, "volume")),
    )
    values = [pl.col(c) for c in (*PRICES, "volume")]
    invalid = (
        pl.col("ticker").is_null()
        | pl.col("date").is_null()
        | pl.any_horizontal([v.is_null() | v.is_nan() for v in values])
        | pl.any_horizontal([pl.col(c) <= 0 for c in PRICES])
        | (pl.col("volume") < 0)
    )
    if bars.select(invalid.any()).item():
        bad = bars.filter(invalid)
        sample = ", ".join(f"{t} {d}" for t, d in bad.select("ticker", "date").head(10).rows())
        raise ValueError(
            f"{bad.height} input rows have null/NaN values, non-positive prices or negative "
            f"volume ({sample}); indicators are not computed over them"
        )
    return bars


def _ordered(bars: pl.DataFrame) -> pl.DataFrame:
    """Sorted by (ticker, date) with no duplicate key; sorts only when needed."""
    same = pl.col("ticker") == pl.col("ticker").shift(1)
    later = pl.col("date") > pl.col("date").shift(1)
    ascending = (pl.col("ticker") > pl.col("ticker").shift(1)) | (same & later)
    if not bars.select(ascending.slice(1).all()).item():
        bars = bars.sort("ticker", "date")
        dupes = bars.filter(same & (pl.col("date") == pl.col("date").shift(1)))
        if not dupes.is_empty():
            sample = ", ".join(
                f"{t} {d}" for t, d in dupes.select("ticker", "date").head(10).rows()
            )
            raise ValueError(f"duplicate (ticker, date) rows: {sample}")
    return bars


@contextmanager
def small_pages() -> Iterator[None]:
    """Allocate without numpy's transparent-huge-page advice. Where the kernel compacts memory
    synchronously on such faults (THP defrag=madvise), first-touching ~1 GB of output took 2 s
    instead of 0.3 s; numpy documents the same trade-off under NUMPY_MADVISE_HUGEPAGE."""
    from numpy._core import multiarray

    previous = multiarray._get_madvise_hugepage()
    multiarray._set_madvise_hugepage(False)
    try:
        yield
    finally:
        multiarray._set_madvise_hugepage(previous)


def compute_indicators(bars: pl.DataFrame) -> pl.DataFrame:
    """Indicators for every (ticker, date) of `bars`, sorted by ticker and date; null during each
    indicator's warm-up. See finlake.indicators for the handling of gaps and bad values."""
    bars = _ordered(_check(bars))
    lengths = bars.get_column("ticker").rle().struct.field("len").to_numpy()
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    with small_pages():
        outs = tuple(np.empty(bars.height, dtype=np.float64) for _ in COLUMNS)
    if bars.height:
        arrays = (bars.get_column(c).to_numpy() for c in ("high", "low", "close", "volume"))
        compute_all(*arrays, starts, WARMUP_ARRAY, outs)
    columns = [pl.Series(name, outs[i], nan_to_null=True) for i, name in enumerate(COLUMNS)]
    frame = bars.select("ticker", "date").hstack(columns)
    return frame.with_columns(pl.col("is_anomaly").cast(pl.Boolean))


def warm_up() -> None:
    """Compile the numba kernels into their on-disk cache (about 11 s on the first run on a
    machine, 0.5 s after), so a caller can do it in a background process while other work
    runs."""
    days = pl.date_range(dt.date(2000, 1, 3), dt.date(2001, 12, 31), eager=True)
    price = pl.Series(np.linspace(10.0, 20.0, len(days)))
    compute_indicators(
        pl.DataFrame(
            {
                "ticker": "WARM",
                "date": days,
                "open": price,
                "high": price * 1.01,
                "low": price * 0.99,
                "close": price,
                "volume": 1_000,
            }
        )
    )
