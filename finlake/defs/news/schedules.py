"""The hourly news poll and the daily retention cleanup."""

import dagster as dg

from finlake.defs.catalog.assets import with_catalog
from finlake.defs.news.assets import GROUP
from finlake.defs.partitions import HOUR_FORMAT

news_job = dg.define_asset_job(
    "news_hourly_job",
    selection=with_catalog(GROUP),
    description=(
        "Poll every feed of the registry once for the hour, store the stories not seen before "
        "(tagged, scored), recompute the daily sentiment and refresh the catalog."
    ),
)


@dg.schedule(
    job=news_job,
    cron_schedule="5 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def news_hourly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Five minutes into each hour, that hour's poll."""
    hour = context.scheduled_execution_time.replace(minute=0, second=0, microsecond=0)
    key = hour.strftime(HOUR_FORMAT)
    return dg.RunRequest(run_key=key, partition_key=key)
