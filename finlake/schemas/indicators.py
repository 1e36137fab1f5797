"""The quality gate of indicators_daily: ranges and orderings the indicators must respect."""

from __future__ import annotations

import itertools

import pandera.polars as pa
import polars as pl

from finlake.datasets import INDICATORS_DAILY
from finlake.indicators.columns import FLOAT_COLUMNS
from finlake.schemas import contract_schema, is_finite, is_session, valid_ticker

NONNEGATIVE = (
    "atr_14",
    "volume_sma_20",
    "volume_sma_50",
    "volatility_21d",
    "bb_bandwidth",
)
POSITIVE = (
    *(f"sma_{n}" for n in (5, 10, 20, 50, 100, 200)),
    *(f"ema_{n}" for n in (12, 26, 50, 200)),
    "bb_middle",
    "vwap_20",
    "high_52w",
    "low_52w",
    "support_20",
    "resistance_20",
)


def _ordered(*columns: str) -> pa.Check:
    pairs = itertools.pairwise(columns)
    condition = pl.all_horizontal(
        [pl.col(a).is_null() | pl.col(b).is_null() | (pl.col(a) <= pl.col(b)) for a, b in pairs]
    )
    return pa.Check(
        lambda data: data.lazyframe.select(condition),
        name=f"{'_le_'.join(columns)}",
        error=" <= ".join(columns) + " violated",
    )


def _checks() -> dict[str, list[pa.Check]]:
    checks: dict[str, list[pa.Check]] = {c: [is_finite()] for c in FLOAT_COLUMNS}
    checks["ticker"] = [valid_ticker()]
    checks["date"] = [is_session()]
    checks["rsi_14"] += [pa.Check.in_range(0, 100, error="must be in [0, 100]")]
    for column in NONNEGATIVE:
        checks[column] += [pa.Check.ge(0, error="must be >= 0")]
    for column in POSITIVE:
        checks[column] += [pa.Check.gt(0, error="must be > 0")]
    return checks


INDICATORS_DAILY_SCHEMA = contract_schema(
    INDICATORS_DAILY,
    checks=_checks(),
    nullable=[*FLOAT_COLUMNS, "is_anomaly"],
    unique=["ticker", "date"],
    frame_checks=[
        _ordered("bb_lower", "bb_middle", "bb_upper"),
        _ordered("low_52w", "high_52w"),
        _ordered("support_20", "resistance_20"),
    ],
)
