"""The lake: the system of record, one Delta Lake table per dataset.

Layout under the lake's root (`<home>/lake`, or FINLAKE_LAKE_URI: another local directory or
s3://bucket/prefix, see finlake.storage):
    <layer>/<dataset>/                              a Delta table (deltalake / delta-rs)
        _delta_log/00000000000000000000.json        its commits, one per write
        month=2026-11/part-*.parquet                 data files, partitioned by month
        (prices_adjusted and the derived tables by ticker; the quarantine by dataset and key)
    bronze/<source>/date=<session>/<stamp>-<id>.parquet   immutable raw payload batches

Every write of a dataset (merge, restatement, quarantine, retention prune, a whole-table
replace) is one commit: the partitions it touches are replaced together, so a reader or a crash
sees the version before or the version after, never a mix, however many partitions the write
spans. Readers take the file list of one version (`snapshot`); files a later version removed
stay on disk until maintenance vacuums them, so a reader holding a version keeps reading it, and
an older version can be read again (time travel) until then.

Writers are optimistic: a write reads one version, computes its partitions and commits against
that version; when another writer committed a conflicting change first (the same partitions),
delta-rs refuses the commit and the write is redone on the newer version, so two writers both
land and neither loses the other's rows. On local disk a per-dataset file lock also serializes
writers, which saves the redone work but is not what makes them correct.

What goes wrong is contained: a data file that is not readable Parquet is moved to
quality/corrupt_files/ (named in a warning) and dropped from its table by a repair commit, so
the lake goes on from the good files; a killed writer leaves at most data files no commit
names; a stored row is replaced only by a valid row of its key (see `guard`). On S3, where an
object is written whole or not at all, files are not checked before they are read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import polars as pl
from deltalake import CommitProperties, DeltaTable
from deltalake.exceptions import CommitFailedError, DeltaError
from filelock import FileLock

from finlake.datasets import QUARANTINE, Dataset
from finlake.settings import lake_location
from finlake.storage import Store, remove_dead_temps

log = logging.getLogger(__name__)
_T = TypeVar("_T")
CORRUPT_DIR = "quality/corrupt_files"
# Sidecars that record what a dataset's files hold. When a file is set aside they no longer
# do, so they are dropped with it: the next run recomputes the derived rows (indicators, adjusted
# prices) or refolds every bronze batch (macro, policy) instead of trusting them.
DERIVED_STATE = "_state.parquet"
APPLIED_BATCHES = "_applied_bronze.parquet"
PARTITION_VALUE = re.compile(r"^[0-9A-Za-z_][0-9A-Za-z_.:\-]*$")
DATA_FILE = "data.parquet"
_BRONZE_BATCH = re.compile(r"date=[^/]+/[^/]+\.parquet")
LOCK_TIMEOUT_S = 600
COMMIT_ATTEMPTS = 10  # a write redone this often on newer versions has lost to busier writers
WRITE_THREADS = 4
SNAPSHOTS_KEPT = 256  # file lists of table versions kept per process (a version never changes)
_SNAPSHOTS: dict[tuple[str, int, int], pl.DataFrame] = {}

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


HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "version": pl.Int64,
    "time": pl.Datetime("ms", "UTC"),
    "run_id": pl.String,
    "operation": pl.String,
    "write": pl.String,
    "rows_added": pl.Int64,
    "rows_removed": pl.Int64,
    "files_added": pl.Int64,
    "files_removed": pl.Int64,
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
    """Rejects with the run that quarantines them and when (the quarantine's run_id, time), and
    the stored row each kept (null unless Lake.guard found one)."""
    stamped = rejects.with_columns(
        pl.lit(run_id).alias("run_id"),
        pl.lit(dt.datetime.now(dt.UTC), dtype=pl.Datetime("us", "UTC")).alias("time"),
    )
    if "stored_row" not in stamped.columns:
        stamped = stamped.with_columns(pl.lit(None, dtype=pl.String).alias("stored_row"))
    return stamped


class LegacyLayoutError(RuntimeError):
    """A home written before the lake's tables were Delta tables."""


class CommitConflictError(RuntimeError):
    """A write that other writers' commits beat on every attempt."""


class VersionGoneError(LookupError):
    """A table version asked for that the table does not have, or no longer keeps."""


class _TableCreated(Exception):
    """A write found no table and created it empty: it is redone on that version."""


@dataclass
class Guard:
    """What a write must respect so that a stored row is replaced only by a valid row.

    `keep`: key rows of stored rows that rejected revisions would have replaced (merge keeps
    them); `rejected`: the rejects, each with the stored row it would have replaced in
    `stored_row` (null when none is stored)."""

    keep: pl.DataFrame
    rejected: pl.DataFrame

    @property
    def revisions(self) -> int:
        """Rejected revisions of stored rows (their stored rows were kept)."""
        return self.rejected.get_column("stored_row").is_not_null().sum()


def check_partition_value(value: str) -> str:
    if not PARTITION_VALUE.fullmatch(value):
        raise ValueError(f"unsafe partition value {value!r}")
    return value


_VALID: set[tuple[str, int, int]] = set()  # (path, size, mtime) of files known to be Parquet


def is_parquet(store: Store, uri: str) -> bool:
    """Whether the file at `uri` is readable Parquet: magic bytes at both ends and a footer
    that parses. Checked once per version of a file in a process."""
    try:
        found = store.info(uri)
    except OSError:
        return False
    if found is None:
        return False
    key = (uri, *found)
    if key in _VALID:
        return True
    if found[0] < 12:
        return False
    try:
        head, tail = store.read_tail(uri, 4, 4)
        if head != b"PAR1" or tail != b"PAR1":
            return False
        store.parquet_schema(uri)
    except Exception:  # pyarrow names no single error type for a broken footer
        return False
    _VALID.add(key)
    return True


class Lake:
    def __init__(
        self,
        root: str | Path | Store,
        run_id: str = "",
        *,
        locks: bool = True,
        lock_dir: Path | None = None,
    ) -> None:
        """`root`: a local directory or s3://bucket/prefix (credentials from the AWS
        variables). `run_id`: the Dagster run writing, recorded in each commit (`history`).
        `locks`: serialize writers of a dataset with a file lock in `lock_dir` (default
        `<lake>/.locks` on disk; on S3 none unless given), False: only the commit protocol."""
        self.store = root if isinstance(root, Store) else Store.at(root)
        self.root = self.store.root
        self.run_id = run_id
        self.locks = locks
        self.lock_dir = lock_dir or (Path(self.root) / ".locks" if self.store.local else None)

    @classmethod
    def of_home(cls, home: Path, run_id: str = "") -> Lake:
        """The lake of a finlake home (see finlake.settings.lake_location). On S3 the home
        keeps the locks by which writers on this machine take turns."""
        store = Store.at(lake_location(Path(home)))
        locks = None if store.local else Path(home) / "locks"
        return cls(store, run_id=run_id, lock_dir=locks)

    def _is_table(self, uri: str) -> bool:
        return DeltaTable.is_deltatable(uri, storage_options=self.store.storage_options)

    def _commit_properties(self, write: str) -> CommitProperties:
        """What `history` shows of a commit besides Delta's own operation and metrics."""
        return CommitProperties(
            custom_metadata={"finlake.run_id": self.run_id, "finlake.write": write}
        )

    def history(self, ds: Dataset) -> pl.DataFrame:
        """The dataset's commits, newest first: version, time, run, Delta's operation, what
        finlake wrote (create, merge, prune, quarantine, replace, migrate, repair), rows and
        files."""
        if not self._is_table(self.dataset_dir(ds)):
            self._refuse_legacy(ds)
        return table_history(self.store, self.dataset_dir(ds))

    # ----------------------------------------------------------------- paths and reads
    def dataset_dir(self, ds: Dataset) -> str:
        return self.store.join(ds.layer, ds.name)

    def table(self, ds: Dataset, version: int | None = None) -> DeltaTable | None:
        """The dataset's Delta table at `version` (default: its newest); None before its
        first commit. A dataset still in the old one-file-per-partition layout is an error
        naming the command that converts it, never an empty table."""
        uri = self.dataset_dir(ds)
        if self._is_table(uri):
            return DeltaTable(uri, version=version, storage_options=self.store.storage_options)
        self._refuse_legacy(ds)
        return None

    def _refuse_legacy(self, ds: Dataset) -> None:
        if self.legacy_files(ds):
            raise LegacyLayoutError(
                f"{self.dataset_dir(ds)} is in finlake's old one-file-per-partition layout: "
                f"convert the home with `finlake migrate` (--home: the home of {self.root})"
            )

    def legacy_files(self, ds: Dataset) -> list[str]:
        """Data files of the layout before Delta tables (<key>=<value>/data.parquet)."""
        depth = 2 if ds is QUARANTINE else 1 if ds.partition_by else 0
        layout = re.compile("".join([r"[^/]+=[^/]+/"] * depth) + re.escape(DATA_FILE))
        root = self.dataset_dir(ds)
        return [
            f
            for f in self.store.list(root, "/" + DATA_FILE)
            if layout.fullmatch(f.removeprefix(root + "/"))
        ]

    def migrate(self, ds: Dataset) -> int:
        """Convert a dataset of the old layout into its Delta table in one commit, then remove
        the old files (its bookkeeping files stay). Returns the rows converted."""
        with self.locked(ds):
            old = self.legacy_files(ds)
            if not old or self._is_table(self.dataset_dir(ds)):
                return 0
            good = [p for p in old if self._readable(p)]  # a damaged one is set aside, named
            rows = pl.concat([self.read_file(ds, p) for p in good]) if good else ds.empty()
            self.committed(  # one commit: all of it
                ds, lambda read: self._commit(ds, {"": rows}, read, "true", write="migrate")
            )
            for path in old:
                self.store.delete(path)
            return rows.height

    def version(self, ds: Dataset) -> int | None:
        """The newest committed version of the dataset's table (None: no commit yet)."""
        return table_version(self.store, self.dataset_dir(ds))

    def version_at(self, ds: Dataset, when: dt.datetime) -> int | None:
        """The dataset's newest version committed at or before `when` (None: none was)."""
        return version_at(self.store, self.dataset_dir(ds), when)

    def _commit_stamp(self, ds: Dataset, version: int | None) -> int:
        """When the version's commit file was written: a table removed and written again
        reuses version numbers, never this stamp."""
        if version is None:
            return 0
        found = self.store.info(f"{self.dataset_dir(ds)}/_delta_log/{version:020d}.json")
        return 0 if found is None else found[1]

    def snapshot(self, ds: Dataset, version: int | None = -1) -> pl.DataFrame:
        """The data files of one version of the dataset (default: the newest; None: before
        the first commit, no files): `file`, and the partition value each holds (for the
        quarantine `dataset` and `partition`). Only these files are the dataset: a file
        another version lists on disk is not read. A version's list never changes, so it is
        loaded from the log once per process."""
        if version == -1:
            version = self.version(ds)
        key = (self.dataset_dir(ds), version, self._commit_stamp(ds, version))
        if version is not None and (cached := _SNAPSHOTS.get(key)) is not None:
            return cached
        if version is None:
            self._refuse_legacy(ds)  # no commit yet: an old-layout dataset is not empty
        table = None if version is None else self.table(ds, version)
        keys = dict(zip(_partition_columns(ds), _logical_keys(ds), strict=True))
        schema = {"file": pl.String, **{k: pl.String for k in keys.values()}}
        if table is None:
            return pl.DataFrame(schema=schema)
        actions = pl.DataFrame(table.get_add_actions(flatten=True))
        root = self.dataset_dir(ds)
        files = (
            pl.DataFrame(schema=schema)
            if actions.is_empty()
            else actions.select(
                pl.col("path")
                .map_elements(lambda p: f"{root}/{unquote(p)}", pl.String)
                .alias("file"),
                *[pl.col(f"partition.{k}").cast(pl.String).alias(v) for k, v in keys.items()],
            ).sort("file")
        )
        if table.version() == version and key[2]:  # its commit file was there to stamp it
            _SNAPSHOTS[key] = files
            while len(_SNAPSHOTS) > SNAPSHOTS_KEPT:
                _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)))
        return files

    def files(self, ds: Dataset) -> list[str]:
        """The data files of the dataset's newest version. One that is not readable Parquet
        (truncated, overwritten by something else) is moved to the corrupt-file area with a
        warning naming it and dropped from the table, so every later read and write goes on
        from the files that are good."""
        return [f for f in self.snapshot(ds)["file"] if self._valid(ds, f)]

    def _valid(self, ds: Dataset, path: str) -> bool:
        if self._readable(path):
            return True
        if (table := self.table(ds)) is not None:
            table.repair(commit_properties=self._commit_properties("repair"))  # drops the file
        return False

    def _readable(self, path: str) -> bool:
        if not self.store.local or is_parquet(self.store, path):
            return True  # an S3 object is whole: checking each one would cost requests
        if self.store.exists(path):
            self.set_aside(path, "not a readable Parquet file")
        else:
            log.warning("%s: missing; its rows are gone until rebuilt from bronze", path)
        return False

    def set_aside(self, path: str, why: str) -> str:
        """Move a damaged lake file to <lake>/quality/corrupt_files/ (its path kept) so that it
        stops every read failing, and say so."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        relative = self.store.relative(str(path))
        target = self.store.join(CORRUPT_DIR, f"{relative}.{stamp}")
        size = (self.store.info(str(path)) or (0, 0))[0]
        with suppress(FileNotFoundError):  # another process set it aside first
            self.store.move(str(path), target)
            parts = relative.split("/")
            if len(parts) > 2 and parts[0] != "bronze":
                for name in (DERIVED_STATE, APPLIED_BATCHES):
                    self.store.delete(self.store.join(parts[0], parts[1], name))
            log.warning(
                "%s: %s (%d bytes); moved to %s. Its rows are missing until the partition is "
                "rebuilt (silver rebuilds from bronze).",
                path,
                why,
                size,
                target,
            )
        return target

    def has_data(self, ds: Dataset) -> bool:
        return not self.snapshot(ds).is_empty()

    def partition_values(self, ds: Dataset) -> list[str]:
        """Partition values the newest version holds, sorted."""
        if ds.partition_by is None:
            raise ValueError(f"{ds.name} is not partitioned")
        snap = self.snapshot(ds).filter(pl.col("file").is_in(self.files(ds)))
        return sorted(set(snap[ds.partition_by].to_list()))

    def scan(self, ds: Dataset, partitions: Iterable[str] | None = None) -> pl.LazyFrame:
        """All rows of a dataset's newest version (or of some partitions), typed by the
        contract; empty if nothing is committed yet. A column added to the contract later
        reads as null in files written before it."""
        snap = self.snapshot(ds)
        if partitions is not None and ds.partition_by is not None:
            snap = snap.filter(pl.col(ds.partition_by).is_in(sorted(set(partitions))))
        files = [f for f in snap["file"] if self._valid(ds, f)]
        if not files:
            return ds.empty().lazy()
        return self._scan_files(ds, files)

    def _scan_files(self, ds: Dataset, files: list[str] | str) -> pl.LazyFrame:
        return pl.scan_parquet(
            files,
            schema=ds.schema,
            missing_columns="insert",
            hive_partitioning=False,
            storage_options=self.store.storage_options,
        )

    def read_file(self, ds: Dataset, path: str) -> pl.DataFrame:
        """One data file of `ds`, typed by the contract (columns added later read as null)."""
        return self._scan_files(ds, path).collect()

    @contextmanager
    def locked(self, ds: Dataset) -> Iterator[None]:
        """Serialize read-modify-write updates of one dataset across processes. The first
        thing a writer does under the lock is to remove what a killed writer left."""
        with self.file_lock(f"{ds.layer}.{ds.name}"):
            if self.store.local:
                remove_dead_temps(Path(self.dataset_dir(ds)))
            yield

    @contextmanager
    def file_lock(self, name: str) -> Iterator[None]:
        """Writers of `name` take turns on this machine (no lock: `locks` off, or none given
        for a lake on S3, where the commit protocol alone keeps writers correct)."""
        if not self.locks or self.lock_dir is None:
            yield
            return
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(self.lock_dir / f"{name}.lock", timeout=LOCK_TIMEOUT_S):
            yield

    def committed(self, ds: Dataset, write: Callable[[int | None], _T]) -> _T:
        """Run `write(version)` (read that version, commit against it) until its commit lands:
        when another writer committed a conflicting change after `version`, the commit is
        refused and the write is redone on the newer version."""
        uri = self.dataset_dir(ds)
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            read = self.version(ds)
            try:
                return write(read)
            except _TableCreated:
                continue
            except DeltaError as exc:
                lost = isinstance(exc, CommitFailedError) or (
                    read is None and self._is_table(uri)  # created meanwhile
                )
                if not lost:
                    raise
                if attempt == COMMIT_ATTEMPTS:
                    raise CommitConflictError(
                        f"{ds.layer}/{ds.name}: {attempt} attempts to commit on versions up to "
                        f"{read} lost to concurrent writers"
                    ) from exc
                log.warning(
                    "%s/%s: a concurrent commit landed after version %s; redoing the write",
                    ds.layer,
                    ds.name,
                    read,
                )
                time.sleep(random.uniform(0, 0.02 * 2**attempt))
        raise CommitConflictError(f"{ds.layer}/{ds.name}: no commit in {COMMIT_ATTEMPTS} attempts")

    # ----------------------------------------------------------------- writes
    def merge(
        self,
        ds: Dataset,
        df: pl.DataFrame,
        scope: pl.DataFrame,
        *,
        keep: pl.DataFrame | None = None,
    ) -> list:
        """Replace the rows matching `scope` by the rows of `df`.

        `scope` holds the key rows (e.g. ticker, date) this write is authoritative for: stored
        rows matching one are removed, all of `df` is added, other rows are kept. Stored rows
        whose key (`ds.key`) is in `keep` stay even inside the scope: that is how a rejected
        revision leaves the row it would have replaced (see `guard`). Files that would not
        change are not rewritten; a file left empty is removed. Returns the values of the
        partition source column (e.g. the dates) whose rows changed.
        """
        if ds.partition_by is None or ds.partition_source is None:
            raise ValueError(f"{ds.name} does not support keyed merges")
        df = ds.conform(df)
        scope = scope.unique()
        part = ds.partition_expr().alias("__p")
        new_parts = df.with_columns(part).partition_by("__p", as_dict=True, include_key=False)
        scope_parts = scope.with_columns(part).partition_by("__p", as_dict=True, include_key=False)

        def write(read: int | None) -> list:
            stored = self.snapshot(ds, read)
            jobs = [
                (key[0], keys, new_parts.get(key, ds.empty()), stored)
                for key, keys in scope_parts.items()
            ]
            results = _parallel(lambda job: self._merged_partition(ds, *job, keep=keep), jobs)
            parts = {value: rows for value, rows, _ in results if rows is not None}
            self._commit(ds, parts, read)
            return sorted(v for _, _, values in results for v in values)

        with self.locked(ds):
            return self.committed(ds, write)

    def _merged_partition(
        self,
        ds: Dataset,
        value: str,
        keys: pl.DataFrame,
        new: pl.DataFrame,
        stored: pl.DataFrame,
        keep: pl.DataFrame | None = None,
    ) -> tuple[str, pl.DataFrame | None, set]:
        """The partition's rows after the merge (None: unchanged) and the changed values of
        the partition source column."""
        check_partition_value(value)
        files = [
            f for f in stored.filter(pl.col(ds.partition_by) == value)["file"] if self._valid(ds, f)
        ]
        if not files:
            rows = None if new.is_empty() else new  # already conformed and sorted
            return value, rows, set(new.get_column(ds.partition_source).to_list())
        old = pl.concat([self.read_file(ds, f) for f in files])
        on = keys.columns
        outside = old.join(keys, on=on, how="anti")
        replaced = old.join(keys, on=on, how="semi")
        if keep is not None and not keep.is_empty():
            key = list(ds.key)
            outside = pl.concat(
                [outside, replaced.join(keep, on=key, how="semi", nulls_equal=True)]
            )
            replaced = replaced.join(keep, on=key, how="anti", nulls_equal=True)
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
            return value, None, changed
        return value, ds.conform(pl.concat([outside, new])), changed

    def _commit(
        self,
        ds: Dataset,
        parts: dict[str, pl.DataFrame],
        read: int | None,
        where: str | None = None,
        write: str = "merge",
    ) -> None:
        """One commit of the dataset's table on top of version `read` (None: the table's
        first commit, which fails if another writer created it): each partition value of
        `parts` is replaced by its rows (an empty frame removes the partition); `where` (a
        predicate on the partition columns) instead names what the rows replace. A reader sees
        the version before or the version after, never a mix, across every partition of the
        commit. A conflicting commit made after `read` raises CommitFailedError."""
        if not parts and where is None:
            return
        keys = _partition_columns(ds)
        if where is None and not keys:
            where = "true"  # the whole table, as a predicate: delta-rs checks conflicts on it
        elif where is None:
            values = ", ".join(_sql_literal(check_partition_value(v)) for v in sorted(parts))
            where = f"{keys[0]} IN ({values})"
        frames = [f for f in parts.values() if not f.is_empty()]
        uri = self.dataset_dir(ds)
        options = self.store.storage_options
        target = None if read is None else DeltaTable(uri, version=read, storage_options=options)
        if not frames:
            if target is not None:
                target.delete(where, commit_properties=self._commit_properties(write))
            return
        data = _with_partition_columns(ds, pl.concat([ds.conform(f) for f in frames]))
        write_options: dict = {"commit_properties": self._commit_properties(write)}
        if keys:
            write_options["partition_by"] = keys
        if target is None:
            # The table is created empty and the write redone on that version: a plain first
            # write would be rebased onto a table another writer created meanwhile, as an
            # append of the same keys, where a write on a version is refused as a conflict.
            write_options["commit_properties"] = self._commit_properties("create")
            data.clear().write_delta(
                uri, mode="ignore", storage_options=options, delta_write_options=write_options
            )
            raise _TableCreated(uri)
        write_options["schema_mode"] = "merge"  # a column the contract added since
        write_options["predicate"] = where
        data.write_delta(target, mode="overwrite", delta_write_options=write_options)

    def guard(self, ds: Dataset, valid: pl.DataFrame, rejected: pl.DataFrame) -> Guard:
        """Find the stored rows that the rejects of `ds` would replace although no valid row
        of their key replaces them: the write must keep them (`Guard.keep` for merge) and the
        quarantine shows each beside its rejected revision. A reject's key is read from its
        JSON row; one without a full key can match no stored row."""
        if "stored_row" not in rejected.columns:
            rejected = rejected.with_columns(pl.lit(None, dtype=pl.String).alias("stored_row"))
        key = list(ds.key)
        keep = pl.DataFrame(schema={c: ds.schema[c] for c in key})
        mine = rejected.with_row_index("__i").filter(pl.col("dataset") == ds.name)
        if not key or mine.is_empty() or not self.has_data(ds):
            return Guard(keep, rejected)
        types = pl.Struct({c: ds.schema[c] for c in key})
        keyed = mine.with_columns(pl.col("row").str.json_decode(types).alias("__key")).unnest(
            "__key"
        )
        wanted = (
            keyed.select(key)
            .unique()
            .join(ds.conform(valid).select(key), on=key, how="anti", nulls_equal=True)
        )
        parts = None
        if ds.partition_source in key:
            values = wanted.select(ds.partition_expr()).to_series().drop_nulls().to_list()
            parts = [v for v in values if PARTITION_VALUE.fullmatch(v)]
        stored = (
            self.scan(ds, parts)
            .join(wanted.lazy(), on=key, how="semi", nulls_equal=True)
            .select(*key, pl.struct(ds.column_names).struct.json_encode().alias("__stored"))
            .unique(key)
            .collect()
        )
        if stored.is_empty():
            return Guard(keep, rejected)
        found = keyed.join(stored, on=key, how="inner", nulls_equal=True).select("__i", "__stored")
        annotated = (
            rejected.with_row_index("__i")
            .join(found, on="__i", how="left")
            .with_columns(pl.coalesce("stored_row", "__stored").alias("stored_row"))
            .drop("__i", "__stored")
        )
        return Guard(stored.select(key), annotated)

    def prune(
        self, ds: Dataset, column: str, cutoff: dt.datetime | dt.date, *, dry_run: bool
    ) -> pl.DataFrame:
        """Remove the rows whose `column` is before `cutoff` (retention). Returns, per file, the
        rows removed and kept and the oldest/newest removed value; with `dry_run` nothing is
        touched. A file left empty is deleted."""
        key = (_logical_keys(ds) or [None])[0]

        def write(read: int | None) -> list[dict]:
            out = []
            snap = self.snapshot(ds, read)
            valid = [f for f in snap["file"] if self._valid(ds, f)]
            groups = snap.filter(pl.col("file").is_in(valid)).group_by(
                key or pl.lit("").alias("__all"), maintain_order=True
            )
            parts: dict[str, pl.DataFrame] = {}
            for (value,), group in groups:
                kept, removed = [], False
                for path in group["file"]:
                    df = self.read_file(ds, path)
                    old = df.filter(pl.col(column) < cutoff)
                    kept.append(df.filter(~(pl.col(column) < cutoff)))
                    if old.is_empty():
                        continue
                    removed = True
                    out.append(
                        {
                            "file": self.store.relative(path),
                            "rows_removed": old.height,
                            "rows_kept": kept[-1].height,
                            "oldest_removed": str(old.get_column(column).min()),
                            "newest_removed": str(old.get_column(column).max()),
                        }
                    )
                if removed:  # the partition's kept rows replace it (a whole table: all of it)
                    parts[value] = pl.concat(kept)
            if not dry_run:
                self._commit(ds, parts, read, write="prune")  # one commit: every partition
            return out

        with self.locked(ds):
            out = self.committed(ds, write)
        return pl.DataFrame(out, schema=PRUNE_SCHEMA, orient="row")

    def prune_bronze(self, source: str, cutoff: dt.date, *, dry_run: bool) -> pl.DataFrame:
        """Remove bronze batches of partitions (dated date=YYYY-MM-DD...) before `cutoff`."""
        out = []
        for path in self._bronze_files(source):
            part = path.split("/")[-2].removeprefix("date=")
            if dt.date.fromisoformat(part[:10]) >= cutoff:
                continue
            rows = pl.scan_parquet(path, storage_options=self.store.storage_options)
            out.append(
                {
                    "file": self.store.relative(path),
                    "rows_removed": rows.select(pl.len()).collect().item(),
                    "rows_kept": 0,
                    "oldest_removed": part,
                    "newest_removed": part,
                }
            )
            if not dry_run:
                self.store.delete(path)
        return pl.DataFrame(out, schema=PRUNE_SCHEMA, orient="row")

    def read_sidecar(self, ds: Dataset, name: str) -> pl.DataFrame | None:
        """A bookkeeping file kept beside a dataset's partitions (not part of its rows)."""
        path = f"{self.dataset_dir(ds)}/{check_partition_value(name)}"
        if not self.store.exists(path) or not self._readable(path):
            return None
        return pl.read_parquet(path, storage_options=self.store.storage_options)

    def write_sidecar(self, ds: Dataset, name: str, df: pl.DataFrame) -> None:
        self.store.write_parquet(f"{self.dataset_dir(ds)}/{check_partition_value(name)}", df)

    # ----------------------------------------------------------------- bronze
    def bronze_dir(self, source: str) -> str:
        return self.store.join("bronze", check_partition_value(source))

    def _bronze_files(self, source: str) -> list[str]:
        """The batches of a source: bronze/<source>/date=<partition>/<name>.parquet."""
        root = self.bronze_dir(source)
        return [
            f
            for f in self.store.list(root, ".parquet")
            if _BRONZE_BATCH.fullmatch(f.removeprefix(root + "/"))
        ]

    def write_bronze(
        self,
        source: str,
        partition: str,
        batch: pl.DataFrame,
        schema: dict[str, pl.DataType] = BRONZE_SCHEMA,
    ) -> str:
        """Store a batch of raw payloads as received; bronze files are never rewritten."""
        batch = batch.select([pl.col(c).cast(t) for c, t in schema.items()])
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = (
            f"{self.bronze_dir(source)}/date={check_partition_value(partition)}"
            f"/{stamp}-{uuid.uuid4().hex[:12]}.parquet"
        )
        self.store.write_parquet(path, batch)
        return path

    def bronze_index(
        self, source: str, schema: dict[str, pl.DataType] = BRONZE_SCHEMA
    ) -> pl.DataFrame:
        """Every stored payload without its body, with the file it lives in."""
        files = [p for p in self._bronze_files(source) if self._readable(p)]
        cols = [c for c in schema if c != "body"]
        if not files:
            return pl.DataFrame(schema={**{c: schema[c] for c in cols}, "file": pl.String})
        return (
            pl.scan_parquet(
                files,
                hive_partitioning=False,
                include_file_paths="file",
                storage_options=self.store.storage_options,
            )
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
            pl.read_parquet(file, storage_options=self.store.storage_options).with_columns(
                pl.lit(file).alias("file")
            )
            for file in wanted.get_column("file").unique().to_list()
        ]
        return pl.concat(frames).join(wanted, on=["file", key, "sha256"], how="semi")

    def archive_path(self, source: str, *parts: str) -> str:
        """A raw immutable document kept as a plain file (e.g. an EDGAR archive document)."""
        return "/".join([self.bronze_dir(source), *(check_partition_value(p) for p in parts)])

    def read_archive(self, path: str) -> bytes | None:
        """An archive document's bytes; None when it is not stored."""
        try:
            return self.store.read_bytes(path)
        except FileNotFoundError:
            return None

    def write_archive(self, path: str, body: bytes) -> None:
        self.store.write_bytes(path, body)

    # ----------------------------------------------------------------- quarantine
    def write_table(self, ds: Dataset, df: pl.DataFrame) -> None:
        """Replace an unpartitioned dataset as a whole (one commit)."""
        rows = {"": ds.conform(df)}  # empty: the table is emptied
        with self.locked(ds):
            self.committed(ds, lambda read: self._commit(ds, rows, read, write="replace"))

    def write_quarantine(self, dataset: str, rows: pl.DataFrame, scope: pl.DataFrame) -> None:
        """Replace one dataset's rejected rows within `scope` (partition, ticker pairs).

        The quarantine mirrors the current state of the lake: once a partition is rewritten
        clean for a ticker, that ticker's old rejections there are gone. A row's ticker is the
        `ticker` field of its JSON; a scope row with a null ticker covers its whole partition."""
        ticker = pl.col("row").str.json_path_match("$.ticker").alias("ticker")
        check_partition_value(dataset)
        scope = scope.select("partition", pl.col("ticker").cast(pl.String)).unique()
        new_parts = rows.partition_by("partition", as_dict=True)

        def write(read: int | None) -> None:
            snap = self.snapshot(QUARANTINE, read).filter(pl.col("dataset") == dataset)
            existing = set(snap["partition"].to_list())
            if rows.is_empty() and not existing:
                return
            touched = {k[0] for k in new_parts} | (
                set(scope.get_column("partition").to_list()) & existing
            )
            parts: dict[str, pl.DataFrame] = {}
            for part in sorted(touched):
                new = new_parts.get((part,), rows.clear())
                files = snap.filter(pl.col("partition") == part)["file"].to_list()
                files = [f for f in files if self._valid(QUARANTINE, f)]
                if files:
                    mine = scope.filter(pl.col("partition") == part)
                    old = pl.concat([self.read_file(QUARANTINE, f) for f in files])
                    old = old.with_columns(ticker)
                    if mine.get_column("ticker").is_null().any():
                        old = old.clear()  # the whole partition was rewritten
                    kept = old.join(
                        mine, on=["partition", "ticker"], how="anti", nulls_equal=True
                    ).drop("ticker")
                    new = pl.concat([QUARANTINE.conform(kept), QUARANTINE.conform(new)])
                parts[check_partition_value(part)] = QUARANTINE.conform(new)
            if parts:
                values = ", ".join(_sql_literal(v) for v in sorted(parts))
                where = f"dataset_part = {_sql_literal(dataset)} AND partition_part IN ({values})"
                self._commit(QUARANTINE, parts, read, where=where, write="quarantine")

        with self.locked(QUARANTINE):
            self.committed(QUARANTINE, write)

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


def table_version(store: Store, path: str) -> int | None:
    """The newest committed version of the Delta table at `path` (None: no commit yet), read
    from the names of its log's commit files, so asking costs a directory listing."""
    names = (f.rsplit("/", 1)[-1] for f in store.list(f"{path}/_delta_log", ".json"))
    commits = [int(n.removesuffix(".json")) for n in names if n.removesuffix(".json").isdigit()]
    return max(commits) if commits else None


def table_history(store: Store, path: str) -> pl.DataFrame:
    """The commits of the Delta table at `path` that its log still has, newest first
    (HISTORY_SCHEMA; empty before its first commit)."""
    options = store.storage_options
    exists = DeltaTable.is_deltatable(path, storage_options=options)
    commits = DeltaTable(path, storage_options=options).history() if exists else []

    def metric(commit: dict, name: str) -> int | None:
        return (commit.get("operationMetrics") or {}).get(name)

    return pl.DataFrame(
        [
            {
                "version": h["version"],
                "time": dt.datetime.fromtimestamp(h["timestamp"] / 1000, dt.UTC),
                "run_id": h.get("finlake.run_id") or None,
                "operation": h.get("operation"),
                "write": h.get("finlake.write"),
                "rows_added": metric(h, "num_added_rows"),
                "rows_removed": metric(h, "num_deleted_rows"),
                "files_added": metric(h, "num_added_files"),
                "files_removed": metric(h, "num_removed_files"),
            }
            for h in commits
        ],
        schema=HISTORY_SCHEMA,
        orient="row",
    )


def version_at(store: Store, path: str, when: dt.datetime) -> int | None:
    """The newest version of the Delta table at `path` committed at or before `when` (None:
    none was), by the commit times `history` shows."""
    times = table_history(store, path).select("version", "time")
    before = times.filter(pl.col("time") <= when)
    if not before.is_empty():
        return before.get_column("version").max()
    if not times.is_empty() and (oldest := times.row(times["version"].arg_min())) and oldest[0]:
        raise VersionGoneError(  # its log was cleaned: what was there then is not known
            f"{path}: its log keeps commits from version {oldest[0]} ({oldest[1]:%Y-%m-%d %H:%M} "
            f"UTC) on, after {when:%Y-%m-%d %H:%M} UTC"
        )
    return None


def _logical_keys(ds: Dataset) -> list[str]:
    if ds is QUARANTINE:
        return ["dataset", "partition"]
    return [ds.partition_by] if ds.partition_by else []


def _partition_columns(ds: Dataset) -> list[str]:
    """The table's physical partition columns. Delta keeps partition values in the log and the
    paths, not in the files: a partition key that is also a contract column (ticker, the
    quarantine's dataset) is partitioned by a copy, so the files keep the column itself."""
    return [k if k not in ds.schema else f"{k}_part" for k in _logical_keys(ds)]


def _with_partition_columns(ds: Dataset, data: pl.DataFrame) -> pl.DataFrame:
    if ds is QUARANTINE:
        return data.with_columns(
            pl.col("dataset").alias("dataset_part"), pl.col("partition").alias("partition_part")
        )
    if ds.partition_by is None:
        return data
    return data.with_columns(ds.partition_expr().alias(_partition_columns(ds)[0]))


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _parallel(fn, jobs: list) -> list:
    if len(jobs) <= 1:
        return [fn(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        return list(pool.map(fn, jobs))
