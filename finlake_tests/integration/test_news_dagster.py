"""News assets through real Dagster runs: an hourly backfill, the current hour, checks, the
schedule, retention and the query helpers."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

import finlake
from finlake.calendar import HOUR_FORMAT
from finlake.definitions import build_defs
from finlake.defs.news.assets import NEWS_ARTICLES_KEY, NEWS_BRONZE_KEY, NEWS_SENTIMENT_KEY
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.settings import Settings

NOW = dt.datetime(2026, 11, 18, 15, 20, tzinfo=dt.UTC)  # a Wednesday, 10:20 ET
HOURS = [NOW.replace(minute=0) - dt.timedelta(hours=h) for h in range(6, 0, -1)]


@pytest.fixture
def instance(home) -> dg.DagsterInstance:
    return instance_for(Settings.from_env())


def resource(home, now: dt.datetime = NOW, **kwargs) -> FinlakeResource:
    return FinlakeResource(home=str(home), source="sample", sample_as_of=now.isoformat(), **kwargs)


def key(hour: dt.datetime) -> str:
    return hour.strftime(HOUR_FORMAT)


def backfill(defs: dg.Definitions, instance, first: dt.datetime, last: dt.datetime):
    return defs.resolve_job_def("news_hourly_job").execute_in_process(
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": key(first),
            "dagster/asset_partition_range_end": key(last),
        },
    )


def test_hourly_backfill_then_the_current_hour(home, instance):
    defs = build_defs(resource(home))
    run = backfill(defs, instance, HOURS[0], HOURS[-1])
    assert run.success
    checks = {e.check_name: e for e in run.get_asset_check_evaluations()}
    assert checks["one_row_per_story"].passed
    assert checks["dated_by_their_feed"].severity == dg.AssetCheckSeverity.WARN
    current = NOW.replace(minute=0)
    now_run = defs.resolve_job_def("news_hourly_job").execute_in_process(
        instance=instance, partition_key=key(current)
    )
    assert now_run.success
    expected = {key(h) for h in [*HOURS, current]}
    for asset in (NEWS_BRONZE_KEY, NEWS_ARTICLES_KEY):
        assert instance.get_materialized_partitions(asset) == expected
    meta = instance.get_latest_materialization_event(NEWS_ARTICLES_KEY).asset_materialization
    assert {"dagster/row_count", "dagster/column_schema", "preview", "seconds"} <= set(
        meta.metadata
    )
    bronze = instance.get_latest_materialization_event(NEWS_BRONZE_KEY).asset_materialization
    assert bronze.metadata["not_modified_304"].value > 0  # the current hour re-polled cheaply
    assert instance.get_latest_materialization_event(NEWS_SENTIMENT_KEY) is not None

    articles = finlake.news()
    assert articles.height > 100 and articles["article_id"].is_unique().all()
    assert (articles["fetched_at"] <= NOW).all() and (articles["published_at"] <= NOW).all()
    apple = finlake.news("AAPL")
    assert apple.height > 0 and all("AAPL" in t for t in apple["tickers"])
    bad = finlake.news(max_sentiment=-0.05)
    assert bad.height > 0 and set(bad["sentiment_label"]) == {"negative"}
    assert finlake.news(label="negative").height == bad.height
    macro = finlake.news(category="macro")
    assert macro.height > 0
    assert set(macro["feed"]) <= {"fed_press_all", "fed_press_monetary", "bls_latest"}
    window = finlake.news(start=HOURS[2], end=HOURS[4])
    assert window["published_at"].is_between(HOURS[2], HOURS[4], closed="left").all()
    daily = finlake.news_sentiment(["AAPL", "MSFT"])
    assert set(daily["ticker"]) <= {"AAPL", "MSFT"} and daily.height > 0
    assert daily["article_count"].sum() == (
        finlake.news(["AAPL"]).height + finlake.news(["MSFT"]).height
    )


def test_a_live_poll_of_a_past_hour_is_refused_without_a_request(home, instance):
    live = FinlakeResource(home=str(home), source="live")
    defs = build_defs(live)
    run = defs.resolve_job_def("news_hourly_job").execute_in_process(
        instance=instance,
        partition_key="2024-03-01-10:00",
        asset_selection=[NEWS_BRONZE_KEY],
        raise_on_error=False,
    )
    assert not run.success
    failure = next(e for e in run.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "cannot be polled again" in failure.step_failure_data.error.message
    assert not (home / "lake" / "bronze" / "news").exists()


def test_schedule_polls_the_hour_it_runs_in(home):
    defs = build_defs(resource(home))
    schedule = defs.resolve_schedule_def("news_hourly")
    assert schedule.cron_schedule == "5 * * * *" and schedule.execution_timezone == "UTC"
    tick = dt.datetime(2026, 11, 18, 15, 5, tzinfo=dt.UTC)
    context = dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=defs.get_repository_def()
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2026-11-18-15:00" == request.run_key


def test_retention_job_dry_run_then_apply(home, instance):
    defs = build_defs(resource(home))
    assert backfill(defs, instance, HOURS[0], HOURS[1]).success
    stored = finlake.news().height
    later = build_defs(
        resource(home, NOW + dt.timedelta(days=30), retention_days={"news_articles": 25})
    )
    job = later.resolve_job_def("retention_job")
    dry = job.execute_in_process(instance=instance)
    observed = [e for e in dry.all_events if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION]
    plan = observed[0].asset_observation_data.asset_observation.metadata
    assert plan["dry_run"].value is True and plan["rows_removed"].value > 0
    assert finlake.news().height == stored
    applied = job.execute_in_process(
        instance=instance, run_config={"ops": {"cleanup": {"config": {"dry_run": False}}}}
    )
    assert applied.success
    cutoff = NOW + dt.timedelta(days=5)
    remaining = finlake.news()
    assert remaining.height == stored - plan["rows_removed"].value
    assert (remaining["published_at"] >= cutoff).all()
