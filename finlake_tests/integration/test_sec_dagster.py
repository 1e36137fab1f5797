"""SEC assets through real Dagster runs, plus the feed sensor and the morning schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import orjson
import polars as pl
import pytest

import finlake
from finlake.calendar import NY, edgar
from finlake.definitions import build_defs
from finlake.defs.partitions import edgar_days
from finlake.defs.resources import FinlakeResource
from finlake.defs.sec.assets import SEC_BRONZE_KEY, SEC_COMPANIES_KEY, SILVER_KEYS
from finlake.defs.sec.sensors import new_entries
from finlake.instance import instance_for
from finlake.settings import Settings
from finlake.sources.sec.feed import parse_current_feed

NOW = dt.datetime(2025, 8, 14, 15, 0, tzinfo=NY)  # a Thursday afternoon, EDGAR open
DAYS = edgar().business_days_between(dt.date(2025, 8, 4), dt.date(2025, 8, 13))


@pytest.fixture
def instance(home) -> dg.DagsterInstance:
    return instance_for(Settings.from_env())


def resource(home, now: dt.datetime = NOW) -> FinlakeResource:
    return FinlakeResource(home=str(home), source="sample", sample_as_of=now.isoformat())


def definitions(home, now: dt.datetime = NOW) -> dg.Definitions:
    return build_defs(resource(home, now))


def test_companies_backfill_and_daily_run(home, instance):
    defs = definitions(home)
    companies = defs.resolve_job_def("sec_companies_job").execute_in_process(instance=instance)
    assert companies.success
    job = defs.resolve_job_def("sec_daily_job")
    backfill = job.execute_in_process(
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": DAYS[0].isoformat(),
            "dagster/asset_partition_range_end": DAYS[-1].isoformat(),
        },
    )
    assert backfill.success
    checks = {e.check_name: e.passed for e in backfill.get_asset_check_evaluations()}
    assert checks == {
        "acceptance_matches_filing_date": True,
        "acceptance_from_header": True,
        "ownership_filings_parsed": True,
        "nothing_quarantined": True,  # on each of the five silver tables
    }
    today = job.execute_in_process(instance=instance, partition_key=NOW.date().isoformat())
    assert today.success
    keys = {d.isoformat() for d in [*DAYS, NOW.date()]}
    for key in [SEC_BRONZE_KEY, *SILVER_KEYS.values()]:
        assert instance.get_materialized_partitions(key) == keys, key
    for key in [SEC_COMPANIES_KEY, *SILVER_KEYS.values()]:
        meta = instance.get_latest_materialization_event(key).asset_materialization.metadata
        assert {"dagster/row_count", "dagster/column_schema", "preview", "seconds"} <= set(meta)
    filings = finlake.filings(start=DAYS[0], end=NOW.date())
    assert filings.height > 0 and set(filings["filing_date"]) <= keys_as_dates(keys)
    counts = finlake.sql(
        "SELECT (SELECT count(*) FROM sec_companies) AS companies, "
        "(SELECT count(*) FROM insider_transactions) AS transactions, "
        "(SELECT count(*) FROM fundamentals) AS facts"
    ).row(0, named=True)
    assert all(v > 0 for v in counts.values()), counts


def keys_as_dates(keys: set[str]) -> set[dt.date]:
    return {dt.date.fromisoformat(k) for k in keys}


def test_a_day_that_has_not_started_is_refused(home, instance):
    defs = definitions(home)
    assert defs.resolve_job_def("sec_companies_job").execute_in_process(instance=instance).success
    run = defs.resolve_job_def("sec_daily_job").execute_in_process(
        instance=instance,
        partition_key=edgar().next_business_day(NOW.date()).isoformat(),
        raise_on_error=False,
    )
    assert not run.success


def test_sensor_requests_the_filing_day_once(home, instance):
    now = dt.datetime(2025, 8, 14, 17, 0, tzinfo=NY)  # Apple filed a Form 4 that afternoon
    defs = definitions(home, now)
    sensor = defs.resolve_sensor_def("edgar_current_filings")
    resources = {"finlake": resource(home, now)}
    context = dg.build_sensor_context(instance=instance, resources=resources)
    skipped = sensor(context)  # no sec_companies yet: nothing to map filings to
    assert isinstance(skipped, dg.SkipReason) and "sec_companies" in skipped.skip_message
    assert defs.resolve_job_def("sec_companies_job").execute_in_process(instance=instance).success
    first = sensor.evaluate_tick(
        dg.build_sensor_context(instance=instance, definitions=defs, resources=resources)
    )
    assert first.cursor
    days = {r.partition_key for r in first.run_requests}
    assert days == {now.date().isoformat()}  # the first poll acts on the newest day only
    assert first.run_requests[0].tags["finlake/tickers"] == "AAPL"
    assert all(r.run_key.split(":")[0] == r.partition_key for r in first.run_requests)
    again = sensor.evaluate_tick(
        dg.build_sensor_context(
            instance=instance, definitions=defs, resources=resources, cursor=first.cursor
        )
    )
    assert again.run_requests == []  # the same feed: nothing new


def test_the_sensor_leaves_a_day_already_built_alone(home, instance):
    """Right after the demo (or the schedule) built the newest day, a fresh sensor (the UI
    started with no cursor) must not run that day again."""
    now = dt.datetime(2025, 8, 14, 17, 0, tzinfo=NY)
    defs = definitions(home, now)
    resources = {"finlake": resource(home, now)}
    assert defs.resolve_job_def("sec_companies_job").execute_in_process(instance=instance).success
    built = defs.resolve_job_def("sec_daily_job").execute_in_process(
        instance=instance, partition_key=now.date().isoformat()
    )
    assert built.success
    tick = defs.resolve_sensor_def("edgar_current_filings").evaluate_tick(
        dg.build_sensor_context(instance=instance, definitions=defs, resources=resources)
    )
    assert tick.run_requests == [] and tick.cursor
    assert "not stored yet" in tick.skip_message


def test_cursor_keeps_entries_of_the_same_instant():
    from finlake_tests.unit.test_sec_sources import FEED

    feed = parse_current_feed(FEED)
    fresh, cursor = new_entries(feed, None)
    assert fresh.height == 1
    state = orjson.loads(cursor)
    assert state["seen"] == ["0000320193-24-000042"]
    same, unchanged = new_entries(feed, cursor)
    assert same.is_empty() and unchanged == cursor
    sibling = feed.with_columns(pl.lit("0000320193-24-000043").alias("accession_number"))
    more, after = new_entries(pl.concat([feed, sibling]), cursor)
    assert more["accession_number"].to_list() == ["0000320193-24-000043"]
    assert orjson.loads(after)["seen"] == ["0000320193-24-000042", "0000320193-24-000043"]


@pytest.mark.parametrize(
    "tick,day",
    [
        (dt.datetime(2025, 8, 15, 6, 0, tzinfo=NY), "2025-08-14"),  # Friday -> Thursday
        (dt.datetime(2025, 8, 16, 6, 0, tzinfo=NY), "2025-08-15"),  # Saturday -> Friday
        (dt.datetime(2025, 8, 18, 6, 0, tzinfo=NY), "2025-08-15"),  # Monday -> Friday again
        (dt.datetime(2024, 11, 12, 6, 0, tzinfo=NY), "2024-11-08"),  # after Veterans Day
        (dt.datetime(2024, 3, 30, 6, 0, tzinfo=NY), "2024-03-29"),  # Good Friday: EDGAR open
    ],
)
def test_morning_schedule_targets_the_previous_edgar_day(home, tick, day):
    defs = definitions(home)
    schedule = defs.resolve_schedule_def("sec_previous_day")
    context = dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=defs.get_repository_def()
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == day and request.run_key == day
    assert day in edgar_days.get_partition_keys(current_time=tick)
