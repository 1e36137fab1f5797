"""The catalog views of SQL models: a view model's SQL, or a file model's Parquet files under
`<home>/lake/models/<name>/`. Pure SQL text; the catalog creates them (finlake.models.run writes
the files)."""

from __future__ import annotations

import glob
from pathlib import Path

import duckdb

from finlake.catalog_sql import sql_identifier, sql_string
from finlake.lake import DATA_FILE
from finlake.models.spec import Model, Project

MODELS_LAKE_DIR = "models"


def model_dir(lake_root: Path, name: str) -> Path:
    return lake_root / MODELS_LAKE_DIR / name


def file_pattern(lake_root: Path, model: Model) -> str:
    """The glob of a file model's data. A partitioned model's `**` also matches the single empty
    file written when it has no rows (there is no month to put it in)."""
    base = model_dir(lake_root, model.name)
    return str(base / "**" / DATA_FILE) if model.partition_by else str(base / DATA_FILE)


def has_files(lake_root: Path, model: Model) -> bool:
    return any(True for _ in glob.iglob(file_pattern(lake_root, model), recursive=True))


def view_sql(lake_root: Path, model: Model) -> str | None:
    """The SELECT behind a model's catalog view; None for a file model not materialized yet.
    The month directories are layout only (hive_partitioning off): a view's columns are exactly
    its SQL's, whatever the materialization."""
    if not model.writes_files:
        return model.sql
    if not has_files(lake_root, model):
        return None
    return (
        f"SELECT * FROM read_parquet({sql_string(file_pattern(lake_root, model))}, "
        "hive_partitioning = false)"
    )


def create_views(
    con: duckdb.DuckDBPyConnection, project: Project, lake_root: Path
) -> dict[str, str | None]:
    """Create every model's view in topological order: name -> None, or why it was skipped.
    A view model whose input model is missing is skipped; a file model only needs its files."""
    result: dict[str, str | None] = {}
    for model in project.models.values():
        missing = sorted(r for r in model.refs if result.get(r))
        sql = view_sql(lake_root, model)
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
