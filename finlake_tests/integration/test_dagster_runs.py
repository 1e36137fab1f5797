"""Real Dagster runs into a temp home, read back through finlake.connect()."""

from __future__ import annotations

import datetime as dt
import threading

import dagster as dg
import pytest

import finlake
from finlake.calendar import nyse
from finlake.definitions import build_defs
from finlake.defs.catalog.assets import CATALOG_KEY
from finlake.defs.prices.assets import (
    BRONZE_KEY,
    CORPORATE_ACTIONS_KEY,
    PRICES_ADJUSTED_KEY,
    PRICES_DAILY_KEY,
)
from finlake.defs.quality.assets import QUARANTINE_KEY
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.settings import Settings
from finlake.sources.yahoo.provider import YahooProvider
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults

cal = nyse()
SESSIONS = cal.sessions_between(dt.date(2026, 10, 19), dt.date(2026, 10, 30))
AS_OF = after_close(SESSIONS[-1])
PARTITIONED = [BRONZE_KEY, PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY]


@pytest.fixture
def instance(home) -> dg.DagsterInstance:
    return instance_for(Settings.from_env())


def definitions(home, resource_cls=FinlakeResource) -> dg.Definitions:
    return build_defs(resource_cls(home=str(home), source="sample", sample_as_of=AS_OF.isoformat()))


def backfill(defs, instance, sessions, **kwargs):
    return defs.resolve_job_def("prices_daily_job").execute_in_process(
        instance=instance,
        asset_selection=PARTITIONED,
        tags={
            "dagster/asset_partition_range_start": sessions[0].isoformat(),
            "dagster/asset_partition_range_end": sessions[-1].isoformat(),
        },
        **kwargs,
    )


def test_range_backfill_then_daily_run_and_query_back(home, instance):
    defs = definitions(home)
    run = backfill(defs, instance, SESSIONS[:-1])
    assert run.success
    assert {e.check_name: e.passed for e in run.get_asset_check_evaluations()} == {
        "universe_coverage": True,
        "unique_ticker_date": True,
        "bars_are_final": True,
        "nothing_quarantined": True,  # one per gated asset, judging the run
        "splits_confirmed": True,
    }
    # one result per partition of the range (the UI shows un-reported partitions as skipped)
    checks = {"universe_coverage", "unique_ticker_date", "bars_are_final"}
    partitioned = [e for e in run.get_asset_check_evaluations() if e.check_name in checks]
    assert sorted((e.check_name, e.partition) for e in partitioned) == sorted(
        (name, day.isoformat()) for name in checks for day in SESSIONS[:-1]
    )
    assert all(e.target_materialization_data for e in partitioned)
    assert len(run.asset_materializations_for_node("silver__prices_daily")) == 0  # multi-asset node
    whole = defs.resolve_implicit_global_asset_job_def()
    assert whole.execute_in_process(
        instance=instance, asset_selection=[PRICES_ADJUSTED_KEY, CATALOG_KEY]
    ).success
    daily = defs.resolve_job_def("prices_daily_job").execute_in_process(
        instance=instance, partition_key=SESSIONS[-1].isoformat()
    )
    assert daily.success
    assert {(e.check_name, e.partition) for e in daily.get_asset_check_evaluations()} >= {
        (name, SESSIONS[-1].isoformat()) for name in checks
    }
    keys = {d.isoformat() for d in SESSIONS}
    for key in PARTITIONED:
        assert instance.get_materialized_partitions(key) == keys, key
    # metadata on every materialization: rows, schema, preview, timing
    for key in (PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY, PRICES_ADJUSTED_KEY):
        meta = instance.get_latest_materialization_event(key).asset_materialization.metadata
        assert {"dagster/row_count", "dagster/column_schema", "preview", "seconds"} <= set(meta), (
            key
        )
    # every commit of the run's tables names the run
    from finlake.datasets import PRICES_DAILY
    from finlake.lake import Lake

    commits = Lake(home / "lake").history(PRICES_DAILY)
    assert set(commits["run_id"]) <= {r.run_id for r in instance.get_runs()}
    quarantine = instance.get_latest_materialization_event(QUARANTINE_KEY).asset_materialization
    assert quarantine.metadata["dagster/row_count"].value == 0
    catalog = instance.get_latest_materialization_event(CATALOG_KEY).asset_materialization
    assert "prices_daily" in catalog.metadata["views"].value
    # read back through the notebook API
    con = finlake.connect()
    per_day = con.sql("SELECT date, count(*) FROM prices_daily GROUP BY 1 ORDER BY 1").fetchall()
    con.close()
    assert per_day == [(d, 9) for d in SESSIONS]
    adjusted = finlake.prices(["AAPL", "SPY"], SESSIONS[0], SESSIONS[-1], adjusted=True)
    assert adjusted.height == 2 * len(SESSIONS)
    assert set(adjusted.columns) >= {"ticker", "date", "close", "adj_factor"}


class NegativePrices(FinlakeResource):
    """Every close of the run's payloads is negative: the gate must stop the write."""

    def client(self, contract, clock=None):
        if contract.group != "prices":
            return super().client(contract, clock)

        def break_all(name, doc):
            quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
            quote["close"] = [-abs(v) for v in quote["close"]]
            return doc

        return YahooProvider(faults.FaultyTransport(AS_OF, break_all), clock=self.now)


def test_failed_run_keeps_the_last_good_partition_and_stops_downstream(home, instance):
    good = definitions(home)
    day = SESSIONS[-1].isoformat()
    assert (
        good.resolve_job_def("prices_daily_job")
        .execute_in_process(instance=instance, partition_key=day)
        .success
    )
    before = finlake.sql("SELECT * FROM prices_daily ORDER BY ticker, date")
    bad = definitions(home, NegativePrices)
    run = bad.resolve_job_def("prices_daily_job").execute_in_process(
        instance=instance, partition_key=day, raise_on_error=False
    )
    assert not run.success
    failed = [e.step_key for e in run.all_events if e.is_step_failure]
    assert failed == ["silver_prices"]
    started = {e.step_key for e in run.all_events if e.is_step_start}
    assert not started & {"silver__prices_adjusted", "catalog__duckdb"}  # nothing downstream ran
    assert finlake.sql("SELECT * FROM prices_daily ORDER BY ticker, date").equals(before)
    reasons = finlake.sql("SELECT DISTINCT reason FROM quarantine")["reason"].to_list()
    assert any("close: must be > 0" in r for r in reasons)


def test_a_reader_and_a_materialization_never_block_each_other(home, instance):
    defs = definitions(home)
    job = defs.resolve_job_def("prices_daily_job")
    assert job.execute_in_process(instance=instance, partition_key=SESSIONS[-2].isoformat()).success
    reader = finlake.connect()  # a notebook holding the catalog open for the whole run
    stop = threading.Event()
    reads, errors = [], []

    def read_loop():
        while not stop.is_set():
            try:
                reads.append(reader.sql("SELECT count(*) FROM prices_daily").fetchall()[0][0])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        run = job.execute_in_process(instance=instance, partition_key=SESSIONS[-1].isoformat())
    finally:
        stop.set()
        thread.join()
    assert run.success
    assert errors == [] and len(reads) > 0
    fresh = finlake.connect()
    # the first run stored its session and 4 looked-back ones; the second added one more
    assert fresh.sql("SELECT count(DISTINCT date) FROM prices_daily").fetchall() == [(6,)]
    fresh.close()
    reader.close()
