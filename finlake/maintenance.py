"""Table maintenance: compact small files, vacuum removed ones, checkpoint the log.

Every write of a dataset is one Delta commit, so a table accumulates what readers pay for:
- small files: appends and odd writes leave partitions holding several files; compaction
  rewrites them into one per partition (a commit that changes no rows);
- removed files: a write's replaced files stay on disk so that a reader holding an older
  version, or time travel to one, keeps working. Vacuum deletes them only once they were
  removed longer ago than the retention window (default a week), together with files no commit
  names (a killed writer's) once older than that window;
- a long log: a 25-year backfill makes thousands of JSON commits, and opening a table replays
  every commit after its last checkpoint. A checkpoint makes opening read one Parquet file.
  Log entries are deleted only when older than the table's log retention
  (`delta.logRetentionDuration`, 30 days by default) and not needed to read a version
  committed inside it; maintenance deletes none itself when that retention is shorter than the
  vacuum window (delta-rs still cleans by it after every commit, so keep it the longer).

`maintain` reports per dataset what it did (with `dry_run`: what it would do, touching nothing).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import unquote

import polars as pl
from deltalake import DeltaTable, WriterProperties

from finlake.datasets import DATASETS, Dataset
from finlake.lake import Lake
from finlake.storage import Store

log = logging.getLogger(__name__)

DEFAULT_RETENTION_HOURS = 168  # a week: removed files stay readable (time travel) this long
SMALL_FILE_BYTES = 32 * 2**20  # a file below this in a partition of several is compacted
COMPACT_TARGET_BYTES = 128 * 2**20  # compaction writes files of about this size
DEFAULT_LOG_RETENTION = "interval 30 days"  # delta.logRetentionDuration when unset
# the log files delta-rs's cleanup considers (commits and checkpoints), as delta-rs matches them
_LOG_FILE = re.compile(r"(\d{20})\.(json|checkpoint(\.\d+)?\.parquet)$")
_CHECKPOINT = re.compile(r"(\d{20})\.checkpoint.*$")
_UNITS_S = {
    "nanosecond": 1e-9,
    "microsecond": 1e-6,
    "millisecond": 1e-3,
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
}

MAINTENANCE_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String,
    "layer": pl.String,
    "dry_run": pl.Boolean,
    "version_before": pl.Int64,
    "files": pl.Int64,  # active data files before
    "bytes": pl.Int64,  # their size
    "partitions": pl.Int64,
    "small_files": pl.Int64,  # small files in partitions of several: what compaction rewrites
    "partitions_compacted": pl.Int64,  # dry run: partitions with several small files
    "files_compacted_away": pl.Int64,  # dry run: the small files
    "vacuum_files": pl.Int64,  # files vacuum deleted (dry run: would delete)
    "vacuum_bytes": pl.Int64,
    "checkpointed": pl.Boolean,  # a checkpoint was (would be) written
    "log_files_removed": pl.Int64,  # expired log entries deleted (dry run: would delete)
    "version_after": pl.Int64,  # dry run: version_before (nothing is committed)
    "seconds": pl.Float64,
}


@dataclass
class _Layout:
    """The active files of a table's version, by partition."""

    files: int
    bytes: int
    partitions: int
    small_files: int  # small files of partitions holding at least two small files
    partitions_to_compact: int  # partitions holding at least two small files
    multi_file_partitions: int  # partitions holding more than one file


def _layout(table: DeltaTable) -> _Layout:
    actions = pl.DataFrame(table.get_add_actions(flatten=True))
    if actions.is_empty():
        return _Layout(0, 0, 0, 0, 0, 0)
    keys = [f"partition.{c}" for c in table.metadata().partition_columns]
    by = [pl.col(k).cast(pl.String) for k in keys] or [pl.lit("").alias("__all")]
    parts = actions.group_by(by).agg(
        pl.len().alias("n"),
        (pl.col("size_bytes") < SMALL_FILE_BYTES).sum().alias("small"),
    )
    compacted = parts.filter(pl.col("small") > 1)
    return _Layout(
        files=actions.height,
        bytes=int(actions.get_column("size_bytes").sum()),
        partitions=parts.height,
        small_files=int(compacted.get_column("small").sum()),
        partitions_to_compact=compacted.height,
        multi_file_partitions=parts.filter(pl.col("n") > 1).height,
    )


def _on_disk(store: Store, root: str, listed: str) -> int | None:
    """The size of the file a vacuum listing names (relative or absolute, maybe
    percent-encoded), if it exists: delta-rs lists a removed file again after deleting it until
    its tombstone expires."""
    listed = listed.removeprefix("file://")
    for name in dict.fromkeys((listed, unquote(listed))):
        absolute = name.startswith(("/", "s3://"))
        found = store.info(name if absolute else f"{root}/{name}")
        if found is not None:
            return found[0]
    return None


def vacuum_candidates(
    table: DeltaTable, store: Store, root: str, retention_hours: int
) -> dict[str, int]:
    """What a full vacuum deletes now and still exists: listed name -> bytes (delta-rs lists
    files it already deleted again until their removal records expire)."""
    listed = table.vacuum(
        retention_hours=retention_hours,
        dry_run=True,
        enforce_retention_duration=False,
        full=True,
    )
    found = {name: _on_disk(store, root, name) for name in listed}
    return {name: size for name, size in found.items() if size is not None}


def _log_entries(store: Store, log_dir: str) -> dict[str, tuple[int, bool, int]]:
    """Log files cleanup considers: name -> (version, is a checkpoint, mtime in ms)."""
    out = {}
    for path, (_, mtime_ns) in store.stat_all(log_dir).items():
        name = path.rsplit("/", 1)[-1]
        if match := _LOG_FILE.search(name):
            out[name] = (int(match.group(1)), bool(_CHECKPOINT.search(name)), mtime_ns // 10**6)
    return out


def _last_checkpoint(store: Store, log_dir: str) -> int | None:
    names = [p.rsplit("/", 1)[-1] for p in store.list(log_dir)]
    versions = [int(m.group(1)) for n in names if (m := _CHECKPOINT.match(n))]
    if "_last_checkpoint" in names:
        with suppress(ValueError, KeyError, TypeError):  # a damaged hint: the listing decides
            hint = store.read_bytes(f"{log_dir}/_last_checkpoint")
            versions.append(int(json.loads(hint)["version"]))
    return max(versions, default=None)


def _expired_logs(
    entries: Iterable[tuple[int, bool, int]], until_version: int, cutoff_ms: int
) -> int:
    """How many log entries delta-rs's cleanup_metadata deletes (its rule, delta-rs 1.6): only
    entries older than the cutoff and before a checkpoint from which every version committed
    inside the retention (and `until_version`) can still be read."""
    entries = list(entries)
    recent = [v for v, _, ts in entries if ts >= cutoff_ms]
    keep = min(until_version, min(recent, default=until_version))
    safe = max((v for v, checkpoint, _ in entries if checkpoint and v <= keep), default=None)
    if safe is None:
        return 0
    return sum(1 for v, _, ts in entries if v < safe and ts <= cutoff_ms)


def _interval_hours(value: str) -> float | None:
    """A Delta interval ("interval 30 days") in hours; None when it does not parse."""
    parts = value.split()
    if len(parts) != 3 or parts[0] != "interval":
        return None
    try:
        number = int(parts[1])
    except ValueError:
        return None
    unit = _UNITS_S.get(parts[2].removesuffix("s"))
    return None if unit is None or number < 0 else number * unit / 3600


def _log_retention_hours(table: DeltaTable) -> float | None:
    """The table's log retention in hours; None when its log cleanup is disabled (or the
    retention does not parse, which delta-rs would refuse too)."""
    config = table.metadata().configuration
    if config.get("delta.enableExpiredLogCleanup", "true").lower() == "false":
        return None
    return _interval_hours(config.get("delta.logRetentionDuration", DEFAULT_LOG_RETENTION))


def _maintain_one(lake: Lake, ds: Dataset, *, dry_run: bool, retention_hours: int) -> dict:
    start = time.perf_counter()
    store = lake.store
    uri = lake.dataset_dir(ds)
    log_dir = f"{uri}/_delta_log"

    def open_table() -> DeltaTable:
        return DeltaTable(uri, storage_options=store.storage_options)

    table = open_table()
    before = table.version()
    layout = _layout(table)
    candidates = vacuum_candidates(table, store, uri, retention_hours)
    log_hours = _log_retention_hours(table)
    # the explicit cleanup runs only when the log outlives the vacuum window: a version whose
    # files are kept keeps its commits. (delta-rs 1.6 also cleans after every commit, its
    # compaction's and vacuum's included, whatever post_commithook_properties say.)
    cleanup = log_hours is not None and log_hours >= retention_hours
    if log_hours is not None and not cleanup:
        log.warning(
            "%s/%s: its log retention (%.0f hours) is shorter than the %d-hour vacuum window; "
            "maintenance deletes no log entries itself, but delta-rs does after each commit",
            ds.layer,
            ds.name,
            log_hours,
            retention_hours,
        )
    row = {
        "dataset": ds.name,
        "layer": ds.layer,
        "dry_run": dry_run,
        "version_before": before,
        "files": layout.files,
        "bytes": layout.bytes,
        "partitions": layout.partitions,
        "small_files": layout.small_files,
    }
    if dry_run:
        commits = (1 if layout.partitions_to_compact else 0) + (2 if candidates else 0)
        last = _last_checkpoint(store, log_dir)
        checkpoint = last is None or before + commits > last
        removed = 0
        if log_hours is not None and (cleanup or commits):  # the last cleanup deletes the most
            now_ms = int(time.time() * 1000)
            planned = [(v, False, now_ms) for v in range(before + 1, before + commits + 1)]
            if checkpoint and cleanup:
                planned.append((before + commits, True, now_ms))
            entries = [*_log_entries(store, log_dir).values(), *planned]
            removed = _expired_logs(entries, before + commits, now_ms - int(log_hours * 3.6e6))
        return row | {
            "partitions_compacted": layout.partitions_to_compact,
            "files_compacted_away": layout.small_files,
            "vacuum_files": len(candidates),
            "vacuum_bytes": sum(candidates.values()),
            "checkpointed": checkpoint,
            "log_files_removed": removed,
            "version_after": before,
            "seconds": time.perf_counter() - start,
        }

    log_before = set(_log_entries(store, log_dir))
    metrics: dict = {}
    if layout.multi_file_partitions:  # one file per partition: nothing to compact (or commit)

        def compact(_read: int | None) -> dict:
            return open_table().optimize.compact(
                target_size=COMPACT_TARGET_BYTES,
                writer_properties=WriterProperties(compression="ZSTD"),
                commit_properties=lake._commit_properties("compact"),
            )

        metrics = lake.committed(ds, compact)  # redone on a newer version if a writer beat it
    vacuumed: dict[str, int] = {}
    if metrics.get("numFilesRemoved"):  # what compaction removed may be vacuum's now
        candidates = vacuum_candidates(open_table(), store, uri, retention_hours)
    if candidates:  # else vacuum would only commit a start and an end of deleting nothing
        open_table().vacuum(
            retention_hours=retention_hours,
            dry_run=False,
            enforce_retention_duration=False,
            full=True,
            commit_properties=lake._commit_properties("vacuum"),
        )
        vacuumed = {n: size for n, size in candidates.items() if _on_disk(store, uri, n) is None}
    table = open_table()
    last = _last_checkpoint(store, log_dir)
    checkpoint = last is None or table.version() > last
    if checkpoint:
        table.create_checkpoint()
    if cleanup:
        table.cleanup_metadata()
    return row | {
        "partitions_compacted": int(metrics.get("partitionsOptimized", 0)),
        "files_compacted_away": int(metrics.get("numFilesRemoved", 0)),
        "vacuum_files": len(vacuumed),
        "vacuum_bytes": sum(vacuumed.values()),
        "checkpointed": checkpoint,
        "log_files_removed": len(log_before - set(_log_entries(store, log_dir))),
        "version_after": table.version(),
        "seconds": time.perf_counter() - start,
    }


def maintain(
    lake: Lake,
    datasets: Iterable[Dataset] | None = None,
    *,
    dry_run: bool,
    retention_hours: int = DEFAULT_RETENTION_HOURS,
) -> pl.DataFrame:
    """Compact, vacuum (files removed more than `retention_hours` ago, and files no commit
    names that are older than that) and checkpoint each dataset's table (default: every
    dataset), under the dataset's writer lock. One row per dataset that has a table
    (MAINTENANCE_SCHEMA); with `dry_run` what would be done, and nothing on disk changes.

    A `retention_hours` shorter than readers' queries can delete files a running reader still
    needs; 0 keeps only the newest version's files (and no time travel)."""
    if retention_hours < 0:
        raise ValueError(f"retention_hours must be at least 0, not {retention_hours}")
    rows = []
    for ds in DATASETS.values() if datasets is None else datasets:
        if not DeltaTable.is_deltatable(
            lake.dataset_dir(ds), storage_options=lake.store.storage_options
        ):
            continue  # nothing committed yet (or the old layout: `finlake migrate`)
        if dry_run:  # no lock: taking one writes the lock file and clears dead temps
            row = _maintain_one(lake, ds, dry_run=True, retention_hours=retention_hours)
        else:
            with lake.locked(ds):
                row = _maintain_one(lake, ds, dry_run=False, retention_hours=retention_hours)
        log.info(
            "%s/%s: compacted %d files in %d partitions, vacuumed %d files, version %d -> %d%s",
            ds.layer,
            ds.name,
            row["files_compacted_away"],
            row["partitions_compacted"],
            row["vacuum_files"],
            row["version_before"],
            row["version_after"],
            " (dry run)" if dry_run else "",
        )
        rows.append(row)
    return pl.DataFrame(rows, schema=MAINTENANCE_SCHEMA, orient="row")


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def render(report: pl.DataFrame) -> str:
    """A short table for `finlake maintain`: one line per dataset."""
    if report.is_empty():
        return "no dataset has a table yet"
    dry = bool(report.get_column("dry_run").any())
    header = (
        f"{'dataset':<30} {'version':>11} {'files':>6} {'small':>6} {'compacted':>12} "
        f"{'vacuumed':>18} {'checkpoint':>10} {'logs':>5} {'secs':>6}"
    )
    lines = [header]
    for r in report.iter_rows(named=True):
        version = (
            str(r["version_before"])
            if r["version_after"] == r["version_before"]
            else f"{r['version_before']}->{r['version_after']}"
        )
        compacted = f"{r['files_compacted_away']}f/{r['partitions_compacted']}p"
        vacuumed = f"{r['vacuum_files']} ({_size(r['vacuum_bytes'])})"
        lines.append(
            f"{r['layer'] + '/' + r['dataset']:<30} {version:>11} {r['files']:>6} "
            f"{r['small_files']:>6} {compacted:>12} {vacuumed:>18} "
            f"{'yes' if r['checkpointed'] else 'no':>10} {r['log_files_removed']:>5} "
            f"{r['seconds']:>6.2f}"
        )
    if dry:
        lines.append("dry run: what maintenance would do; nothing was changed")
    return "\n".join(lines)
