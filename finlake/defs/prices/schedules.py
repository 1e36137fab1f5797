"""The after-close run: 18:00 New York time on NYSE sessions, for that day's partition."""

import dagster as dg

from finlake.calendar import NY, nyse
from finlake.defs.catalog.assets import with_catalog
from finlake.defs.indicators.assets import GROUP as INDICATORS
from finlake.defs.prices.assets import GROUP as PRICES

prices_job = dg.define_asset_job(
    "prices_daily_job",
    selection=with_catalog(PRICES, INDICATORS),
    description=(
        "Fetch, gate and store one session (plus the lookback), adjust, compute indicators, "
        "then refresh the catalog."
    ),
)


@dg.schedule(
    job=prices_job,
    cron_schedule="0 18 * * 1-5",
    execution_timezone="America/New_York",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def prices_after_close(context: dg.ScheduleEvaluationContext):
    """Targets the session that closed that day; the assets re-fetch the last few sessions."""
    day = context.scheduled_execution_time.astimezone(NY).date()
    if not nyse().is_session(day):
        return dg.SkipReason(f"{day} is not an NYSE session")
    return dg.RunRequest(run_key=day.isoformat(), partition_key=day.isoformat())
