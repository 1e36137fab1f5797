"""The Parquet lake: the system of record.

Layout under `<home>/lake`:
    <layer>/<dataset>/<key>=<value>/data.parquet   one file per hive partition
        silver/prices_daily/month=2026-11/...      (daily data: one file per month)
        silver/prices_adjusted/ticker=AAPL/...     (whole-history data: one file per ticker)
    bronze/<source>/date=<session>/<stamp>-<id>.parquet   immutable raw payload batches
    quality/quarantine/dataset=<name>/partition=<key>/data.parquet

Every hive partition is exactly one file, replaced with os.replace, so a reader (or a crash)
sees the old file or the new one, never half of either; a session's rows always live in one
file. Month files keep the file count low (a session per file would mean thousands of tiny
files and a slower backfill). Read-modify-write merges hold a per-dataset file lock so two
processes never interleave their updates of the same dataset.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import polars as pl
from filelock import FileLock

from finlake.datasets import QUARANTINE, Dataset

PARTITION_VALUE = re.compile(r"^[0-9A-Za-z_][0-9A-Za-z_.:\-]*$")
DATA_FILE = "data.parquet"
LOCK_TIMEOUT_S = 600
WRITE_THREADS = 4

BRONZE_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String,
    "ticker": pl.String,
    "window_start": pl.Date,
    "window_end": pl.Date,
    "fetched_at": pl.Datetime("us", "UTC"),
    "run_id": pl.String,
    "reason": pl.String,
    "request": pl.String,
    "status": pl.Int32,
    "sha256": pl.String,
    "body": pl.Binary,
}


PRUNE_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String,
    "rows_removed": pl.Int64,
    "rows_kept": pl.Int64,
    "oldest_removed": pl.String,
    "newest_removed": pl.String,
}

# raw HTTP payloads of providers that are not per-ticker windows (SEC, FRED, feeds)
RAW_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String,
    "kind": pl.String,
    "key": pl.String,
    "url": pl.String,
    "window_start": pl.Date,
    "window_end": pl.Date,
    "fetched_at": pl.Datetime("us", "UTC"),
    "run_id": pl.String,
    "status": pl.Int32,
    "sha256": pl.String,
    "body": pl.Binary,
}


def raw_row(
    source: str,
    kind: str,
    key: str,
    url: str,
    window: tuple[dt.date, dt.date],
    fetched_at: dt.datetime,
    run_id: str,
    status: int,
    body: bytes,
) -> dict:
    """One RAW_SCHEMA bronze row: a payload as received, with its hash."""
    return {
        "source": source,
        "kind": kind,
        "key": key,
        "url": url,
        "window_start": window[0],
        "window_end": window[1],
        "fetched_at": fetched_at,
        "run_id": run_id,
        "status": status,
        "sha256": hashlib.sha256(body).hexdigest(),
        "body": body,
    }


def stamp_run(rejects: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """Rejects with the run that quarantines them and when (the quarantine's run_id, time)."""
    return rejects.with_columns(
        pl.lit(run_id).alias("run_id"),
        pl.lit(dt.datetime.now(dt.UTC), dtype=pl.Datetime("us", "UTC")).alias("time"),
    )


def check_partition_value(value: str) -> str:
    if not PARTITION_VALUE.fullmatch(value):
        raise ValueError(f"unsafe partition value {value!r}")
    return value


def _atomic_write(df: pl.DataFrame, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        df.write_parquet(tmp, compression="zstd", statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


class Lake:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ----------------------------------------------------------------- paths and reads
    def dataset_dir(self, ds: Dataset) -> Path:
        return self.root / ds.layer / ds.name

    def partition_file(self, ds: Dataset, value: str | None) -> Path:
        if ds.partition_by is None:
            return self.dataset_dir(ds) / DATA_FILE
        return (
            self.dataset_dir(ds) / f"{ds.partition_by}={check_partition_value(value)}" / DATA_FILE
        )

    def file_pattern(self, ds: Dataset) -> str:
        if ds is QUARANTINE:
            return str(self.dataset_dir(ds) / "*" / "*" / DATA_FILE)
        if ds.partition_by is None:
            return str(self.dataset_dir(ds) / DATA_FILE)
        return str(self.dataset_dir(ds) / "*" / DATA_FILE)

    def files(self, ds: Dataset) -> list[Path]:
        return sorted(Path(p) for p in glob.iglob(self.file_pattern(ds)))

    def has_data(self, ds: Dataset) -> bool:
        return any(True for _ in glob.iglob(self.file_pattern(ds)))

    def partition_values(self, ds: Dataset) -> list[str]:
        """Hive values present on disk, sorted."""
        if ds.partition_by is None:
            raise ValueError(f"{ds.name} is not partitioned")
        prefix = f"{ds.partition_by}="
        return sorted(f.parent.name.removeprefix(prefix) for f in self.files(ds))

    def scan(self, ds: Dataset) -> pl.LazyFrame:
        """All rows of a dataset, typed by the contract (empty if nothing is written yet)."""
        if not self.has_data(ds):
            return ds.empty().lazy()
        lf = pl.scan_parquet(self.file_pattern(ds), hive_partitioning=False)
        return lf.select([pl.col(c).cast(t) for c, t in ds.schema.items()])

    @contextmanager
    def locked(self, ds: Dataset) -> Iterator[None]:
        """Serialize read-modify-write updates of one dataset across processes."""
        lock_path = self.root / ".locks" / f"{ds.layer}.{ds.name}.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(lock_path, timeout=LOCK_TIMEOUT_S):
            yield

    # ----------------------------------------------------------------- writes
    def merge(self, ds: Dataset, df: pl.DataFrame, scope: pl.DataFrame) -> list:
        """Replace the rows matching `scope` by the rows of `df`.

        `scope` holds the key rows (e.g. ticker, date) this write is authoritative for: stored
        rows matching one are removed, all of `df` is added, other rows are kept. Files that
        would not change are not rewritten; a file left empty is removed. Returns the values
        of the partition source column (e.g. the dates) whose rows changed.
        """
        if ds.partition_by is None or ds.partition_source is None:
            raise ValueError(f"{ds.name} does not support keyed merges")
        df = ds.conform(df)
        scope = scope.unique()
        part = ds.partition_expr().alias("__p")
        new_parts = df.with_columns(part).partition_by("__p", as_dict=True, include_key=False)
        scope_parts = scope.with_columns(part).partition_by("__p", as_dict=True, include_key=False)
        with self.locked(ds):
            jobs = [
                (key[0], keys, new_parts.get(key, ds.empty())) for key, keys in scope_parts.items()
            ]
            changed = _parallel(lambda job: self._merge_file(ds, *job), jobs)
        return sorted(v for values in changed for v in values)

    def _merge_file(self, ds: Dataset, value: str, keys: pl.DataFrame, new: pl.DataFrame) -> set:
        path = self.partition_file(ds, value)
        if not path.exists():
            if not new.is_empty():
                _atomic_write(new, path)  # already conformed and sorted
            return set(new.get_column(ds.partition_source).to_list())
        old = pl.read_parquet(path)
        on = keys.columns
        replaced = old.join(keys, on=on, how="semi")
        cols = ds.column_names
        changed = set(
            pl.concat(
                [
                    replaced.join(new, on=cols, how="anti", nulls_equal=True),
                    new.join(replaced, on=cols, how="anti", nulls_equal=True),
                ]
            )
            .get_column(ds.partition_source)
            .to_list()
        )
        if not changed:
            return changed
        merged = ds.conform(pl.concat([old.join(keys, on=on, how="anti"), new]))
        if merged.is_empty():
            path.unlink()
            _remove_empty_dir(path.parent)
        else:
            _atomic_write(merged, path)
        return changed

    def prune(
        self, ds: Dataset, column: str, cutoff: dt.datetime | dt.date, *, dry_run: bool
    ) -> pl.DataFrame:
        """Remove the rows whose `column` is before `cutoff` (retention). Returns, per file, the
        rows removed and kept and the oldest/newest removed value; with `dry_run` nothing is
        touched. A file left empty is deleted."""
        out = []
        with self.locked(ds):
            for path in self.files(ds):
                df = pl.read_parquet(path)
                old = df.filter(pl.col(column) < cutoff)
                if old.is_empty():
                    continue
                kept = df.filter(~(pl.col(column) < cutoff))
                out.append(
                    {
                        "file": str(path.relative_to(self.root)),
                        "rows_removed": old.height,
                        "rows_kept": kept.height,
                        "oldest_removed": str(old.get_column(column).min()),
                        "newest_removed": str(old.get_column(column).max()),
                    }
                )
                if dry_run:
                    continue
                if kept.is_empty():
                    path.unlink()
                    _remove_empty_dir(path.parent)
                else:
                    _atomic_write(kept, path)
        return pl.DataFrame(out, schema=PRUNE_SCHEMA, orient="row")

    def prune_bronze(self, source: str, cutoff: dt.date, *, dry_run: bool) -> pl.DataFrame:
        """Remove bronze batches of partitions (dated date=YYYY-MM-DD...) before `cutoff`."""
        out = []
        for part in sorted(self.bronze_dir(source).glob("date=*")):
            day = dt.date.fromisoformat(part.name.removeprefix("date=")[:10])
            if day >= cutoff:
                continue
            for path in sorted(part.glob("*.parquet")):
                rows = pl.scan_parquet(path).select(pl.len()).collect().item()
                out.append(
                    {
                        "file": str(path.relative_to(self.root)),
                        "rows_removed": rows,
                        "rows_kept": 0,
                        "oldest_removed": part.name.removeprefix("date="),
                        "newest_removed": part.name.removeprefix("date="),
                    }
                )
                if not dry_run:
                    path.unlink()
            if not dry_run:
                _remove_empty_dir(part)
        return pl.DataFrame(out, schema=PRUNE_SCHEMA, orient="row")

    def read_sidecar(self, ds: Dataset, name: str) -> pl.DataFrame | None:
        """A bookkeeping file kept beside a dataset's partitions (not part of its rows)."""
        path = self.dataset_dir(ds) / check_partition_value(name)
        return pl.read_parquet(path) if path.exists() else None

    def write_sidecar(self, ds: Dataset, name: str, df: pl.DataFrame) -> None:
        _atomic_write(df, self.dataset_dir(ds) / check_partition_value(name))

    # ----------------------------------------------------------------- bronze
    def bronze_dir(self, source: str) -> Path:
        return self.root / "bronze" / check_partition_value(source)

    def write_bronze(
        self,
        source: str,
        partition: str,
        batch: pl.DataFrame,
        schema: dict[str, pl.DataType] = BRONZE_SCHEMA,
    ) -> Path:
        """Store a batch of raw payloads as received; bronze files are never rewritten."""
        batch = batch.select([pl.col(c).cast(t) for c, t in schema.items()])
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = (
            self.bronze_dir(source)
            / f"date={check_partition_value(partition)}"
            / f"{stamp}-{uuid.uuid4().hex[:12]}.parquet"
        )
        _atomic_write(batch, path)
        return path

    def bronze_index(
        self, source: str, schema: dict[str, pl.DataType] = BRONZE_SCHEMA
    ) -> pl.DataFrame:
        """Every stored payload without its body, with the file it lives in."""
        files = sorted(self.bronze_dir(source).glob("date=*/*.parquet"))
        cols = [c for c in schema if c != "body"]
        if not files:
            return pl.DataFrame(schema={**{c: schema[c] for c in cols}, "file": pl.String})
        return (
            pl.scan_parquet(files, hive_partitioning=False, include_file_paths="file")
            .select([*cols, "file"])
            .collect()
        )

    def read_bronze(
        self, index_rows: pl.DataFrame, key: str = "ticker", schema: dict = BRONZE_SCHEMA
    ) -> pl.DataFrame:
        """Bodies for selected index rows (matched on file, `key` and sha256)."""
        if index_rows.is_empty():
            return pl.DataFrame(schema={**schema, "file": pl.String})
        wanted = index_rows.select("file", key, "sha256")
        frames = [
            pl.read_parquet(file).with_columns(pl.lit(file).alias("file"))
            for file in wanted.get_column("file").unique().to_list()
        ]
        return pl.concat(frames).join(wanted, on=["file", key, "sha256"], how="semi")

    def archive_path(self, source: str, *parts: str) -> Path:
        """A raw immutable document kept as a plain file (e.g. an EDGAR archive document)."""
        return self.bronze_dir(source).joinpath(*(check_partition_value(p) for p in parts))

    def write_archive(self, path: Path, body: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        try:
            tmp.write_bytes(body)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    # ----------------------------------------------------------------- quarantine
    def quarantine_file(self, dataset: str, partition: str) -> Path:
        return (
            self.dataset_dir(QUARANTINE)
            / f"dataset={check_partition_value(dataset)}"
            / f"partition={check_partition_value(partition)}"
            / DATA_FILE
        )

    def write_table(self, ds: Dataset, df: pl.DataFrame) -> None:
        """Replace an unpartitioned dataset as a whole."""
        _atomic_write(ds.conform(df), self.partition_file(ds, None))

    def write_quarantine(self, dataset: str, rows: pl.DataFrame, scope: pl.DataFrame) -> None:
        """Replace one dataset's rejected rows within `scope` (partition, ticker pairs).

        The quarantine mirrors the current state of the lake: once a partition is rewritten
        clean for a ticker, that ticker's old rejections there are gone. A row's ticker is the
        `ticker` field of its JSON; a scope row with a null ticker covers its whole partition."""
        ticker = pl.col("row").str.json_path_match("$.ticker").alias("ticker")
        prefix = "partition="
        base = self.quarantine_file(dataset, "x").parent.parent
        with self.locked(QUARANTINE):
            existing = {p.name.removeprefix(prefix) for p in base.glob(f"{prefix}*")}
            if rows.is_empty() and not existing:
                return
            scope = scope.select("partition", pl.col("ticker").cast(pl.String)).unique()
            new_parts = rows.partition_by("partition", as_dict=True)
            touched = {k[0] for k in new_parts} | (
                set(scope.get_column("partition").to_list()) & existing
            )
            for part in sorted(touched):
                path = self.quarantine_file(dataset, part)
                new = new_parts.get((part,), rows.clear())
                if path.exists():
                    mine = scope.filter(pl.col("partition") == part)
                    old = pl.read_parquet(path).with_columns(ticker)
                    if mine.get_column("ticker").is_null().any():
                        old = old.clear()  # the whole partition was rewritten
                    kept = old.join(
                        mine, on=["partition", "ticker"], how="anti", nulls_equal=True
                    ).drop("ticker")
                    new = pl.concat([QUARANTINE.conform(kept), QUARANTINE.conform(new)])
                if new.is_empty():
                    path.unlink(missing_ok=True)
                    _remove_empty_dir(path.parent)
                else:
                    _atomic_write(QUARANTINE.conform(new), path)

    def replace_quarantine(
        self, dataset: str, rejects: pl.DataFrame, run_id: str, partitions: Iterable[str]
    ) -> None:
        """Replace one dataset's whole quarantine of `partitions` by the run's `rejects` (rejects
        of other partitions are added to theirs)."""
        parts = sorted(set(partitions))
        scope = pl.DataFrame(
            {"partition": parts, "ticker": [None] * len(parts)},
            schema={"partition": pl.String, "ticker": pl.String},
        )
        self.write_quarantine(dataset, stamp_run(rejects, run_id), scope)


def _parallel(fn, jobs: list) -> list:
    if len(jobs) <= 1:
        return [fn(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        return list(pool.map(fn, jobs))


def _remove_empty_dir(path: Path) -> None:
    with suppress(OSError):
        path.rmdir()
