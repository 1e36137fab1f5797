"""SQL models ("dbt-like"): .sql files under dbt_like_sql/ become catalog views and Dagster assets.

Set FINLAKE_MODELS_DIR to use another models directory (with staging/, marts/ and tests/).
"""

from finlake.models.run import (
    build_models,
    create_views,
    failing_rows,
    failing_rows_sql,
    file_pattern,
    materialize,
    model_dir,
    view_sql,
)
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

__all__ = [
    "MODELS_DIR_ENV",
    "Model",
    "ModelError",
    "ModelTest",
    "Project",
    "build_models",
    "catalog_sources",
    "create_views",
    "failing_rows",
    "failing_rows_sql",
    "file_pattern",
    "load_project",
    "materialize",
    "model_dir",
    "models_dir",
    "parse_model",
    "split_header",
    "table_refs",
    "topological_order",
    "view_sql",
]
