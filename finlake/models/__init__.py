"""SQL models ("dbt-like"): .sql files under dbt_like_sql/ become catalog views and Dagster assets.

Set FINLAKE_MODELS_DIR to use another models directory (with staging/, marts/ and tests/).
Materializing them (build_models, materialize) is finlake.models.run, which uses the catalog.
"""

from finlake.models.spec import (
    MODELS_DIR_ENV,
    Model,
    ModelError,
    ModelTest,
    Project,
    catalog_sources,
    load_project,
    models_dir,
    parse_model,
    split_header,
    table_refs,
    topological_order,
)
from finlake.models.views import create_views, model_dir, model_files, model_version, view_sql

__all__ = [
    "MODELS_DIR_ENV",
    "Model",
    "ModelError",
    "ModelTest",
    "Project",
    "catalog_sources",
    "create_views",
    "load_project",
    "model_dir",
    "model_files",
    "model_version",
    "models_dir",
    "parse_model",
    "split_header",
    "table_refs",
    "topological_order",
    "view_sql",
]
