"""Monetary policy: the Fed's feeds and policy_events come from the source's contract
(finlake.contracts.policy); the FOMC calendar -> fomc_meetings here."""

import time

import dagster as dg
import polars as pl

from finlake.contracts.policy import POLICY
from finlake.datasets import FOMC_MEETINGS, POLICY_EVENTS
from finlake.defs.code_references import referenced
from finlake.defs.metadata import frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import bronze_key, silver_keys
from finlake.pipelines.policy import meetings_table
from finlake.sources.fed.meetings import load_meetings

GROUP = POLICY.group
FED_BRONZE_KEY = bronze_key(POLICY)
POLICY_EVENTS_KEY = silver_keys(POLICY)[POLICY_EVENTS.name]
FOMC_MEETINGS_KEY = dg.AssetKey(["silver", FOMC_MEETINGS.name])


@referenced
@dg.asset(
    key=FOMC_MEETINGS_KEY,
    **owned(GROUP),
    kinds={"parquet", "polars"},
    description=FOMC_MEETINGS.description
    + " From finlake/sources/fed/fomc_meetings.toml, kept from the Fed's calendar pages.",
)
def fomc_meetings(finlake: FinlakeResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    rows = meetings_table(load_meetings())
    finlake.lake().write_table(FOMC_MEETINGS, rows)
    per_year = rows.group_by("year").agg(
        (~pl.col("unscheduled") & ~pl.col("cancelled")).sum().alias("scheduled"),
        pl.col("unscheduled").sum(),
        pl.col("cancelled").sum(),
    )
    return dg.MaterializeResult(
        metadata=frame_metadata(
            rows.sort("start_date", descending=True),
            FOMC_MEETINGS,
            time.perf_counter() - started,
            finlake.lake(),
            per_year=dg.MetadataValue.md(markdown_preview(per_year.sort("year"), 40)),
        )
    )
