"""Retention: how long each dataset keeps its rows, applied by a cleanup that can dry-run.

A policy maps a dataset name (or `bronze/<source>` for raw payloads) to the days it keeps,
counted back from now on the dataset's time column. Only datasets named in the policy are
touched; prices, filings and fundamentals are kept forever unless a user adds them. The
defaults come from the sources' contracts (finlake.contracts.DEFAULT_RETENTION_DAYS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from finlake.datasets import DATASETS, Dataset
from finlake.lake import PRUNE_SCHEMA, Lake

TIME_COLUMNS = ("published_at", "date", "filing_date", "time")


def time_column(ds: Dataset) -> str:
    for column in TIME_COLUMNS:
        if column in ds.schema:
            return column
    raise ValueError(f"{ds.name} has no time column: retention cannot apply to it")


def apply_retention(
    lake: Lake, policy: Mapping[str, int], now: dt.datetime, *, dry_run: bool
) -> pl.DataFrame:
    """What the policy removes (or, with dry_run, would remove), one row per file."""
    frames = []
    for target, days in sorted(policy.items()):
        if days < 1:
            raise ValueError(f"retention for {target} must be at least 1 day, not {days}")
        cutoff = now - dt.timedelta(days=days)
        if target.startswith("bronze/"):
            found = lake.prune_bronze(
                target.removeprefix("bronze/"), cutoff.date(), dry_run=dry_run
            )
        elif target in DATASETS:
            ds = DATASETS[target]
            column = time_column(ds)
            bound = cutoff if isinstance(ds.schema[column], pl.Datetime) else cutoff.date()
            found = lake.prune(ds, column, bound, dry_run=dry_run)
        else:
            raise ValueError(f"unknown retention target {target!r}")
        frames.append(
            found.select(
                pl.lit(target).alias("target"),
                pl.lit(days).alias("keep_days"),
                pl.lit(str(cutoff)).alias("cutoff"),
                *PRUNE_SCHEMA,
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={"target": pl.String, "keep_days": pl.Int32, "cutoff": pl.String, **PRUNE_SCHEMA}
        )
    return pl.concat(frames)
