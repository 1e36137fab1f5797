"""The DuckDB catalog file: views over every dataset, rebuilt after each write."""

import dagster as dg
import duckdb
import polars as pl

from finlake.catalog import Catalog
from finlake.defs.indicators.assets import INDICATORS_KEY
from finlake.defs.macro.assets import MACRO_KEY
from finlake.defs.metadata import markdown_preview
from finlake.defs.news.assets import NEWS_ARTICLES_KEY, NEWS_SENTIMENT_KEY
from finlake.defs.ownership import owned
from finlake.defs.policy.assets import FOMC_MEETINGS_KEY, POLICY_EVENTS_KEY
from finlake.defs.prices.assets import (
    CORPORATE_ACTIONS_KEY,
    PRICES_ADJUSTED_KEY,
    PRICES_DAILY_KEY,
)
from finlake.defs.quality.assets import QUARANTINE_KEY
from finlake.defs.resources import FinlakeResource
from finlake.defs.sec.assets import SEC_COMPANIES_KEY, SILVER_KEYS

CATALOG_KEY = dg.AssetKey(["catalog", "duckdb"])


def with_catalog(*groups: str) -> dg.AssetSelection:
    """The groups' assets plus the catalog refresh every domain job ends with."""
    return dg.AssetSelection.groups(*groups) | dg.AssetSelection.assets(CATALOG_KEY)


@dg.asset(
    key=CATALOG_KEY,
    deps=[
        PRICES_DAILY_KEY,
        CORPORATE_ACTIONS_KEY,
        PRICES_ADJUSTED_KEY,
        INDICATORS_KEY,
        QUARANTINE_KEY,
        SEC_COMPANIES_KEY,
        *SILVER_KEYS.values(),
        NEWS_ARTICLES_KEY,
        NEWS_SENTIMENT_KEY,
        MACRO_KEY,
        POLICY_EVENTS_KEY,
        FOMC_MEETINGS_KEY,
    ],
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
    con = duckdb.connect(str(report.path), read_only=True)
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
            "path": dg.MetadataValue.path(str(report.path)),
            "views": dg.MetadataValue.md(markdown_preview(counts, 50)),
            "seconds": dg.MetadataValue.float(round(report.seconds, 3)),
        }
    )
