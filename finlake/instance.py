"""The Dagster instance lives in the finlake home.

dagster.yaml names these classes instead of fixed directories, so whichever process builds the
instance — `dg dev`/`dagster dev` from the repository (even without DAGSTER_HOME), `finlake demo`,
or a run subprocess — resolves the same home from FINLAKE_HOME / FINLAKE_SOURCE and shares one
persistent history.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from dagster import DagsterInstance
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster._core.storage.root import LocalArtifactStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster_shared.serdes import serialize_value

from finlake.settings import Settings, resolve_home

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent  # an installed wheel's copy of dagster.yaml


def config_dir() -> Path:
    """Where dagster.yaml is: the checkout's (what `dg dev` reads), else the installed copy."""
    return PROJECT_ROOT if (PROJECT_ROOT / "dagster.yaml").exists() else PACKAGE_DIR


EVENT_BATCH_SIZE = 1000


def _dagster_dir() -> Path:
    return resolve_home() / "dagster"


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, keeping one engine per shard instead of one per event.

    The stock class creates an engine, connects, commits and disposes for every event, and
    loses SQLAlchemy's compiled-statement cache each time. A single-run range backfill logs a
    planned and a materialization event per (asset, partition) — thousands for two years of
    sessions — and spent most of its time there (68 s vs 24 s for the demo's backfill). Engines
    of the most recent shards stay open; WAL with synchronous=NORMAL survives process crashes.
    After each write to a run shard a passive checkpoint moves it into the .db file, which is
    what Dagster's log watcher (the UI's live run view) listens to.

    Dagster hands the events of a multi-partition output (and the planned events of a run) over
    as batches when DAGSTER_EVENT_BATCH_SIZE is set; the stock store_event_batch stores them one
    transaction each. Here a batch is one transaction per shard.
    """

    MAX_ENGINES = 8

    def __init__(self, base_dir: str, inst_data=None) -> None:
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._batch = threading.local()
        self._known_tables: set[str] = set()
        self._known_asset_key_columns: set[str] = set()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> sa.Engine:
        with self._engines_lock:
            return self._engine_locked(shard)

    def _engine_locked(self, shard: str) -> sa.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = sa.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=sa.pool.QueuePool,
                pool_size=1,
                max_overflow=4,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _synchronous_normal)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > self.MAX_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        open_batch: dict[str, sa.Connection] | None = getattr(self._batch, "shards", None)
        if open_batch is not None:  # inside store_event_batch: this thread holds _db_lock
            if shard not in open_batch:
                conn = self._engine(shard).connect()
                conn.begin()
                open_batch[shard] = conn
            yield open_batch[shard]
            return
        with self._db_lock, self._engine(shard).connect() as conn:
            with conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        with self._db_lock:
            self._batch.shards = {}
            try:
                for event in events:
                    self.store_event(event)
                for conn in self._batch.shards.values():
                    conn.commit()
            except BaseException:
                for conn in self._batch.shards.values():
                    conn.rollback()
                raise
            finally:
                shards, self._batch.shards = self._batch.shards, None
                for shard, conn in shards.items():
                    if shard != INDEX_SHARD_NAME:
                        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                    conn.close()

    def has_table(self, table_name: str) -> bool:
        """Asked on every asset event; the stock check opens a new engine each time. A table,
        once there, stays: only positive answers are remembered."""
        if table_name in self._known_tables:
            return True
        with self._engine(INDEX_SHARD_NAME).connect() as conn:
            found = bool(conn.dialect.has_table(conn, table_name))
        if found:
            self._known_tables.add(table_name)
        return found

    def _has_asset_key_col_on_connection(self, conn: sa.Connection, column_name: str) -> bool:
        if column_name in self._known_asset_key_columns:
            return True
        found = super()._has_asset_key_col_on_connection(conn, column_name)
        if found:
            self._known_asset_key_columns.add(column_name)
        return found

    def _store_asset_check_evaluation_planned(self, event: EventLogEntry, event_id) -> None:
        """As Dagster's, but the event is serialized once, not once per planned partition (a
        range backfill plans a check for hundreds of partitions in one event)."""
        planned = event.dagster_event.event_specific_data  # type: ignore[union-attr]
        keys = (
            planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
        )
        common = {
            "asset_key": planned.asset_key.to_string(),
            "check_name": planned.check_name,
            "run_id": event.run_id,
            "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
            "evaluation_event": serialize_value(event),
            "evaluation_event_timestamp": self._event_insert_timestamp(event),
            "evaluation_event_storage_id": event_id,
        }
        with self.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.insert().values(
                    [{**common, "partition": key} for key in keys]
                )
            )

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()
        self._known_tables.clear()
        self._known_asset_key_columns.clear()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()


def _synchronous_normal(dbapi_conn, _record) -> None:
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


class HomeSqliteStorage(DagsterSqliteStorage):
    """Run, event-log and schedule storage under <home>/dagster/storage."""

    def __init__(self, base_dir: str, inst_data=None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> HomeSqliteStorage:
        # hand multi-partition events over in batches (see PooledSqliteEventLogStorage)
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
        return cls.from_local(str(_dagster_dir() / "storage"), inst_data=inst_data)


class HomeArtifactStorage(LocalArtifactStorage):
    """Run artifacts under <home>/dagster."""

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> HomeArtifactStorage:
        return cls(str(_dagster_dir()), inst_data=inst_data)


class HomeComputeLogManager(LocalComputeLogManager):
    """Step stdout/stderr under <home>/dagster/logs."""

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> HomeComputeLogManager:
        return cls(str(_dagster_dir() / "logs"), inst_data=inst_data)


def instance_for(settings: Settings) -> DagsterInstance:
    """The persistent instance of a home, configured by finlake's dagster.yaml.

    The home is exported to the environment so run subprocesses resolve the same one.
    """
    os.environ["FINLAKE_HOME"] = str(settings.home)
    os.environ["FINLAKE_SOURCE"] = settings.source
    where = config_dir()
    if not (where / "dagster.yaml").exists():
        raise FileNotFoundError(f"dagster.yaml not found in {PROJECT_ROOT} or {PACKAGE_DIR}")
    settings.dagster_dir.mkdir(parents=True, exist_ok=True)
    ref = InstanceRef.from_dir(str(settings.dagster_dir), config_dir=str(where))
    return DagsterInstance.from_ref(ref)
