"""`finlake summary` and `finlake quality`: what a home holds and whether its checks pass.

Both read the lake's Parquet files and the home's Dagster instance directly: they work before
the catalog is built, create nothing in the home (no catalog rebuild, no instance where none
exists), and a home without runs simply has no check results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import dagster as dg
import polars as pl
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus as Status,
)

from finlake.datasets import DATASETS, QUARANTINE
from finlake.instance import instance_for
from finlake.lake import Lake
from finlake.models.views import MODELS_LAKE_DIR, model_files
from finlake.settings import Settings
from finlake.storage import Store

# The column a dataset's first/last date and freshness are read from, where the first present
# of DEFAULT_TIME_COLUMNS would mislead (macro: the vintage, not the observed period).
TIME_COLUMNS: dict[str, str] = {
    "macro_observations": "realtime_start",
    "fundamentals": "filed",
    "sec_companies": "last_seen",
    "fomc_meetings": "end_date",
    "quarantine": "time",
}
DEFAULT_TIME_COLUMNS = ("date", "filing_date", "published_at")

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String,
    "layer": pl.String,
    "partitions": pl.Int64,
    "rows": pl.Int64,
    "bytes": pl.Int64,
    "first": pl.Date,
    "last": pl.Date,
    "age_days": pl.Int64,
    "last_materialized": pl.Datetime("us", "UTC"),
    "failing_checks": pl.List(pl.String),
}
CHECK_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String,
    "asset": pl.String,
    "check": pl.String,
    "status": pl.String,  # passed | failed | not evaluated
    "severity": pl.String,
    "evaluated_at": pl.Datetime("us", "UTC"),
    "partition": pl.String,
    "run_id": pl.String,
}


@dataclass(frozen=True)
class Target:
    """A dataset of the contract or a model: its files on disk and how to read its dates."""

    name: str
    layer: str
    files: list[str]
    frame: pl.LazyFrame
    time_column: str | None
    store: Store

    @property
    def bytes(self) -> int:
        return sum((self.store.info(f) or (0, 0))[0] for f in self.files)


def has_data(home: Path) -> bool:
    """Whether any dataset or model has files in the home's lake."""
    lake = Lake.of_home(home)
    return any(lake.has_data(ds) for ds in DATASETS.values()) or bool(_model_dirs(lake))


def _model_dirs(lake: Lake) -> list[str]:
    """lake/models/<name>: the SQL models' materializations (not a write's hidden staging)."""
    root = lake.store.join(MODELS_LAKE_DIR)
    names = {f.removeprefix(root + "/").split("/")[0] for f in lake.store.list(root)}
    return sorted(n for n in names if not n.startswith("."))


def targets(home: Path) -> list[Target]:
    lake = Lake.of_home(home)
    out = []
    for ds in DATASETS.values():
        column = TIME_COLUMNS.get(ds.name) or next(
            (c for c in DEFAULT_TIME_COLUMNS if c in ds.schema), None
        )
        out.append(Target(ds.name, ds.layer, lake.files(ds), lake.scan(ds), column, lake.store))
    options = lake.store.storage_options
    for name in _model_dirs(lake):
        files = model_files(lake.store, name)  # its newest version
        frame = (
            pl.scan_parquet(files, hive_partitioning=False, storage_options=options)
            if files
            else pl.LazyFrame()
        )
        schema = frame.collect_schema()
        column = next((c for c in DEFAULT_TIME_COLUMNS if c in schema), None) or next(
            (c for c, t in schema.items() if t == pl.Date), None
        )
        out.append(Target(name, MODELS_LAKE_DIR, files, frame, column, lake.store))
    return out


def _span(
    target: Target, today: dt.date
) -> tuple[int, dt.date | None, dt.date | None, dt.date | None]:
    """Rows, the first and last day of the target's time column, and its last day up to
    `today` (what the age is measured from: fomc_meetings lists meetings yet to come)."""
    if not target.files:
        return 0, None, None, None
    if target.time_column is None:
        return target.frame.select(pl.len()).collect().item(), None, None, None
    day = pl.col(target.time_column).cast(pl.Date)
    spans = target.frame.select(
        pl.len(),
        day.min().alias("first"),
        day.max().alias("last"),
        day.filter(day <= today).max().alias("past"),
    )
    return spans.collect().row(0)


def summary(home: Path, location: Location | None, today: dt.date | None = None) -> pl.DataFrame:
    """One row per dataset and model: files, rows, bytes, date span, age of the newest day
    (UTC), last materialization and the checks whose latest evaluation failed (those two need
    the code location, else they are empty)."""
    today = today or dt.datetime.now(dt.UTC).date()
    all_targets = targets(home)
    checks = check_results(home, location)
    failing = checks.filter(pl.col("status") == "failed").group_by("dataset").agg("check")
    failed_by = dict(failing.iter_rows())
    materialized = last_materializations(home, location, [t.name for t in all_targets])
    rows = []
    for target in all_targets:
        count, first, last, past = _span(target, today)
        rows.append(
            {
                "dataset": target.name,
                "layer": target.layer,
                "partitions": len(target.files),
                "rows": count,
                "bytes": target.bytes,
                "first": first,
                "last": last,
                "age_days": (today - past).days if past else None,
                "last_materialized": materialized.get(target.name),
                "failing_checks": sorted(failed_by.get(target.name, [])),
            }
        )
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA)


def has_instance(home: Path) -> bool:
    """Whether anything ever ran in the home (opening an instance would create one)."""
    return Settings.from_env(home=home).dagster_dir.is_dir()


def _instance_settings(home: Path) -> Settings | None:
    return Settings.from_env(home=home) if has_instance(home) else None


class Location(NamedTuple):
    """The code location's asset and check keys. Checks are listed from their definitions, so a
    check that never ran shows up too."""

    assets: dict[str, dg.AssetKey]  # by dataset or model name (the key's last part)
    checks: list[dg.AssetCheckKey]

    @classmethod
    def load(cls) -> Location:
        from finlake.definitions import build_defs

        graph = build_defs().resolve_asset_graph()
        return cls(
            {key.path[-1]: key for key in graph.get_all_asset_keys()},
            sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.path, k.name)),
        )


def last_materializations(
    home: Path, location: Location | None, names: Sequence[str]
) -> dict[str, dt.datetime]:
    settings = _instance_settings(home)
    if settings is None or location is None:
        return {}
    keys = location.assets
    out = {}
    with instance_for(settings) as instance:
        for name in names:
            if name in keys and (event := instance.get_latest_materialization_event(keys[name])):
                out[name] = _utc(event.timestamp)
    return out


def check_results(home: Path, location: Location | None) -> pl.DataFrame:
    """Every asset check with its latest evaluation in this home: the latest one that ran, not
    a planned one whose run failed before it. Empty without a location or an instance."""
    settings = _instance_settings(home)
    if settings is None or location is None:
        return pl.DataFrame(schema=CHECK_SCHEMA)
    rows = []
    with instance_for(settings) as instance:
        for key in location.checks:
            row = {
                "dataset": key.asset_key.path[-1],
                "asset": key.asset_key.to_user_string(),
                "check": key.name,
                "status": "not evaluated",
            }
            history = instance.event_log_storage.get_asset_check_execution_history(
                key, limit=1, status={Status.SUCCEEDED, Status.FAILED}
            )
            if history and (evaluation := history[0].evaluation) is not None:
                record = history[0]
                row |= {
                    "status": "passed" if evaluation.passed else "failed",
                    "severity": evaluation.severity.value,
                    "evaluated_at": _utc(record.event.timestamp),
                    "partition": record.partition,
                    "run_id": record.run_id,
                }
            rows.append(row)
    return pl.DataFrame(rows, schema=CHECK_SCHEMA)


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(microsecond=0)


def quarantine_counts(home: Path) -> pl.DataFrame:
    """Rows the gates hold back, by dataset and reason, most first."""
    return (
        Lake.of_home(home)
        .scan(QUARANTINE)
        .group_by("dataset", "reason")
        .agg(pl.len().cast(pl.Int64).alias("rows"), pl.col("time").max().alias("latest"))
        .sort(["rows", "dataset", "reason"], descending=[True, False, False])
        .collect()
    )
