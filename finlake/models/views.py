"""The catalog views of SQL models: a view model's SQL, or a file model's Delta table under
`<lake>/models/<name>/` read through the file list of one version. SQL text and table metadata
(on S3 the files are registered on the connection); the catalog creates the views
(finlake.models.run writes the tables)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from deltalake import DeltaTable

from finlake.catalog_sql import sql_identifier
from finlake.lake import table_version
from finlake.models.spec import Model, Project
from finlake.storage import Store

MODELS_LAKE_DIR = "models"
PARTITION_COLUMN = "__finlake_month"  # a file model's partition: in paths and log, not in views


def model_dir(store: Store, name: str) -> str:
    return store.join(MODELS_LAKE_DIR, name)


def model_table(store: Store, name: str, version: int | None = None) -> DeltaTable | None:
    """A file model's Delta table at `version` (default: its newest); None before its first
    materialization."""
    uri, options = model_dir(store, name), store.storage_options
    if not DeltaTable.is_deltatable(uri, storage_options=options):
        return None
    return DeltaTable(uri, version=version, storage_options=options)


def model_version(store: Store, model: Model) -> int | None:
    """The newest version of a file model's table; None for a view model or before its first
    materialization (a directory of the layout before Delta tables included)."""
    return table_version(store, model_dir(store, model.name)) if model.writes_files else None


def model_files(store: Store, name: str, version: int | None = None) -> list[str]:
    """The data files of one version (default: the newest) of a file model's table."""
    table = model_table(store, name, version)
    return [] if table is None else sorted(table.file_uris())


def _typed_empty(store: Store, name: str, version: int | None) -> str:
    """SELECT of no rows with the table's columns and types, for a model that has no rows."""
    table = model_table(store, name, version)
    assert table is not None
    schema = pa.schema(table.schema())
    if PARTITION_COLUMN in schema.names:
        schema = schema.remove(schema.get_field_index(PARTITION_COLUMN))
    relation = duckdb.connect().from_arrow(schema.empty_table())
    nulls = ", ".join(
        f"CAST(NULL AS {kind}) AS {sql_identifier(col)}"
        for col, kind in zip(relation.columns, relation.types, strict=True)
    )
    return f"SELECT {nulls} WHERE false"


def view_sql(
    con: duckdb.DuckDBPyConnection, store: Store, model: Model, version: int | None = None
) -> str | None:
    """The SELECT behind a model's catalog view; None for a file model not materialized yet
    (or not at `version`). A file model's view reads the files of one version of its table
    (default: the newest); its month partitions are layout only, so a view's columns are
    exactly its SQL's, whatever the materialization."""
    if not model.writes_files:
        return model.sql
    if version is None:
        version = model_version(store, model)
        if version is None:
            return None
    files = model_files(store, model.name, version)
    if not files:
        return _typed_empty(store, model.name, version)
    source = store.duckdb_source(con, f"_lake_models_{model.name}", files)
    return f"SELECT * FROM {source}"


def create_views(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    store: Store,
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
            sql = view_sql(con, store, model, pinned.get(model.name))
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
