"""When users expect data: Dagster freshness policies (evaluated by the daemon, shown in the UI).

Prices land with the 18:00 ET schedule after each session: a session's bars are due by 18:30 ET
on weekdays (an exchange holiday has no run, so its evening shows the policy as late). EDGAR's
previous day lands with the 06:00 ET run: due by 07:00 ET every day.
"""

import datetime as dt

import dagster as dg

PRICES_BY_1830_ET = dg.FreshnessPolicy.cron(
    deadline_cron="30 18 * * 1-5",
    lower_bound_delta=dt.timedelta(hours=2, minutes=30),  # after the 16:00 close
    timezone="America/New_York",
)
SEC_BY_0700_ET = dg.FreshnessPolicy.cron(
    deadline_cron="0 7 * * *",
    lower_bound_delta=dt.timedelta(hours=2),
    timezone="America/New_York",
)
