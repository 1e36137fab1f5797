"""The catalog views of SQL models: a view model's SQL, or a file model's Delta table under
`<home>/lake/models/<name>/` read through the file list of one version. Pure SQL text and table
metadata; the catalog creates the views (finlake.models.run writes the tables)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
from deltalake import DeltaTable

from finlake.catalog_sql import sql_identifier, sql_string
from finlake.lake import table_version
from finlake.models.spec import Model, Project

MODELS_LAKE_DIR = "models"
PARTITION_COLUMN = "__finlake_month"  # a file model's partition: in paths and log, not in views


def model_dir(lake_root: Path, name: str) -> Path:
    return lake_root / MODELS_LAKE_DIR / name


def model_version(lake_root: Path, model: Model) -> int | None:
    """The newest version of a file model's table; None for a view model or before its first
    materialization (a directory of the layout before Delta tables included)."""
    return table_version(model_dir(lake_root, model.name)) if model.writes_files else None


def model_files(lake_root: Path, name: str, version: int | None = None) -> list[str]:
    """The data files of one version (default: the newest) of a file model's table."""
    uri = str(model_dir(lake_root, name))
    if not DeltaTable.is_deltatable(uri):
        return []
    return sorted(DeltaTable(uri, version=version).file_uris())


def _typed_empty(lake_root: Path, name: str, version: int | None) -> str:
    """SELECT of no rows with the table's columns and types, for a model that has no rows."""
    schema = pa.schema(DeltaTable(str(model_dir(lake_root, name)), version=version).schema())
    if PARTITION_COLUMN in schema.names:
        schema = schema.remove(schema.get_field_index(PARTITION_COLUMN))
    relation = duckdb.connect().from_arrow(schema.empty_table())
    nulls = ", ".join(
        f"CAST(NULL AS {kind}) AS {sql_identifier(col)}"
        for col, kind in zip(relation.columns, relation.types, strict=True)
    )
    return f"SELECT {nulls} WHERE false"


def view_sql(lake_root: Path, model: Model, version: int | None = None) -> str | None:
    """The SELECT behind a model's catalog view; None for a file model not materialized yet
    (or not at `version`). A file model's view reads the files of one version of its table
    (default: the newest); its month partitions are layout only, so a view's columns are
    exactly its SQL's, whatever the materialization."""
    if not model.writes_files:
        return model.sql
    if version is None:
        version = model_version(lake_root, model)
        if version is None:
            return None
    files = model_files(lake_root, model.name, version)
    if not files:
        return _typed_empty(lake_root, model.name, version)
    listed = ", ".join(sql_string(f) for f in files)
    return f"SELECT * FROM read_parquet([{listed}], hive_partitioning = false)"


def create_views(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    lake_root: Path,
    pinned: dict[str, int | None] | None = None,
) -> dict[str, str | None]:
    """Create every model's view in topological order: name -> None, or why it was skipped.
    A view model whose input model is missing is skipped; a file model only needs its table.
    `pinned`: file models read at these versions (None: not committed then)."""
    pinned = pinned or {}
    result: dict[str, str | None] = {}
    for model in project.models.values():
        missing = sorted(r for r in model.refs if result.get(r))
        if model.name in pinned and pinned[model.name] is None:
            sql = None
        else:
            sql = view_sql(lake_root, model, pinned.get(model.name))
        if not model.writes_files and missing:
            result[model.name] = f"input model(s) {', '.join(missing)} not available"
        elif sql is None:
            result[model.name] = "not materialized yet"
        else:
            try:
                con.execute(f"CREATE VIEW {sql_identifier(model.name)} AS\n{sql}\n")
                result[model.name] = None
            except duckdb.Error as exc:
                result[model.name] = str(exc).splitlines()[0]
    return result
