"""The weekly refresh of SEC's ticker files (the daily job and its morning schedule come from
the source's contract, finlake.contracts.sec)."""

import dagster as dg

from finlake.defs.catalog.assets import CATALOG_KEY
from finlake.defs.sec.assets import SEC_COMPANIES_KEY

sec_companies_job = dg.define_asset_job(
    "sec_companies_job",
    selection=dg.AssetSelection.assets(SEC_COMPANIES_KEY, CATALOG_KEY),
    description="Refresh sec_companies from SEC's ticker files, then the catalog.",
)


sec_companies_weekly = dg.ScheduleDefinition(
    name="sec_companies_weekly",
    job=sec_companies_job,
    cron_schedule="0 5 * * 1",
    execution_timezone="America/New_York",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mondays 05:00 ET, before the daily SEC run.",
)
