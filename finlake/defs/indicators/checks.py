"""Partitioned checks on indicators_daily."""

import dagster as dg
import polars as pl

from finlake.defs.check_results import CheckEvents, dates_of, per_partition
from finlake.defs.indicators.assets import INDICATORS_KEY
from finlake.defs.metadata import markdown_preview
from finlake.defs.partitions import nyse_sessions, session_dates
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.indicators import indicator_facts


def _facts(context: dg.AssetCheckExecutionContext, finlake: FinlakeResource) -> pl.DataFrame:
    return indicator_facts(
        finlake.lake(), session_dates(context.partition_keys), finlake.settings().tickers
    )


@dg.asset_check(
    asset=INDICATORS_KEY,
    partitions_def=nyse_sessions,
    description="Every universe ticker with an adjusted bar on the session has its indicators.",
)
def indicators_coverage(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    facts = _facts(context, finlake)
    gaps = facts.filter(pl.col("missing").list.len() > 0).select(
        "date", "expected", pl.col("missing").list.join(", ")
    )
    result = dg.AssetCheckResult(
        passed=gaps.is_empty(),
        metadata={
            "sessions": dg.MetadataValue.int(facts.height),
            "expected_rows": dg.MetadataValue.int(int(facts.get_column("expected").sum())),
            "sessions_with_gaps": dg.MetadataValue.int(gaps.height),
            "gaps": dg.MetadataValue.md(markdown_preview(gaps, 20)),
        },
    )
    yield from per_partition(context, result, failed=dates_of(gaps))


@dg.asset_check(
    asset=INDICATORS_KEY,
    partitions_def=nyse_sessions,
    description="Daily returns more than 4 standard deviations from their previous 63 sessions.",
)
def return_anomalies(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    facts = _facts(context, finlake)
    flagged = facts.filter(pl.col("anomalies").list.len() > 0).select(
        "date", pl.col("anomalies").list.join(", "), "max_abs_z"
    )
    tickers = sorted({t for row in facts.get_column("anomalies").to_list() for t in row})
    result = dg.AssetCheckResult(
        passed=flagged.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"anomalies: {', '.join(tickers)}" if tickers else "no anomalies",
        metadata={
            "tickers": dg.MetadataValue.text(", ".join(tickers) or "none"),
            "sessions": dg.MetadataValue.md(markdown_preview(flagged, 20)),
        },
    )
    yield from per_partition(context, result, failed=dates_of(flagged))
