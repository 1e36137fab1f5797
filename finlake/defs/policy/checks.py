"""Checks on policy_events: every FOMC statement has its decision and belongs to a meeting."""

import dagster as dg
import polars as pl

from finlake.datasets import FOMC_MEETINGS, POLICY_EVENTS
from finlake.defs.metadata import markdown_preview
from finlake.defs.policy.assets import POLICY_EVENTS_KEY
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource


def _statements(finlake: FinlakeResource) -> pl.DataFrame:
    lake = finlake.lake()
    if not lake.has_data(POLICY_EVENTS):
        return POLICY_EVENTS.empty()
    return lake.scan(POLICY_EVENTS).filter(pl.col("is_fomc_statement")).collect()


@dg.asset_check(
    asset=POLICY_EVENTS_KEY,
    description="Every stored FOMC statement has its decision (action, target range) parsed.",
)
def statements_have_decisions(finlake: FinlakeResource) -> dg.AssetCheckResult:
    statements = _statements(finlake)
    missing = statements.filter(pl.col("action").is_null() | pl.col("target_high").is_null())
    return dg.AssetCheckResult(
        passed=missing.is_empty(),
        metadata={
            "statements": dg.MetadataValue.int(statements.height),
            "without_decision": dg.MetadataValue.md(
                markdown_preview(missing.select("published_at", "title", "url"), 20)
            ),
        },
    )


@dg.asset_check(
    asset=POLICY_EVENTS_KEY,
    additional_deps=[dg.AssetKey(["silver", FOMC_MEETINGS.name])],
    description="Each FOMC statement falls on the last day of a meeting in fomc_meetings "
    "(a statement on another day is an unscheduled action the calendar lacks).",
)
def statements_match_meetings(finlake: FinlakeResource) -> dg.AssetCheckResult:
    lake = finlake.lake()
    statements = _statements(finlake)
    if not lake.has_data(FOMC_MEETINGS):
        meetings = FOMC_MEETINGS.empty()
    else:
        meetings = lake.scan(FOMC_MEETINGS).filter(~pl.col("cancelled")).collect()
    off = statements.join(
        meetings.select(pl.col("end_date").alias("meeting_date")), on="meeting_date", how="anti"
    )
    return dg.AssetCheckResult(
        passed=off.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "statements": dg.MetadataValue.int(statements.height),
            "off_calendar": dg.MetadataValue.md(
                markdown_preview(off.select("meeting_date", "title", "url"), 20)
            ),
        },
    )


policy_quarantined = nothing_quarantined(POLICY_EVENTS_KEY, POLICY_EVENTS.name)
