"""The DuckDB catalog file: views over every dataset, rebuilt after each write."""

import dagster as dg
import duckdb
import polars as pl

from finlake.catalog import Catalog
from finlake.datasets import DATASETS
from finlake.defs.code_references import referenced
from finlake.defs.metadata import markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource

CATALOG_KEY = dg.AssetKey(["catalog", "duckdb"])


def with_catalog(*groups: str) -> dg.AssetSelection:
    """The groups' assets plus the catalog refresh every domain job ends with."""
    return dg.AssetSelection.groups(*groups) | dg.AssetSelection.assets(CATALOG_KEY)


@referenced
@dg.asset(
    key=CATALOG_KEY,
    deps=[dg.AssetKey([ds.layer, ds.name]) for ds in DATASETS.values()],  # every view's asset
    **owned("catalog"),
    pool="duckdb",
    automation_condition=dg.AutomationCondition.eager(),
    kinds={"duckdb"},
    description=(
        "The DuckDB file notebooks and `finlake sql` read: a view per dataset over the Parquet "
        "lake. Built into a new file and swapped in atomically, so readers are never blocked."
    ),
)
def duckdb_catalog(finlake: FinlakeResource) -> dg.MaterializeResult:
    catalog = Catalog(finlake.settings().home)
    report = catalog.build()
    # the file just built (on S3, a connection's own in-memory catalog)
    con = duckdb.connect(str(report.path), read_only=True) if report.path else catalog.connect()
    try:
        counts = pl.DataFrame(
            {
                "view": list(report.views),
                "rows": [
                    con.sql(f'SELECT count(*) FROM "{v}"').fetchall()[0][0] for v in report.views
                ],
                "reads_files": list(report.views.values()),
            }
        )
    finally:
        con.close()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(int(counts.get_column("rows").sum())),
            "path": dg.MetadataValue.path(str(report.path or catalog.lake.root)),
            "views": dg.MetadataValue.md(markdown_preview(counts, 50)),
            "seconds": dg.MetadataValue.float(round(report.seconds, 3)),
        }
    )
