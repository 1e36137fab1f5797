"""Macro and policy assets through real Dagster runs on the sample FRED and Fed worlds."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl
import pytest

import finlake
from finlake.definitions import build_defs
from finlake.defs.macro.assets import FRED_BRONZE_KEY, MACRO_KEY
from finlake.defs.policy.assets import FOMC_MEETINGS_KEY, POLICY_EVENTS_KEY
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.settings import Settings
from finlake.sources.fed.meetings import load_meetings

NOW = dt.datetime(2025, 12, 10, 19, 30, tzinfo=dt.UTC)  # half an hour after an FOMC statement
SERIES = ["GDP", "UNRATE", "DGS10", "DGS2", "T10Y2Y", "ICSA"]


@pytest.fixture
def instance(home) -> dg.DagsterInstance:
    return instance_for(Settings.from_env())


def resource(home, now: dt.datetime = NOW, **kwargs) -> FinlakeResource:
    return FinlakeResource(
        home=str(home), source="sample", sample_as_of=now.isoformat(), macro_series=SERIES, **kwargs
    )


def macro_run(home, instance, now: dt.datetime = NOW):
    job = build_defs(resource(home, now)).resolve_job_def("macro_daily_job")
    return job.execute_in_process(instance=instance)


def test_macro_load_then_an_incremental_day(home, instance):
    first = macro_run(home, instance)
    assert first.success
    checks = {e.check_name: e.passed for e in first.get_asset_check_evaluations()}
    assert checks == {
        "one_value_per_vintage_day": True,
        "series_are_current": True,
        "nothing_quarantined": True,
    }
    meta = instance.get_latest_materialization_event(MACRO_KEY).asset_materialization.metadata
    assert {"dagster/row_count", "dagster/column_schema", "preview", "seconds"} <= set(meta)
    stored = finlake.sql("SELECT count(*) AS n FROM macro_observations")["n"].item()
    assert set(finlake.macro()["series_id"]) == set(SERIES)

    later = macro_run(home, instance, NOW + dt.timedelta(days=2))
    assert later.success
    bronze = instance.get_latest_materialization_event(FRED_BRONZE_KEY).asset_materialization
    assert bronze.metadata["requests"].value < 4 * len(SERIES)  # only the new real-time window
    grown = finlake.sql("SELECT count(*) AS n FROM macro_observations")["n"].item()
    assert grown > stored

    # the later run's revisions do not leak into what was known at the first run
    before = finlake.macro(SERIES, as_of=NOW.date())
    assert before["realtime_start"].max() <= NOW.date()
    assert finlake.macro(SERIES, as_of=NOW.date() + dt.timedelta(days=2)).height >= before.height
    spread = (
        finlake.macro(["DGS10", "DGS2", "T10Y2Y"], start="2024-01-01")
        .pivot(on="series_id", index="date", values="value")
        .drop_nulls()
    )
    assert ((spread["DGS10"] - spread["DGS2"] - spread["T10Y2Y"]).abs() < 1e-9).all()


def test_live_macro_without_a_key_fails_naming_the_variable(home, instance, monkeypatch):
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    live = FinlakeResource(home=str(home), source="live", macro_series=["GDP"])
    run = (
        build_defs(live)
        .resolve_job_def("macro_daily_job")
        .execute_in_process(
            instance=instance, asset_selection=[FRED_BRONZE_KEY], raise_on_error=False
        )
    )
    assert not run.success
    failure = next(e for e in run.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "FRED_API_KEY" in failure.step_failure_data.error.message


def test_policy_job_parses_decisions_and_the_calendar(home, instance):
    run = (
        build_defs(resource(home))
        .resolve_job_def("policy_job")
        .execute_in_process(instance=instance)
    )
    assert run.success
    checks = {e.check_name: e.passed for e in run.get_asset_check_evaluations()}
    assert checks == {
        "statements_have_decisions": True,
        "statements_match_meetings": True,
        "decisions_match_history": True,
        "statements_cover_meetings": True,
        "nothing_quarantined": True,
    }
    for key in (POLICY_EVENTS_KEY, FOMC_MEETINGS_KEY):
        assert instance.get_latest_materialization_event(key) is not None
    statements = finlake.policy_events(statements_only=True)
    december = statements.filter(pl.col("meeting_date") == dt.date(2025, 12, 10)).row(0, named=True)
    assert (december["action"], december["change_bps"]) == ("cut", -25)
    assert (december["target_low"], december["target_high"]) == (3.5, 3.75)
    assert set(statements["action"]) <= {"hike", "cut", "hold"}
    # every statement since 2008 fetched by its address, though the feeds list only the latest
    past = [
        m.end
        for m in load_meetings()
        if m.statement_at and m.statement_at <= NOW and m.end.year >= 2008
    ]
    assert sorted(statements["meeting_date"]) == past and len(past) == 147
    assert statements["change_bps"].null_count() == 0
    hikes = statements.filter(pl.col("meeting_date").dt.year() == 2022, pl.col("change_bps") > 0)
    assert hikes.sort("meeting_date")["change_bps"].to_list() == [25, 50, 75, 75, 75, 75, 50]
    assert set(hikes["change_source"]) == {"derived"}  # 2022's statements give only the range
    floor = statements.filter(pl.col("meeting_date") == dt.date(2008, 12, 16)).row(0, named=True)
    assert (floor["action"], floor["change_bps"], floor["target_high"]) == ("cut", -75, 0.25)
    unscheduled = statements.filter(pl.col("meeting_date") == dt.date(2020, 3, 15)).row(
        0, named=True
    )
    assert unscheduled["published_at"] == dt.datetime(2020, 3, 15, 21, tzinfo=dt.UTC)  # 17:00 EDT
    assert unscheduled["change_bps"] == -100 and unscheduled["feeds"] == []
    everything = finlake.policy_events()
    assert everything.height > statements.height and everything["event_id"].is_unique().all()
    meetings = finlake.sql("SELECT * FROM fomc_meetings WHERE year = 2025")
    assert meetings.height == 8 and not meetings["unscheduled"].any()
    again = (
        build_defs(resource(home))
        .resolve_job_def("policy_job")
        .execute_in_process(instance=instance)
    )
    assert again.success and finlake.policy_events().equals(everything)
    bronze = instance.get_latest_materialization_event(dg.AssetKey(["bronze", "fed_payloads"]))
    assert bronze.asset_materialization.metadata["statements_fetched"].value == "none"


def test_sensor_starts_the_policy_job_when_a_statement_appears(home, instance):
    before = NOW.replace(hour=18, minute=50)  # the statement comes out at 19:00 UTC
    defs = build_defs(resource(home, before))
    sensor = defs.resolve_sensor_def("fed_monetary_feed")
    assert sensor.minimum_interval_seconds >= 300

    def tick(now: dt.datetime, cursor: str | None):
        context = dg.build_sensor_context(
            instance=instance, resources={"finlake": resource(home, now)}, cursor=cursor
        )
        return sensor.evaluate_tick(context)

    first = tick(before, None)
    assert first.run_requests == [] and first.cursor
    quiet = tick(before + dt.timedelta(minutes=5), first.cursor)
    assert quiet.run_requests == []
    after = tick(NOW.replace(minute=5), quiet.cursor)
    [request] = after.run_requests
    assert "monetary20251210" in request.run_key  # the statement (and its projections)
    assert tick(NOW.replace(minute=10), after.cursor).run_requests == []


def test_schedules_run_daily_and_weekly(home):
    defs = build_defs(resource(home))
    macro = defs.resolve_schedule_def("macro_daily")
    policy = defs.resolve_schedule_def("policy_weekly")
    assert (macro.cron_schedule, macro.execution_timezone) == ("0 9 * * *", "UTC")
    assert (policy.cron_schedule, policy.execution_timezone) == ("0 9 * * 1", "UTC")
