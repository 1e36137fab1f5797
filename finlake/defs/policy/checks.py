"""Checks on policy_events: every FOMC statement has its decision, belongs to a meeting, agrees
with the shipped record of decisions, and every past meeting has its statement."""

import dagster as dg
import polars as pl

from finlake.datasets import FOMC_MEETINGS, POLICY_EVENTS
from finlake.defs.metadata import markdown_preview
from finlake.defs.policy.assets import POLICY_EVENTS_KEY
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.policy import STATEMENTS_FROM
from finlake.sources.fed.decisions import load_decisions
from finlake.sources.fed.meetings import load_meetings


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


@dg.asset_check(
    asset=POLICY_EVENTS_KEY,
    description="Each stored decision equals the shipped record (fomc_decisions.csv) on its "
    "day: a page that disagrees is misread, or the record is wrong.",
)
def decisions_match_history(finlake: FinlakeResource) -> dg.AssetCheckResult:
    record = pl.DataFrame(
        [(d.day, d.target_low, d.target_high) for d in load_decisions()],
        schema={"meeting_date": pl.Date, "record_low": pl.Float64, "record_high": pl.Float64},
        orient="row",
    )
    compared = _statements(finlake).join(record, on="meeting_date")
    differ = compared.filter(
        (pl.col("target_low") != pl.col("record_low"))
        | (pl.col("target_high") != pl.col("record_high"))
        | pl.col("target_high").is_null()
    )
    return dg.AssetCheckResult(
        passed=differ.is_empty(),
        metadata={
            "compared": dg.MetadataValue.int(compared.height),
            "record_ends": dg.MetadataValue.text(str(record["meeting_date"].max())),
            "differ": dg.MetadataValue.md(
                markdown_preview(
                    differ.select(
                        "meeting_date", "target_low", "target_high", "record_low", "record_high"
                    ),
                    20,
                )
            ),
        },
    )


@dg.asset_check(
    asset=POLICY_EVENTS_KEY,
    description="Every meeting since 2008 whose statement is out has its statement stored (a "
    "missing one is fetched by its address on the next run).",
)
def statements_cover_meetings(finlake: FinlakeResource) -> dg.AssetCheckResult:
    now = finlake.now()
    past = [
        m.end
        for m in load_meetings()
        if m.statement_at is not None and m.statement_at <= now and m.end >= STATEMENTS_FROM
    ]
    stored = set(_statements(finlake).get_column("meeting_date").drop_nulls().to_list())
    missing = [day for day in past if day not in stored]
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "meetings": dg.MetadataValue.int(len(past)),
            "missing": dg.MetadataValue.text(", ".join(map(str, missing[:40])) or "none"),
        },
    )


policy_quarantined = nothing_quarantined(POLICY_EVENTS_KEY, POLICY_EVENTS.name)
