"""The DuckDB catalog: one file of views over the lake (plus SQL models), rebuilt from Parquet.

DuckDB locks a database file per process, readers included, so finlake never writes the live
file. A build writes a fresh file beside it and swaps it in with os.replace; a notebook holding
the old file keeps reading its snapshot, new connections see the new one, and no reader can make
a build fail or wait. Builds are serialized across processes by a file lock.

A lake on S3 has no catalog file: DuckDB reads S3 here only through Arrow datasets registered on
a connection, which a file cannot keep, so each connection builds its catalog in memory (the
same views, macros and restrictions) over the tables' newest versions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from deltalake.exceptions import DeltaError
from filelock import FileLock

from finlake.catalog_hot import HOT_NAMES, ROW_GROUP_SIZE, drop_rebuilt, record_tickers, sync_hot
from finlake.catalog_sql import (
    derived_views,
    reference_tables,
    sql_identifier,
    sql_string,
    table_macros,
)
from finlake.datasets import DATASETS, QUARANTINE, Dataset
from finlake.lake import Lake, VersionGoneError, table_version, version_at
from finlake.models.spec import ModelError, load_project, models_dir
from finlake.models.views import create_views, model_dir, model_version
from finlake.settings import require_home
from finlake.storage import Store, remove_dead_temps, temp_path

log = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 300
ALIAS = "finlake"  # the catalog's name on a connection (attached to an in-memory database)
META_TABLE = "_finlake_catalog"
LAYOUT = 2  # the catalog file's layout: 2 = the big datasets as DuckDB tables (catalog_hot)
MODELS_TABLE = "_finlake_catalog_models"

DUCKDB_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Date: "DATE",
    pl.Float64: "DOUBLE",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Boolean: "BOOLEAN",
    pl.Datetime: "TIMESTAMPTZ",
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    return DUCKDB_TYPES[dtype.base_type()]


def pinned_files(ds: Dataset, lake: Lake, version: int | None) -> list[str]:
    """The data files of an older version of the dataset. Unlike the newest version's, a
    missing file is not repaired away: it was vacuumed, and that version cannot be read."""
    newest = lake.version(ds)
    if version is not None and (newest is None or not 0 <= version <= newest):
        raise VersionGoneError(
            f"{ds.layer}/{ds.name} has no version {version} (its newest is {newest})"
        )
    try:
        files = lake.snapshot(ds, version)["file"].to_list()
    except DeltaError as exc:  # its commits were cleaned from the log
        raise VersionGoneError(f"{ds.layer}/{ds.name} version {version}: {exc}") from exc
    gone = [f for f in files if not lake.store.exists(f)]
    if gone:
        raise VersionGoneError(
            f"{ds.layer}/{ds.name} version {version}: {len(gone)} of its files were vacuumed "
            f"by maintenance (e.g. {gone[0]}); versions inside the retention window stay readable"
        )
    return files


def dataset_view_sql(
    con: duckdb.DuckDBPyConnection, ds: Dataset, lake: Lake, version: int | None = -1
) -> tuple[str, bool]:
    """The SELECT behind a dataset's view on one version of its table (default: the newest),
    and whether it reads files (False = empty typed). On S3 the files are registered on `con`
    (see Store.duckdb_source)."""
    newest = version == -1  # the newest version's files, validated (and repaired)
    files = lake.files(ds) if newest else pinned_files(ds, lake, version)
    return files_select_sql(con, ds, lake, files), bool(files)


def files_select_sql(
    con: duckdb.DuckDBPyConnection, ds: Dataset, lake: Lake, files: list[str]
) -> str:
    """A SELECT of the contract's columns, typed, over some of the dataset's files (none: an
    empty typed SELECT)."""
    cols = [
        (name, "JSON" if ds is QUARANTINE and name == "row" else duckdb_type(dtype))
        for name, dtype in ds.schema.items()
    ]
    if not files:
        nulls = ", ".join(f'CAST(NULL AS {t}) AS "{n}"' for n, t in cols)
        return f"SELECT {nulls} WHERE false"
    # by name: a column added later reads as null in older files
    contract = pl.DataFrame(schema=ds.schema).to_arrow().schema
    source = lake.store.duckdb_source(con, f"_lake_{ds.name}", files, contract)
    # a typed empty row joined by name: a column no file has yet (written before the column was
    # added) reads as null, and as its values once a later file has it, with no rebuild
    nulls = ", ".join(f'CAST(NULL AS {t}) AS "{n}"' for n, t in cols)
    select = ", ".join(f'CAST("{n}" AS {t}) AS "{n}"' for n, t in cols)
    contract = f"SELECT {nulls} WHERE false"
    return f"SELECT {select} FROM (SELECT * FROM {source} UNION ALL BY NAME {contract})"


NEWEST = -1  # AsOf.version: the table's newest version


@dataclass(frozen=True)
class AsOf:
    """Which version of each table a time-travel catalog reads: the newest committed at or
    before `at`, or `versions` (a mapping of table -> version, others at their newest; or one
    version number for every table, a table with fewer versions at its newest)."""

    at: dt.datetime | None = None
    versions: Mapping[str, int] | int | None = None

    def version(self, name: str, store: Store, path: str) -> int | None:
        """The version of the table `name` at `path` to read (None: not committed then)."""
        if self.at is not None:
            return version_at(store, path, self.at)
        if isinstance(self.versions, Mapping):
            return int(self.versions[name]) if name in self.versions else NEWEST
        newest = table_version(store, path)
        return None if newest is None or self.versions is None else min(self.versions, newest)


def _version_sql(version: int | None) -> str:
    return "NULL::BIGINT" if version is None else str(version)


@dataclass
class BuildReport:
    path: Path | None  # None: a lake on S3, whose catalog lives on each connection
    views: dict[str, bool]  # dataset view name -> reads files
    seconds: float
    # SQL model -> None when its view was created, else why not (a broken models directory is
    # reported under the directory's path)
    models: dict[str, str | None] = field(default_factory=dict)


class Catalog:
    def __init__(self, home: Path, models_dir: Path | None = None) -> None:
        """`models_dir`: the SQL models (None = $FINLAKE_MODELS_DIR or dbt_like_sql/)."""
        self.home = Path(home)
        self.path = self.home / "catalog" / "finlake.duckdb"
        self.lake = Lake.of_home(self.home)
        self.models_dir = models_dir

    @property
    def persistent(self) -> bool:
        """Whether the catalog is a file (a local lake) or built per connection (S3)."""
        return self.lake.store.local

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S):
            yield

    def build(self) -> BuildReport:
        """Rebuild every view into a new file and swap it in atomically (on S3, build the
        catalog in memory: every view is checked, no file is written)."""
        started = time.perf_counter()
        if not self.persistent:
            con = duckdb.connect()
            try:
                views, models = self._populate(con)
            finally:
                con.close()
            return BuildReport(None, views, time.perf_counter() - started, models)
        with self._lock():
            remove_dead_temps(self.path.parent)  # a killed build's file
            tmp = temp_path(self.path)
            views: dict[str, bool] = {}
            try:
                con = self._open_build(tmp)
                try:
                    views, models = self._populate(con, hot=True)
                    con.execute("CHECKPOINT build")
                finally:
                    con.close()
                os.replace(tmp, self.path)
            finally:
                tmp.unlink(missing_ok=True)
                Path(str(tmp) + ".wal").unlink(missing_ok=True)
        return BuildReport(self.path, views, time.perf_counter() - started, models)

    def _open_build(self, tmp: Path) -> duckdb.DuckDBPyConnection:
        """A connection whose default database is `tmp`, the file being built: a copy of the
        current catalog when it is one of this home (its hot tables are then brought up to
        date rather than loaded again), else a new file."""
        if self.path.exists():
            shutil.copyfile(self.path, tmp)
        con = None
        try:
            con = _open_as_build(tmp)
            if self.path.exists():
                home = con.execute(f"SELECT home FROM {META_TABLE}_info").fetchall()[0][0]
                if home != str(self.home):
                    raise duckdb.Error(f"a catalog of another home ({home})")
                drop_rebuilt(con)
            return con
        except duckdb.Error as exc:
            if con is not None:
                con.close()
            if not self.path.exists():
                raise
            log.warning("catalog %s not reused (%s); building it anew", self.path, exc)
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            return _open_as_build(tmp)

    def _populate(
        self, con: duckdb.DuckDBPyConnection, as_of: AsOf | None = None, *, hot: bool = False
    ) -> tuple[dict[str, bool], dict[str, str | None]]:
        """Create the catalog's views, macros, reference tables and model views on `con`:
        each dataset's and file model's view on its table's newest version, or on the version
        `as_of` picks. `hot`: the big (ticker, date) datasets are DuckDB tables (a catalog
        file; see finlake.catalog_hot) instead of views over their files."""
        store = self.lake.store
        pinned = {
            name: NEWEST if as_of is None else as_of.version(name, store, self.lake.dataset_dir(ds))
            for name, ds in DATASETS.items()
        }
        versions = {
            name: self.lake.version(ds) if pinned[name] == NEWEST else pinned[name]
            for name, ds in DATASETS.items()
        }
        views: dict[str, bool] = {}
        for ds in DATASETS.values():
            if hot and ds.name in HOT_NAMES:
                files = self.lake.files(ds)
                snap = self.lake.snapshot(ds).filter(pl.col("file").is_in(files))
                sync_hot(
                    con, ds, snap, lambda some, ds=ds: files_select_sql(con, ds, self.lake, some)
                )
                views[ds.name] = bool(files)
                continue
            sql, reads = dataset_view_sql(con, ds, self.lake, pinned[ds.name])
            con.execute(f'CREATE VIEW "{ds.name}" AS {sql}')
            views[ds.name] = reads
        if hot:
            record_tickers(con)
        for name, sql in derived_views().items():
            con.execute(f"CREATE VIEW {sql_identifier(name)} AS {sql}")
        for signature, sql in table_macros().items():
            con.execute(f"CREATE MACRO {signature} AS TABLE {sql}")
        for name, frame in reference_tables().items():
            con.register("_reference", frame.to_arrow())
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _reference')
            con.unregister("_reference")
            for column, dtype in frame.schema.items():  # Arrow's time64[ns]
                if dtype == pl.Time:
                    con.execute(f'ALTER TABLE "{name}" ALTER "{column}" TYPE TIME')
        models = self._create_model_views(con, as_of)
        con.execute(
            f"CREATE TABLE {META_TABLE} AS SELECT * FROM (VALUES "
            + ", ".join(
                f"({sql_string(n)}, {str(r).lower()}, {_version_sql(versions[n])})"
                for n, r in views.items()
            )
            + ") t(view_name, reads_files, table_version)"
        )
        built_at = sql_string(dt.datetime.now(dt.UTC).isoformat())
        con.execute(
            f"CREATE TABLE {META_TABLE}_info AS SELECT "
            f"{sql_string(str(self.home))} AS home, TIMESTAMPTZ {built_at} AS built_at, "
            f"{LAYOUT if hot else 0} AS layout"
        )
        return views, models

    def _create_model_views(
        self, con: duckdb.DuckDBPyConnection, as_of: AsOf | None = None
    ) -> dict[str, str | None]:
        """The SQL models' views, in dependency order. A broken models directory or a model
        whose inputs are missing is recorded (also in MODELS_TABLE, with the table version a
        file model's view reads so is_stale notices a new one), never a failed build."""
        root = self.models_dir if self.models_dir is not None else models_dir()
        store = self.lake.store
        try:
            project = load_project(root)
        except ModelError as exc:
            project, created, pinned = None, {str(root): str(exc)}, {}
        else:
            pinned = {
                m.name: v
                for m in project.models.values()
                if m.writes_files
                and as_of is not None
                and (v := as_of.version(m.name, store, model_dir(store, m.name))) != NEWEST
            }
            created = create_views(con, project, store, pinned)
        if as_of is not None and isinstance(as_of.versions, Mapping):
            known = set(DATASETS) | set(project.models if project else ())
            if unknown := sorted(set(as_of.versions) - known):
                raise ValueError(f"unknown tables {unknown}; known: {sorted(known)}")
        con.execute(
            f"CREATE TABLE {MODELS_TABLE} (model_name VARCHAR, materialized VARCHAR, "
            "table_version BIGINT, created BOOLEAN, reason VARCHAR)"
        )
        for model in project.models.values() if project else ():
            version = pinned.get(model.name, model_version(store, model))
            reason = created[model.name]
            con.execute(
                f"INSERT INTO {MODELS_TABLE} VALUES (?, ?, ?, ?, ?)",
                [model.name, model.materialized, version, reason is None, reason],
            )
        return created

    def is_stale(self) -> bool:
        """True when the file is missing, was built for another home, lacks a dataset, shows a
        dataset as empty that now has files, or lacks the view of a model whose files exist."""
        con = self._attach()
        if con is None:
            return True
        try:
            return self._stale(con)
        finally:
            con.close()

    def _attach(self) -> duckdb.DuckDBPyConnection | None:
        """A connection reading the file as it is now; None if it is missing or unreadable.

        The catalog is attached read-only to a fresh in-memory database: `duckdb.connect(path)`
        would hand back the database an older connection of this process still holds open,
        and with it a catalog that a rebuild has since replaced."""
        if not self.path.exists():
            return None
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {sql_string(str(self.path))} AS {ALIAS} (READ_ONLY)")
            con.execute(f"USE {ALIAS}")
        except duckdb.Error:
            con.close()
            return None
        return con

    def _stale(self, con: duckdb.DuckDBPyConnection) -> bool:
        """is_stale on an open connection to the file."""
        try:
            home, layout = con.execute(f"SELECT home, layout FROM {META_TABLE}_info").fetchall()[0]
            pinned = dict(
                con.execute(f"SELECT view_name, table_version FROM {META_TABLE}").fetchall()
            )
            models = con.execute(
                f"SELECT model_name, table_version FROM {MODELS_TABLE} WHERE materialized != 'view'"
            ).fetchall()
        except duckdb.Error:
            return True
        if home != str(self.home) or layout != LAYOUT or set(pinned) != set(DATASETS):
            return True  # another home's file, one an older finlake built, or a new dataset
        if any(pinned[name] != self.lake.version(ds) for name, ds in DATASETS.items()):
            return True  # a table committed since: its views read a pinned file list
        return any(
            version != table_version(self.lake.store, model_dir(self.lake.store, name))
            for name, version in models
        )

    def connect_as_of(
        self,
        *,
        version: int | Mapping[str, int] | None = None,
        at: dt.datetime | None = None,
    ) -> duckdb.DuckDBPyConnection:
        """A connection to the lake as it was committed (time travel on the commit clock): at
        `at`, each table (dataset or file model) at its newest version committed by then (a
        table not yet created reads empty, a model is not there); or at `version`, a mapping
        of table -> version (others at their newest) or one version number for every table
        (a table with fewer versions at its newest). The catalog is built in memory for the
        connection, with the same views, macros and restrictions as `connect`; the catalog
        file is not touched."""
        if (version is None) == (at is None):
            raise ValueError("give one of as_of_version and as_of_time")
        numbers = version.values() if isinstance(version, Mapping) else [version]
        if any(v is not None and int(v) < 0 for v in numbers):
            raise ValueError(f"table versions count from 0, not {version}")
        require_home(self.home)
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        con = duckdb.connect()
        try:
            self._populate(con, AsOf(at=at, versions=version))
            self._restrict(con)
        except BaseException:
            con.close()
            raise
        return con

    def connect(self, *, writable: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
        """A connection to the newest build of the catalog (rebuilt first if stale) that can
        touch no file outside the lake: reading or writing elsewhere (`read_csv('/etc/passwd')`,
        `COPY ... TO '/tmp/x'`, ATTACH, INSTALL) fails, and the restriction cannot be lifted
        on the connection. `writable` names extra files it may write (an export's target).
        Timestamps come back in UTC whatever the machine's zone. Raises HomeNotFoundError for
        a directory that is not a finlake home: reading never creates one."""
        require_home(self.home)
        if not self.persistent:
            con = duckdb.connect()
            try:
                self._populate(con)
                self._restrict(con, writable)
            except BaseException:
                con.close()
                raise
            return con
        if writable:  # its own restrictions: a connection of its own
            _, con = self._fresh()
            self._restrict(con, writable)
            return con
        with _SHARED_LOCK:
            shared = _SHARED.get(self.path)
            if shared is None or shared[0] != _file_id(self.path) or self._stale(shared[1]):
                shared = self._fresh()
                self._restrict(shared[1])
                _SHARED.pop(self.path, None)
                _SHARED[self.path] = shared
                while len(_SHARED) > SHARED_MAX:  # the least recently opened goes
                    del _SHARED[next(iter(_SHARED))]
            cursor = shared[1].cursor()
        cursor.execute(f"USE {ALIAS}")
        return cursor

    def _fresh(self) -> tuple[FileId, duckdb.DuckDBPyConnection]:
        """A new connection to the file (rebuilt first if stale) and the file's identity."""
        file_id = _file_id(self.path)
        con = self._attach()
        if con is None or self._stale(con):
            if con is not None:
                con.close()
            self.build()
            file_id = _file_id(self.path)
            con = self._attach()
            if con is None:
                raise duckdb.IOException(f"cannot open the catalog {self.path}")
        return file_id, con

    def _restrict(self, con: duckdb.DuckDBPyConnection, writable: Sequence[Path] = ()) -> None:
        """Lock the connection to reading the lake (and writing `writable`), in UTC."""
        con.execute("SET GLOBAL TimeZone = 'UTC'")  # global: cursors on it too
        lake = [sql_string(f"{self.lake.root}/")] if self.persistent else []  # S3: no file
        con.execute(f"SET allowed_directories = [{', '.join(lake)}]")
        if writable:
            con.execute(f"SET allowed_paths = [{', '.join(sql_string(str(p)) for p in writable)}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")


# One open database per catalog file in this process: a connection is a cursor on it, so
# lookups share its buffer cache and skip attaching the file again (about 15 ms of a 25 ms
# lookup at 500 tickers x 25 years, docs/performance.md). A rebuilt file (a new inode) or a
# commit since the build opens a new one; cursors on the old one keep reading their snapshot.
def _open_as_build(tmp: Path) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the file `tmp`, in the hot tables' row groups."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_string(str(tmp))} AS build (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute("USE build")
    except duckdb.Error:
        con.close()
        raise
    return con


FileId = tuple[int, int, int] | None  # inode, mtime, size; None: no file
_SHARED: dict[Path, tuple[FileId, duckdb.DuckDBPyConnection]] = {}
_SHARED_LOCK = threading.Lock()
SHARED_MAX = 4  # catalogs kept open at once (a process rarely reads more homes than that)


def _file_id(path: Path) -> FileId:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size
