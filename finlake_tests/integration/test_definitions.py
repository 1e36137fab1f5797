import datetime as dt

import dagster as dg
import exchange_calendars as xcals
import pytest
from dagster._core.definitions.partitions.context import partition_loading_context

from finlake.calendar import NY, edgar
from finlake.definitions import defs
from finlake.defs.partitions import edgar_days, news_hours, nyse_sessions


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def test_definitions_load(definitions):
    dg.Definitions.validate_loadable(definitions)
    keys = {k.to_user_string() for k in definitions.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "bronze/price_payloads",
        "silver/prices_daily",
        "silver/corporate_actions",
        "silver/prices_adjusted",
        "quality/quarantine",
        "catalog/duckdb",
        "silver/sec_companies",
        "bronze/sec_payloads",
        "silver/sec_filings",
        "silver/insider_transactions",
        "silver/insider_holdings",
        "silver/fundamentals",
        "silver/filing_text",
        "bronze/news_payloads",
        "silver/news_articles",
        "gold/news_sentiment_daily",
        "bronze/fred_payloads",
        "silver/macro_observations",
        "bronze/fed_payloads",
        "silver/policy_events",
        "silver/fomc_meetings",
    } <= keys
    assert definitions.resolve_job_def("news_hourly_job").partitions_def == news_hours
    assert definitions.resolve_schedule_def("news_hourly").cron_schedule == "5 * * * *"
    assert definitions.resolve_schedule_def("retention_daily").job_name == "retention_job"
    maintenance = definitions.resolve_schedule_def("lake_maintenance_daily")
    assert (maintenance.job_name, maintenance.cron_schedule) == ("lake_maintenance", "0 4 * * *")
    assert definitions.resolve_job_def("sec_daily_job").partitions_def == edgar_days
    assert definitions.resolve_sensor_def("edgar_current_filings").minimum_interval_seconds >= 60
    assert definitions.resolve_job_def("prices_daily_job").partitions_def == nyse_sessions
    checks = {k.name for k in definitions.resolve_asset_graph().asset_check_keys}
    assert {"universe_coverage", "unique_ticker_date", "bars_are_final"} <= checks
    assert {"one_row_per_story", "dated_by_their_feed"} <= checks
    assert {"one_value_per_vintage_day", "series_are_current"} <= checks
    assert {
        "statements_have_decisions",
        "statements_match_meetings",
        "decisions_match_history",
        "statements_cover_meetings",
    } <= checks
    assert definitions.resolve_sensor_def("fed_monetary_feed").minimum_interval_seconds >= 300
    assert definitions.resolve_schedule_def("macro_daily").cron_schedule == "0 9 * * *"


def test_partitions_are_exactly_the_xnys_sessions_2000_2027():
    keys = nyse_sessions.get_partition_keys(current_time=dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
    reference = xcals.get_calendar("XNYS", start="2000-01-01", end="2027-12-31")
    assert [k for k in keys if k <= "2027-12-31"] == [
        ts.date().isoformat() for ts in reference.sessions
    ]


def test_edgar_partitions_are_exactly_edgar_business_days():
    keys = edgar_days.get_partition_keys(current_time=dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
    expected = edgar().business_days_between(dt.date(2000, 1, 3), dt.date(2027, 12, 31))
    assert [k for k in keys if k <= "2027-12-31"] == [d.isoformat() for d in expected]
    assert "2024-10-14" not in keys and "2024-03-29" in keys  # Columbus Day / Good Friday


def test_an_edgar_day_partition_exists_from_midnight_et():
    with partition_loading_context(effective_dt=dt.datetime(2026, 11, 20, 0, 1, tzinfo=NY)):
        assert edgar_days.get_last_partition_key() == "2026-11-20"
    with partition_loading_context(effective_dt=dt.datetime(2026, 11, 19, 23, 59, tzinfo=NY)):
        assert edgar_days.get_last_partition_key() == "2026-11-19"


@pytest.mark.parametrize(
    "now,last",
    [
        (dt.datetime(2026, 11, 20, 17, 59, tzinfo=NY), "2026-11-19"),
        (dt.datetime(2026, 11, 20, 18, 0, tzinfo=NY), "2026-11-20"),  # exists at 18:00 ET that day
        (dt.datetime(2026, 11, 22, 12, 0, tzinfo=NY), "2026-11-20"),  # the weekend adds nothing
        (dt.datetime(2026, 11, 23, 18, 0, tzinfo=NY), "2026-11-23"),
        (dt.datetime(2026, 7, 14, 18, 0, tzinfo=NY), "2026-07-14"),  # summer time
    ],
)
def test_the_partition_of_a_session_exists_from_18_et(now, last):
    with partition_loading_context(effective_dt=now):
        assert nyse_sessions.get_last_partition_key() == last


@pytest.mark.parametrize(
    "when,expected",
    [
        (dt.datetime(2026, 11, 19, 18, 0, tzinfo=NY), "2026-11-19"),  # Thursday
        (dt.datetime(2026, 11, 27, 18, 0, tzinfo=NY), "2026-11-27"),  # early close day
        (dt.datetime(2026, 11, 26, 18, 0, tzinfo=NY), None),  # Thanksgiving
        (dt.datetime(2025, 1, 9, 18, 0, tzinfo=NY), None),  # one-off closure
    ],
)
def test_schedule_targets_the_session_that_closed_that_day(definitions, when, expected):
    schedule = definitions.resolve_schedule_def("prices_after_close")
    assert schedule.cron_schedule == "0 18 * * 1-5"
    assert schedule.execution_timezone == "America/New_York"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    repo = definitions.get_repository_def()
    with dg.build_schedule_context(scheduled_execution_time=when, repository_def=repo) as context:
        result = schedule.evaluate_tick(context)
    if expected is None:
        assert not result.run_requests and "not an NYSE session" in result.skip_message
    else:
        assert [r.partition_key for r in result.run_requests] == [expected]


def test_partitioned_assets_backfill_in_a_single_run(definitions):
    graph = definitions.resolve_asset_graph()
    for key in ("bronze/price_payloads", "silver/prices_daily", "silver/corporate_actions"):
        node = graph.get(dg.AssetKey.from_user_string(key))
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), key


def test_news_hour_partitions_include_the_current_hour():
    with partition_loading_context(effective_dt=dt.datetime(2026, 11, 20, 14, 1, tzinfo=dt.UTC)):
        assert news_hours.get_last_partition_key() == "2026-11-20-14:00"
    assert news_hours.get_first_partition_key() == "2024-01-01-00:00"


def test_owners_tags_and_freshness_policies(definitions):
    graph = definitions.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners and node.owners[0].startswith("team:"), key
        assert node.tags.get("domain") == node.group_name, key
    prices = graph.get(dg.AssetKey(["silver", "prices_daily"])).freshness_policy
    assert (prices.deadline_cron, prices.timezone) == ("30 18 * * 1-5", "America/New_York")
    sec = graph.get(dg.AssetKey(["silver", "sec_filings"])).freshness_policy
    assert (sec.deadline_cron, sec.timezone) == ("0 7 * * *", "America/New_York")


def test_loading_the_definitions_shows_no_beta_or_preview_warning():
    """No blanket filter hides them: only the known single-run backfill parameter is muted
    (finlake/defs/__init__.py), and the code references' Beta warnings around that one call."""
    import subprocess
    import sys

    script = "from finlake.definitions import build_defs; build_defs().get_repository_def()"
    out = subprocess.run(
        [sys.executable, "-W", "always", "-c", script], capture_output=True, text=True, check=True
    )
    assert "BetaWarning" not in out.stderr and "PreviewWarning" not in out.stderr, out.stderr


def test_the_home_and_source_come_from_the_environment_as_env_vars(tmp_path, monkeypatch):
    from finlake.defs.resources import FinlakeResource

    monkeypatch.setenv("FINLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FINLAKE_SOURCE", "sample")
    resource = FinlakeResource.from_env()
    assert isinstance(resource.home, dg.EnvVar) and resource.home.env_var_name == "FINLAKE_HOME"
    assert isinstance(resource.source, dg.EnvVar)
    assert resource.process_config_and_initialize().settings().home == tmp_path / "home"
    monkeypatch.setenv("FINLAKE_SOURCE", " Sample ")  # normalized, so passed as its value
    assert FinlakeResource.from_env().source == "sample"
