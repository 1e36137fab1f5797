"""SQL models as assets: one per .sql file of the models directory, its header tests as checks.

Dependencies come from parsing the SQL (finlake.models.spec), so the graph matches the queries.
A model asset writes its Parquet files (table/parquet) and rebuilds the catalog, which is why
models are not deps of the catalog asset. Tests of a model that other models read are blocking:
a failure stops those models in the same run.
"""

from __future__ import annotations

import time

import dagster as dg

from finlake.catalog import Catalog
from finlake.defs.metadata import PREVIEW_ROWS, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource
from finlake.models.run import FAILING_ROWS_PREVIEW, failing_rows, failing_rows_sql, materialize
from finlake.models.spec import GROUPS, Model, ModelError, ModelTest, Project, load_project
from finlake.models.views import model_dir, model_version

models_job = dg.define_asset_job(
    "models_job",
    selection=dg.AssetSelection.groups(*GROUPS),
    description="Materialize every SQL model (staging, then marts) and run its header tests.",
)


def asset_key(model: Model) -> dg.AssetKey:
    return dg.AssetKey(list(model.key))


def _describe(test: ModelTest) -> str:
    cols = ", ".join(test.columns)
    if test.kind == "unique":
        return f"No two rows share ({cols})."
    if test.kind == "not_null":
        return f"{cols} is never null."
    if test.kind == "accepted_range":
        low, high = test.bounds
        if low is None:
            return f"{cols} is at most {high}."
        return f"{cols} is at least {low}." if high is None else f"{cols} is in [{low}, {high}]."
    if test.kind == "relationships":
        assert test.reference is not None
        return f"Every {cols} is a {test.reference[1]} of {test.reference[0]}."
    assert test.file is not None
    return f"{test.file.name} returns no rows."


def _model_asset(project: Project, model: Model) -> dg.AssetsDefinition:
    code = dg.CodeReferencesMetadataValue(
        code_references=[
            dg.LocalFileCodeReference(file_path=str(model.path.resolve()), line_number=1)
        ]
    )

    @dg.asset(
        key=asset_key(model),
        deps=[dg.AssetKey(list(k)) for k in project.upstream(model.name)],
        **owned(model.group),
        pool="duckdb",
        kinds={"duckdb", "sql", "parquet"} if model.writes_files else {"duckdb", "sql"},
        description=model.description,
        metadata={"dagster/code_references": code, "materialized": model.materialized},
    )
    def _asset(finlake: FinlakeResource) -> dg.MaterializeResult:
        started = time.perf_counter()
        catalog = Catalog(finlake.settings().home, project.root)
        if model.writes_files:
            materialize(catalog, model, run_id=finlake.lake().run_id)
        built = catalog.build().models
        if model.name not in built or built[model.name]:
            why = built.get(model.name) or built.get(str(project.root))
            raise ModelError(f"{model.path}: the catalog has no view {model.name}: {why}")
        con = catalog.connect()
        try:
            view = f'"{model.name}"'
            rows = con.sql(f"SELECT count(*) FROM {view}").fetchall()[0][0]
            described = con.sql(f"DESCRIBE {view}").fetchall()
            preview = con.sql(f"SELECT * FROM {view} LIMIT {PREVIEW_ROWS}").pl()
        finally:
            con.close()
        schema = dg.TableSchema(
            columns=[
                dg.TableColumn(name, kind, description=model.columns.get(name))
                for name, kind, *_ in described
            ]
        )
        metadata: dict[str, dg.RawMetadataValue] = {
            "dagster/row_count": dg.MetadataValue.int(rows),
            "dagster/column_schema": schema,
            "preview": dg.MetadataValue.md(markdown_preview(preview)),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - started, 3)),
            "materialized": dg.MetadataValue.text(model.materialized),
        }
        if model.writes_files:
            metadata["path"] = dg.MetadataValue.path(model_dir(catalog.lake.store, model.name))
            version = model_version(catalog.lake.store, model)
            if version is not None:
                metadata["table_version"] = dg.MetadataValue.int(version)
        return dg.MaterializeResult(metadata=metadata)

    return _asset


def _model_checks(project: Project, model: Model) -> dg.AssetChecksDefinition:
    """All of a model's tests as one step (one catalog connection), each its own check."""
    blocking = bool(project.downstream(model.name))
    key = asset_key(model)
    sqls = {test.name: failing_rows_sql(model, test) for test in model.tests}
    specs = [
        dg.AssetCheckSpec(
            name=test.name,
            asset=key,
            blocking=blocking,
            description=_describe(test),
            metadata={"sql": sqls[test.name]},
        )
        for test in model.tests
    ]

    @dg.multi_asset_check(specs=specs, name=f"{model.name}_tests")
    def _checks(finlake: FinlakeResource):
        con = Catalog(finlake.settings().home, project.root).connect()
        try:
            for name, sql in sqls.items():
                count, rows = failing_rows(con, sql)
                yield dg.AssetCheckResult(
                    asset_key=key,
                    check_name=name,
                    passed=count == 0,
                    metadata={
                        "failing_rows": dg.MetadataValue.int(count),
                        "preview": dg.MetadataValue.md(
                            markdown_preview(rows, FAILING_ROWS_PREVIEW)
                        ),
                    },
                )
        finally:
            con.close()

    return _checks


def build_model_defs(project: Project) -> dg.Definitions:
    """The assets and checks of a models project, plus models_job."""
    return dg.Definitions(
        assets=[_model_asset(project, m) for m in project.models.values()],
        asset_checks=[_model_checks(project, m) for m in project.models.values() if m.tests],
        jobs=[models_job],
    )


@dg.definitions
def models() -> dg.Definitions:
    return build_model_defs(load_project())
