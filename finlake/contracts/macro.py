"""Macro: FRED/ALFRED vintages -> bronze -> macro_observations (every vintage kept)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.contracts.base import (
    Built,
    Cadence,
    Fetched,
    Retry,
    SourceContract,
    SourceRun,
    Table,
    Transport,
)
from finlake.datasets import MACRO_OBSERVATIONS
from finlake.parse_kinds.macro import parse_fred_observations
from finlake.pipelines.macro import build_macro_silver, fetch_macro
from finlake.settings import Settings
from finlake.sources.fred.client import FRED_ROOT, REQUESTS_PER_SECOND, LiveFredTransport


def live_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveFredTransport:
    return LiveFredTransport(home / ".locks" / "fred-rate")  # FRED_API_KEY from the environment


def sample_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveFredTransport:
    from finlake_sample.fred import SampleFred
    from finlake_sample.transport import SAMPLE_KEY, SAMPLE_RATE, fred_world

    return LiveFredTransport(
        home / ".locks" / "sample" / "fred-rate",
        key=SAMPLE_KEY,
        transport=fred_world(SampleFred(clock), FRED_ROOT),
        requests_per_second=SAMPLE_RATE,
    )


def fetch(run: SourceRun) -> Fetched:
    series = run.macro_series
    report = fetch_macro(run.transport(), run.lake, series, clock=run.now(), run_id=run.run_id)
    fetched = pl.DataFrame(
        {
            "series_id": list(report.new_vintages),
            "new_vintages": list(report.new_vintages.values()),
        },
        schema={"series_id": pl.String, "new_vintages": pl.Int64},
    )
    failed = pl.DataFrame(report.failures, schema={"series_id": pl.String, "error": pl.String})
    return Fetched(
        report.requests,
        {
            "series": len(series),
            "requests": report.requests,
            "fetched": Table(fetched, 30),
            "unchanged": ", ".join(report.unchanged) or "-",
            "failed_series": Table(failed, 30),
        },
        warnings=[f"FRED series {f['series_id']}: {f['error']}" for f in report.failures],
    )


def build(run: SourceRun) -> Built:
    report = build_macro_silver(run.lake, run_id=run.run_id, rebuild=run.rebuild)
    rows = run.lake.scan(MACRO_OBSERVATIONS).filter(pl.col("series_id").is_in(report.changed))
    changed = rows.collect()
    summary = (
        changed.group_by("series_id", "title", "frequency")
        .agg(
            pl.len().alias("rows"),
            pl.col("date").max().alias("last_date"),
            pl.col("realtime_start").max().alias("last_vintage"),
        )
        .sort("series_id")
    )
    return Built(
        frames={MACRO_OBSERVATIONS.name: changed.sort("realtime_start", descending=True)},
        rejected=report.rejected,
        metadata={
            MACRO_OBSERVATIONS.name: {
                "bronze_batches": report.batches,
                "series_changed": Table(summary, 30),
            }
        },
        failed=(
            f"series kept at their last good state (see quarantine): {', '.join(report.failed)}"
            if report.failed
            else None
        ),
    )


MACRO = SourceContract(
    group="macro",
    provider="fred",
    owner="team:macro",
    transport=Transport(live_client, sample_client, REQUESTS_PER_SECOND),
    bronze="fred_payloads",
    bronze_description=(
        "FRED/ALFRED answers as received: per series its vintage dates, its description and its "
        "observations since the last stored vintage, in real-time windows of at most 2,000 "
        "vintage dates."
    ),
    silver=(MACRO_OBSERVATIONS,),
    fetch=fetch,
    build=build,
    build_config=True,
    pool="fred",
    retry=Retry(max_retries=2, delay_s=60),
    job="macro_daily_job",
    job_description="Fetch the vintages FRED published since the last run, fold them into "
    "macro_observations and refresh the catalog.",
    cadences=(
        Cadence(
            name="macro_daily",
            cron="0 9 * * *",
            timezone="UTC",
            description="09:00 UTC: yesterday's releases (US data comes out 08:30-10:00 ET) "
            "and the daily series' previous-day values are in.",
        ),
    ),
    parse_kinds={"fred-observations": parse_fred_observations},
)
