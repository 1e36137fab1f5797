"""Partition definitions shared by the domains."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from finlake.calendar import FIRST_SESSION, edgar, nyse

# One partition per NYSE session, keyed YYYY-MM-DD in New York time. The window of session D
# starts at D 18:00 ET and end_offset=1 exposes it from then on, so the partition for a session
# exists at 18:00 ET that day. Weekends are absent from the cron; holidays and one-off closures
# are excluded ticks. (Dagster's end_offset skips an excluded window forward: on the evening of a
# weekday holiday the next session's partition shows up a day early; the assets refuse to fetch a
# session before its close, so such a run fails clearly instead of storing partial bars.)
nyse_sessions = dg.TimeWindowPartitionsDefinition(
    start=dt.datetime.combine(FIRST_SESSION, dt.time(18)),
    fmt="%Y-%m-%d",
    cron_schedule="0 18 * * 1-5",
    timezone="America/New_York",
    end_offset=1,
    exclusions=[dt.datetime.combine(day, dt.time(18)) for day in nyse().closed_weekdays()],
)


def session_dates(keys: list[str]) -> list[dt.date]:
    return [dt.date.fromisoformat(k) for k in keys]


# One partition per EDGAR business day (federal holidays closed), keyed by filing date. The
# window of day D starts at D 00:00 ET and end_offset=1 exposes it from then on, so the
# current-filings sensor can request today's partition while EDGAR is accepting filings; the
# morning schedule re-runs the finished day once its daily index is published.
edgar_days = dg.TimeWindowPartitionsDefinition(
    start=dt.datetime.combine(FIRST_SESSION, dt.time(0)),
    fmt="%Y-%m-%d",
    cron_schedule="0 0 * * 1-5",
    timezone="America/New_York",
    end_offset=1,
    exclusions=[dt.datetime.combine(day, dt.time(0)) for day in edgar().closed_weekdays()],
)


# One partition per UTC hour: the poll of the news feeds made during that hour. end_offset=1
# exposes the current hour, which the hourly schedule polls a few minutes after it starts.
news_hours = dg.HourlyPartitionsDefinition(
    start_date=dt.datetime(2024, 1, 1), timezone="UTC", end_offset=1
)

# the partitions a source contract names (finlake.contracts.base.Partitioning)
PARTITIONS: dict[str, dg.PartitionsDefinition] = {
    "nyse_sessions": nyse_sessions,
    "edgar_days": edgar_days,
    "news_hours": news_hours,
}
