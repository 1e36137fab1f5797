"""Quality gates for the price datasets."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED, PRICES_DAILY
from finlake.schemas import contract_schema, is_finite, is_session, valid_ticker


def _positive_price() -> list[pa.Check]:
    return [pa.Check.gt(0, error="must be > 0"), is_finite()]


def _ohlc_consistent() -> pa.Check:
    body_low = pl.min_horizontal("open", "close")
    body_high = pl.max_horizontal("open", "close")
    return pa.Check(
        lambda data: data.lazyframe.select(
            (pl.col("low") <= body_low) & (body_high <= pl.col("high"))
        ),
        name="ohlc_consistent",
        error="low <= min(open, close) <= max(open, close) <= high violated",
    )


def _bars_schema(ds, extra: dict[str, list[pa.Check]] | None = None) -> pa.DataFrameSchema:
    checks = {
        "ticker": [valid_ticker()],
        "date": [is_session()],
        **{col: _positive_price() for col in ("open", "high", "low", "close")},
        "volume": [pa.Check.ge(0, error="must be >= 0")],
        **(extra or {}),
    }
    return contract_schema(
        ds, checks=checks, unique=["ticker", "date"], frame_checks=[_ohlc_consistent()]
    )


PRICES_DAILY_SCHEMA = _bars_schema(PRICES_DAILY)

PRICES_ADJUSTED_SCHEMA = _bars_schema(
    PRICES_ADJUSTED,
    {"adj_factor": [pa.Check.gt(0, error="must be > 0"), pa.Check.le(1, error="must be <= 1")]},
)

CORPORATE_ACTIONS_SCHEMA = contract_schema(
    CORPORATE_ACTIONS,
    checks={
        "ticker": [valid_ticker()],
        "date": [is_session()],
        "dividend": [pa.Check.ge(0, error="must be >= 0"), is_finite()],
        "split_ratio": [pa.Check.gt(0, error="must be > 0"), is_finite()],
    },
    unique=["ticker", "date"],
)
