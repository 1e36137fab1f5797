"""Materializing SQL models into the lake, their catalog views, and the SQL of their tests.

Parquet stays the system of record: a `table`/`parquet` model is computed from a read-only
catalog connection and written as a Delta table under `<lake>/models/<name>/` (by month of
`partition_by` when it has one), and the catalog only holds a view over one version's files, so
the catalog file can always be rebuilt. Each materialization is one commit replacing the whole
table: readers see the model before or after, never half of it, and `finlake sql --as-of-time`
reads it as it was. The result streams from DuckDB into the table in Arrow batches, never held
whole; a model's writes are serialized across processes by a file lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import DeltaError

from finlake.catalog import Catalog
from finlake.catalog_sql import sql_identifier
from finlake.maintenance import DEFAULT_RETENTION_HOURS, vacuum_candidates
from finlake.models.spec import Model, ModelError, ModelTest, Project
from finlake.models.views import MODELS_LAKE_DIR, PARTITION_COLUMN, model_dir, model_table
from finlake.storage import Store

FAILING_ROWS_PREVIEW = 20
BATCH_ROWS = 100_000
log = logging.getLogger(__name__)
_COUNT_COL = "__finlake_failing"


# ------------------------------------------------------------------------------ writes
def materialize(catalog: Catalog, model: Model, run_id: str = "") -> int:
    """Compute a table/parquet model from the current catalog and commit it as the new version
    of its table; returns the row count. The caller rebuilds the catalog afterwards."""
    if not model.writes_files:
        raise ValueError(f"{model.name} is a view model")
    store = catalog.lake.store
    target = model_dir(store, model.name)
    with catalog.lake.file_lock(f"{MODELS_LAKE_DIR}.{model.name}"):
        _remove_old_layout(store, target)
        _drop_if_repartitioned(store, model)
        con = catalog.connect()
        try:
            query, partition_by = _query(con, model)
            reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
            nulls: list[str] = []  # a partition column's null stops the write uncommitted
            try:
                write_deltalake(
                    target,
                    _no_null_months(reader, partition_by, nulls),
                    mode="overwrite",
                    schema_mode="overwrite",  # the model's SQL decides its columns
                    partition_by=partition_by,
                    storage_options=store.storage_options,
                    commit_properties=CommitProperties(
                        custom_metadata={"finlake.run_id": run_id, "finlake.write": "model"}
                    ),
                )
            except DeltaError as exc:
                if nulls:
                    raise ModelError(
                        f"{model.path}: partition_by column {model.partition_by} has nulls"
                    ) from None
                raise ModelError(f"{model.path}: writing its table failed: {exc}") from exc
        finally:
            con.close()
        _vacuum_replaced(store, model.name)
    table = model_table(store, model.name)
    assert table is not None
    actions = table.get_add_actions(flatten=True)
    return int(pl.DataFrame(actions).get_column("num_records").sum()) if len(actions) else 0


def _query(con: duckdb.DuckDBPyConnection, model: Model) -> tuple[str, list[str] | None]:
    """The SELECT that fills the model's table, with its month partition column if any."""
    column = model.partition_by
    if column is None:
        return model.sql, None
    relation = con.sql(model.sql)  # binds only: the result's columns and types
    if column not in relation.columns:
        raise ModelError(f"{model.path}: partition_by column {column} is not in the result")
    kind = str(relation.types[relation.columns.index(column)])
    if not kind.startswith(("DATE", "TIMESTAMP")):
        raise ModelError(f"{model.path}: partition_by column {column} is {kind}, not a DATE")
    month = f"strftime({sql_identifier(column)}, '%Y-%m') AS {PARTITION_COLUMN}"
    return f"SELECT *, {month} FROM (\n{model.sql}\n)", [PARTITION_COLUMN]


def _no_null_months(
    reader: pa.RecordBatchReader, partition_by: list[str] | None, nulls: list[str]
) -> pa.RecordBatchReader:
    """The batches of `reader`; one with a null month fails the stream (recorded in `nulls`)."""
    if not partition_by:
        return reader

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            if batch.column(partition_by[0]).null_count:
                nulls.append(partition_by[0])
                raise ValueError(f"null {partition_by[0]}")
            yield batch

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def _drop_if_repartitioned(store: Store, model: Model) -> None:
    """A model whose partitioning changed (partition_by added or removed) cannot be overwritten
    in place (Delta keeps a table's partition columns): its table is dropped and written anew,
    which ends its time travel."""
    if (table := model_table(store, model.name)) is None:
        return
    now = table.metadata().partition_columns
    if list(now) != ([PARTITION_COLUMN] if model.partition_by else []):
        log.warning("%s: partitioning changed; its table is written anew", model.name)
        store.delete_tree(model_dir(store, model.name))


def _vacuum_replaced(store: Store, name: str) -> None:
    """Delete the files of materializations replaced longer ago than the lake's retention
    window: each one replaces the whole table, and the lake's maintenance covers datasets."""
    table = model_table(store, name)
    assert table is not None
    target = model_dir(store, name)
    # no candidates: a vacuum would commit for nothing
    if vacuum_candidates(table, store, target, DEFAULT_RETENTION_HOURS):
        table.vacuum(
            retention_hours=DEFAULT_RETENTION_HOURS,
            dry_run=False,
            enforce_retention_duration=False,
            full=True,
        )


def _remove_old_layout(store: Store, target: str) -> None:
    """A model written before its output was a Delta table (data.parquet, month=*/): derived
    data, recomputed by this materialization, so its files are removed. (That layout was only
    ever on local disk.)"""
    root = Path(target)
    if not store.local or not root.is_dir() or DeltaTable.is_deltatable(target):
        return
    (root / "data.parquet").unlink(missing_ok=True)
    for old in root.glob("month=*"):
        shutil.rmtree(old)


# ------------------------------------------------------------------------------ tests
def _literal(value: float | dt.date) -> str:
    return f"DATE '{value.isoformat()}'" if isinstance(value, dt.date) else repr(value)


def failing_rows_sql(model: Model, test: ModelTest) -> str:
    """A query returning the rows that fail a header test (none = the test passes)."""
    table = sql_identifier(model.name)
    cols = [sql_identifier(c) for c in test.columns]
    if test.kind == "unique":
        keys = ", ".join(cols)
        return f"SELECT {keys}, count(*) AS n_rows FROM {table} GROUP BY {keys} HAVING count(*) > 1"
    if test.kind == "not_null":
        return f"SELECT * FROM {table} WHERE {cols[0]} IS NULL"
    if test.kind == "accepted_range":
        low, high = test.bounds
        outside = [f"{cols[0]} < {_literal(low)}"] if low is not None else []
        outside += [f"{cols[0]} > {_literal(high)}"] if high is not None else []
        return f"SELECT * FROM {table} WHERE {' OR '.join(outside)}"
    if test.kind == "relationships":
        assert test.reference is not None
        ref_table, ref_col = (sql_identifier(part) for part in test.reference)
        return (
            f"SELECT * FROM {table} AS m WHERE m.{cols[0]} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {ref_table} AS r WHERE r.{ref_col} = m.{cols[0]})"
        )
    assert test.file is not None
    return test.file.read_text().strip().rstrip(";").rstrip()


def failing_rows(
    con: duckdb.DuckDBPyConnection, sql: str, limit: int = FAILING_ROWS_PREVIEW
) -> tuple[int, pl.DataFrame]:
    """(how many rows a test query returns, the first `limit` of them), in one pass."""
    counted = con.sql(f"SELECT *, count(*) OVER () AS {_COUNT_COL} FROM (\n{sql}\n) LIMIT {limit}")
    rows = counted.pl()
    count = rows.get_column(_COUNT_COL)[0] if rows.height else 0
    return count, rows.drop(_COUNT_COL)


def build_models(catalog: Catalog, project: Project) -> dict[str, int | None]:
    """Every model in dependency order outside Dagster (rows written; None for views), the
    catalog rebuilt after each file model so the next one can read it."""
    out: dict[str, int | None] = {}
    catalog.build()
    for model in project.models.values():
        if model.writes_files:
            out[model.name] = materialize(catalog, model)
            catalog.build()
        else:
            out[model.name] = None
    return out
