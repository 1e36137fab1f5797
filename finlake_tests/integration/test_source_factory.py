"""A source added as one contract: the factory gives it assets, a job, a schedule and metadata.

The toy source below is a second daily-bar provider whose sample world is an httpx transport
behind finlake's real HTTP client (retries, rate limit, error classification). Its steps keep
their rows in memory: what is under test is the Dagster glue every real source goes through.
"""

from __future__ import annotations

import datetime as dt
import time

import dagster as dg
import httpx
import polars as pl
import pytest

from finlake.contracts import SOURCES
from finlake.contracts.base import (
    Built,
    Cadence,
    Fetched,
    Retry,
    SourceContract,
    SourceRun,
    StepFailed,
    Table,
    Transport,
)
from finlake.datasets import DATASETS, PRICES_DAILY
from finlake.defs.catalog.assets import CATALOG_KEY
from finlake.defs.quality.assets import QUARANTINE_KEY
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import (
    bronze_asset,
    bronze_key,
    schedule,
    silver_assets,
    silver_keys,
    source_job,
)
from finlake.sources.base import RetryableSourceError, SourceError
from finlake.sources.http import CrossProcessRateLimiter, HttpGetter

DAY = "2026-10-30"
CSV = b"Date,Open,High,Low,Close,Volume\n2026-10-30,10,11,9,10.5,1000\n2026-10-30,10,11,9,-1,5\n"


def world(request: httpx.Request) -> httpx.Response:
    if request.url.params.get("s") == "down":
        return httpx.Response(503)
    return httpx.Response(200, content=CSV)


def _client(home, settings, clock):
    def classify(response: httpx.Response) -> SourceError | None:
        if response.status_code >= 500:
            return RetryableSourceError(f"HTTP {response.status_code} from {response.url.host}")
        return None

    limiter = CrossProcessRateLimiter(home / ".locks" / "toy-rate", 1000.0)
    return HttpGetter(
        {},
        limiter,
        classify=classify,
        attempts=2,
        backoff_s=0.01,
        transport=httpx.MockTransport(world),
    )


STORED: dict[str, pl.DataFrame] = {}


def fetch(run: SourceRun) -> Fetched:
    ticker = "down" if run.settings.tickers[0] == "DOWN" else "spy.us"
    exchange = run.transport().get("https://toy.example/q/d/l/", {}, {"s": ticker})
    STORED["bronze"] = pl.DataFrame({"body": [exchange.body]})
    return Fetched(1, {"bytes": len(exchange.body), "window": f"{run.partitions[0]}"})


def build(run: SourceRun) -> Built:
    if run.settings.tickers[0] == "STOP":
        raise StepFailed("toy: nothing a retry can fix")
    rows = pl.read_csv(STORED["bronze"]["body"][0]).with_columns(pl.lit("SPY").alias("ticker"))
    good, bad = rows.filter(pl.col("Close") > 0), rows.filter(pl.col("Close") <= 0)
    rejected = pl.DataFrame(
        {
            "dataset": ["toy_prices"] * bad.height,
            "partition": [DAY] * bad.height,
            "row": [str(r) for r in bad.rows()],
            "reason": ["close <= 0"] * bad.height,
        }
    )
    return Built(
        frames={PRICES_DAILY.name: good},
        rejected=rejected,
        metadata={PRICES_DAILY.name: {"rows_kept": good.height, "kept": Table(good, 5)}},
        revised={PRICES_DAILY.name: ["2026-10-29"]},
    )


TOY = SourceContract(
    group="prices",  # an owner and a group the UI knows; keys below are its own
    provider="toy",
    owner="team:market-data",
    transport=Transport(_client, _client, 1000.0),
    bronze="toy_payloads",
    bronze_description="Toy provider CSV as received.",
    silver=(PRICES_DAILY,),
    silver_layer="toy",
    fetch=fetch,
    build=build,
    partitions="nyse_sessions",
    pool="toy",
    retry=Retry(max_retries=1, delay_s=0),
    job="toy_job",
    job_description="The toy source.",
    cadences=(
        Cadence(
            "toy_after_close",
            "0 18 * * 1-5",
            "America/New_York",
            "toy",
            partition=lambda moment: None if moment.day == 1 else f"{moment:%Y-%m-%d}",
        ),
    ),
)


def _defs(home, tickers):
    resource = FinlakeResource(
        home=str(home), universe=tickers, sample_as_of=f"{DAY}T22:00:00+00:00"
    )
    return dg.Definitions(
        assets=[bronze_asset(TOY), silver_assets(TOY)],
        jobs=[
            dg.define_asset_job(
                "toy_only",
                selection=dg.AssetSelection.assets(bronze_key(TOY), *silver_keys(TOY).values()),
            )
        ],
        resources={"finlake": resource},
    )


def _run(home, tickers):
    with dg.instance_for_test() as instance:
        result = (
            _defs(home, tickers)
            .resolve_job_def("toy_only")
            .execute_in_process(instance=instance, partition_key=DAY, raise_on_error=False)
        )
        events = list(result.all_events)
    return result, events


def test_a_contract_becomes_assets_with_metadata_quarantine_and_revisions(home):
    result, events = _run(home, ["SPY"])
    assert result.success
    mats = {
        (tuple(e.asset_key.path), e.partition): e.metadata
        for e in (
            ev.event_specific_data.materialization for ev in events if ev.is_step_materialization
        )
    }
    fetched = mats[(("bronze", "toy_payloads"), DAY)]
    assert fetched["dagster/row_count"].value == 1 and fetched["provider"].value == "toy"
    assert fetched["bytes"].value == len(CSV) and fetched["source_mode"].value == "sample"
    assert "seconds" in fetched
    silver = mats[(("toy", "prices_daily"), DAY)]
    assert silver["dagster/row_count"].value == 1 and silver["rows_kept"].value == 1
    assert {"dagster/column_schema", "preview", "seconds", "kept"} <= set(silver)
    assert (("toy", "prices_daily"), "2026-10-29") in mats  # the revision outside the run
    quarantine = [
        ev.event_specific_data.materialization
        for ev in events
        if ev.event_type_value == "ASSET_MATERIALIZATION"
        and ev.event_specific_data.materialization.asset_key == QUARANTINE_KEY
    ]
    assert [q.metadata["dagster/row_count"].value for q in quarantine] == [1]
    assert quarantine[0].metadata["gate"].value == "prices_daily"


def test_transient_errors_are_retried_and_step_failures_are_not(home):
    started = time.perf_counter()
    result, events = _run(home, ["DOWN"])  # the world answers 503: retried by client and Dagster
    assert not result.success
    retries = [e for e in events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == 1
    failure = next(e for e in events if e.event_type_value == "STEP_FAILURE")
    assert "HTTP 503 from toy.example" in failure.event_specific_data.error.to_string()

    result, events = _run(home, ["STOP"])
    assert not result.success
    assert not [e for e in events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    failure = next(e for e in events if e.event_type_value == "STEP_FAILURE")
    assert "nothing a retry can fix" in failure.event_specific_data.error.to_string()
    assert time.perf_counter() - started < 60


def test_the_schedule_and_job_follow_the_contract():
    job = source_job(TOY)
    tick = schedule(TOY.cadences[0], job)
    assert tick.name == "toy_after_close" and tick.cron_schedule == "0 18 * * 1-5"
    on = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 10, 30, 18))
    request = tick(on)
    assert request.partition_key == DAY and request.run_key == DAY
    off = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 12, 1, 18))
    assert isinstance(tick(off), dg.SkipReason)


def test_every_real_source_is_a_contract_the_catalog_depends_on():
    from finlake.definitions import build_defs

    graph = build_defs(FinlakeResource(home="/nonexistent-home")).resolve_asset_graph()
    catalog_parents = graph.get(CATALOG_KEY).parent_keys
    for contract in SOURCES:
        assert bronze_key(contract) in graph.get_all_asset_keys()
        for key in silver_keys(contract).values():
            assert key in catalog_parents and graph.get(key).is_materializable
    assert catalog_parents == {dg.AssetKey([ds.layer, ds.name]) for ds in DATASETS.values()}
    assert all(graph.get(key).is_materializable or key == QUARANTINE_KEY for key in catalog_parents)


# the asset keys, jobs and step names users and other datasets knew before the contracts
KNOWN = {
    "prices": ("price_payloads", "silver", "prices_daily_job", "yahoo", "silver_prices"),
    "sec": ("sec_payloads", "silver", "sec_daily_job", "sec", "silver_sec"),
    "news": ("news_payloads", "silver", "news_hourly_job", "news", "silver__news_articles"),
    "macro": ("fred_payloads", "silver", "macro_daily_job", "fred", "silver__macro_observations"),
    "policy": ("fed_payloads", "silver", "policy_job", "news", "silver__policy_events"),
}


@pytest.mark.parametrize("contract", SOURCES, ids=lambda c: c.group)
def test_each_source_keeps_its_asset_keys_job_pool_and_step(contract):
    bronze, layer, job, pool, step = KNOWN[contract.group]
    assert (contract.bronze, contract.silver_layer, contract.job, contract.pool) == (
        bronze,
        layer,
        job,
        pool,
    )
    assert silver_assets(contract).op.name == step
    assert bronze_asset(contract).op.name == f"bronze__{bronze}"
    assert all(ds.name in DATASETS for ds in contract.silver)
