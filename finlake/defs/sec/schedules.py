"""SEC jobs and their clocks: the previous EDGAR day every morning, the ticker files weekly."""

import datetime as dt

import dagster as dg

from finlake.calendar import NY, edgar
from finlake.defs.catalog.assets import CATALOG_KEY, with_catalog
from finlake.defs.sec.assets import GROUP, SEC_COMPANIES_KEY

sec_job = dg.define_asset_job(
    "sec_daily_job",
    selection=with_catalog(GROUP) - dg.AssetSelection.assets(SEC_COMPANIES_KEY),
    description=(
        "Fetch one EDGAR filing day (daily form index, then the filers' submissions, SGML "
        "headers, documents and companyfacts), gate and store the five SEC tables, then "
        "refresh the catalog."
    ),
)

sec_companies_job = dg.define_asset_job(
    "sec_companies_job",
    selection=dg.AssetSelection.assets(SEC_COMPANIES_KEY, CATALOG_KEY),
    description="Refresh sec_companies from SEC's ticker files, then the catalog.",
)


def previous_edgar_day(moment: dt.datetime) -> dt.date:
    """The last EDGAR business day that ended before `moment` (New York time)."""
    return edgar().previous_business_day(moment.astimezone(NY).date())


@dg.schedule(
    job=sec_job,
    cron_schedule="0 6 * * *",
    execution_timezone="America/New_York",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def sec_previous_day(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """06:00 ET, after EDGAR published the daily index of the previous business day. It ticks
    every day; the run key is that day, so Sunday and Monday ticks don't repeat Friday."""
    day = previous_edgar_day(context.scheduled_execution_time).isoformat()
    return dg.RunRequest(run_key=day, partition_key=day)


sec_companies_weekly = dg.ScheduleDefinition(
    name="sec_companies_weekly",
    job=sec_companies_job,
    cron_schedule="0 5 * * 1",
    execution_timezone="America/New_York",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mondays 05:00 ET, before the daily SEC run.",
)
