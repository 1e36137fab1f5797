"""Materializing SQL models into the lake, their catalog views, and the SQL of their tests.

Parquet stays the system of record: a `table`/`parquet` model is computed from a read-only
catalog connection and written under `<home>/lake/models/<name>/`, and the catalog only holds a
view over those files, so the catalog file can always be rebuilt. Writes swap in whole (a file
by os.replace, a partitioned model's directory by two renames) so readers never see half a
model; a model's writes are serialized across processes by a file lock.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock

from finlake.catalog import Catalog
from finlake.catalog_sql import sql_identifier, sql_string
from finlake.lake import DATA_FILE, LOCK_TIMEOUT_S, remove_dead_temps, temp_path
from finlake.models.spec import Model, ModelError, ModelTest, Project
from finlake.models.views import MODELS_LAKE_DIR, model_dir

PARTITION_KEY = "month"
FAILING_ROWS_PREVIEW = 20
_MONTH_COL = "__finlake_month"
_TEMP_TABLE = "__finlake_model"
_COUNT_COL = "__finlake_failing"


# ------------------------------------------------------------------------------ writes
def materialize(catalog: Catalog, model: Model) -> int:
    """Compute a table/parquet model from the current catalog and swap its files in; returns the
    row count. The caller rebuilds the catalog afterwards."""
    if not model.writes_files:
        raise ValueError(f"{model.name} is a view model")
    target = model_dir(catalog.lake.root, model.name)
    lock = catalog.lake.root / ".locks" / f"{MODELS_LAKE_DIR}.{model.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock, timeout=LOCK_TIMEOUT_S):
        con = catalog.connect()
        try:
            if model.partition_by:
                return _write_partitioned(con, model, target)
            return _write_file(con, model.sql, target)
        finally:
            con.close()


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    copy = f"COPY (\n{query}\n) TO {sql_string(str(path))} (FORMAT parquet, COMPRESSION zstd)"
    return con.execute(copy).fetchall()[0][0]


def _write_file(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target / DATA_FILE)
    try:
        rows = _copy(con, query, tmp)
        os.replace(tmp, target / DATA_FILE)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in target.glob(f"{PARTITION_KEY}=*"):  # from an earlier partitioned layout
        shutil.rmtree(stale)
    return rows


def _write_partitioned(con: duckdb.DuckDBPyConnection, model: Model, target: Path) -> int:
    """One file per month of `partition_by`, written into a new directory swapped in whole."""
    column = model.partition_by
    assert column is not None
    relation = con.sql(model.sql)  # binds only: the result's columns and types
    if column not in relation.columns:
        raise ModelError(f"{model.path}: partition_by column {column} is not in the result")
    kind = str(relation.types[relation.columns.index(column)])
    if not kind.startswith(("DATE", "TIMESTAMP")):
        raise ModelError(f"{model.path}: partition_by column {column} is {kind}, not a DATE")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_TEMP_TABLE} AS SELECT *, "
        f"strftime({sql_identifier(column)}, '%Y-%m') AS {_MONTH_COL} FROM (\n{model.sql}\n)"
    )
    months = [
        r[0]
        for r in con.sql(
            f"SELECT DISTINCT {_MONTH_COL} FROM {_TEMP_TABLE} ORDER BY 1 NULLS FIRST"
        ).fetchall()
    ]
    if months and months[0] is None:
        raise ModelError(f"{model.path}: partition_by column {column} has nulls")
    remove_dead_temps(target.parent)  # a killed build's staging directory
    staging = temp_path(target)
    try:
        rows = 0
        if not months:
            rows = _write_file(con, f"SELECT * EXCLUDE ({_MONTH_COL}) FROM {_TEMP_TABLE}", staging)
        for month in months:
            part = staging / f"{PARTITION_KEY}={month}"
            part.mkdir(parents=True)
            rows += _copy(
                con,
                f"SELECT * EXCLUDE ({_MONTH_COL}) FROM {_TEMP_TABLE} "
                f"WHERE {_MONTH_COL} = {sql_string(month)}",
                part / DATA_FILE,
            )
        _swap_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        con.execute(f"DROP TABLE IF EXISTS {_TEMP_TABLE}")
    return rows


def _swap_dir(new: Path, target: Path) -> None:
    """Rename the old directory aside, the new one in, then delete the old one."""
    old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old"
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


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
