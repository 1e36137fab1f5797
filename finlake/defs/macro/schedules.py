"""The daily macro run: new FRED vintages every morning."""

import dagster as dg

from finlake.defs.catalog.assets import with_catalog
from finlake.defs.macro.assets import GROUP

macro_job = dg.define_asset_job(
    "macro_daily_job",
    selection=with_catalog(GROUP),
    description="Fetch the vintages FRED published since the last run, fold them into "
    "macro_observations and refresh the catalog.",
)

macro_daily = dg.ScheduleDefinition(
    name="macro_daily",
    job=macro_job,
    cron_schedule="0 9 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="09:00 UTC: yesterday's releases (US data comes out 08:30-10:00 ET) and the "
    "daily series' previous-day values are in.",
)
