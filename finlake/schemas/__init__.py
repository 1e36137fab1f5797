"""Pandera (polars backend) schemas built from the data contract in finlake.datasets.

Column names and types come from the contract; each domain adds its checks in its own module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import pandera.polars as pa
import polars as pl

from finlake.calendar import nyse
from finlake.datasets import Dataset
from finlake.universe import TICKER_PATTERN


def contract_schema(
    ds: Dataset,
    *,
    checks: Mapping[str, list[pa.Check]],
    nullable: Iterable[str] = (),
    unique: list[str] | None = None,
    frame_checks: list[pa.Check] | None = None,
) -> pa.DataFrameSchema:
    nullable = set(nullable)
    return pa.DataFrameSchema(
        {
            name: pa.Column(dtype, checks=checks.get(name, []), nullable=name in nullable)
            for name, dtype in ds.schema.items()
        },
        checks=frame_checks or [],
        unique=unique,
        strict=True,
        name=ds.name,
    )


@cache
def session_dates() -> pl.Series:
    return pl.Series("session", nyse().sessions, dtype=pl.Date)


def is_session() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col(data.key).is_in(session_dates().implode())),
        name="is_session",
        error="not an NYSE session",
    )


def is_finite() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col(data.key).is_finite()),
        name="is_finite",
        error="not finite",
    )


def valid_ticker() -> pa.Check:
    return pa.Check.str_matches(TICKER_PATTERN.pattern, error="invalid ticker")
