"""Partitioned checks on prices_daily: they read only the run's sessions."""

import dagster as dg
import polars as pl

from finlake.defs.metadata import markdown_preview
from finlake.defs.partitions import nyse_sessions, session_dates
from finlake.defs.prices.assets import PRICES_DAILY_KEY
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.prices import session_facts

MAX_LISTED = 20


def _facts(context: dg.AssetCheckExecutionContext, finlake: FinlakeResource) -> pl.DataFrame:
    return session_facts(
        finlake.lake(), session_dates(context.partition_keys), finlake.settings().tickers
    )


@dg.asset_check(
    asset=PRICES_DAILY_KEY,
    partitions_def=nyse_sessions,
    description="Every universe ticker with history up to the session has a bar on it.",
)
def universe_coverage(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> dg.AssetCheckResult:
    facts = _facts(context, finlake)
    gaps = facts.filter(pl.col("missing").list.len() > 0).select(
        "date", "rows", "expected", pl.col("missing").list.join(", ")
    )
    return dg.AssetCheckResult(
        passed=gaps.is_empty(),
        metadata={
            "sessions": dg.MetadataValue.int(facts.height),
            "universe_size": dg.MetadataValue.int(len(finlake.settings().tickers)),
            "rows": dg.MetadataValue.int(int(facts.get_column("rows").sum())),
            "min_rows_per_session": dg.MetadataValue.int(int(facts.get_column("rows").min() or 0)),
            "sessions_with_gaps": dg.MetadataValue.int(gaps.height),
            "gaps": dg.MetadataValue.md(markdown_preview(gaps, MAX_LISTED)),
        },
    )


@dg.asset_check(
    asset=PRICES_DAILY_KEY,
    partitions_def=nyse_sessions,
    description="No (ticker, date) appears twice in the stored sessions.",
)
def unique_ticker_date(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> dg.AssetCheckResult:
    facts = _facts(context, finlake)
    dupes = facts.filter(pl.col("duplicates") > 0).select("date", "duplicates")
    return dg.AssetCheckResult(
        passed=dupes.is_empty(),
        metadata={
            "duplicate_keys": dg.MetadataValue.int(int(facts.get_column("duplicates").sum())),
            "sessions": dg.MetadataValue.md(markdown_preview(dupes, MAX_LISTED)),
        },
    )


@dg.asset_check(
    asset=PRICES_DAILY_KEY,
    partitions_def=nyse_sessions,
    description=(
        "Every stored bar was fetched after its session closed (final, not an intraday "
        "snapshot), and the session has bars at all."
    ),
)
def freshness(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> dg.AssetCheckResult:
    facts = _facts(context, finlake).with_columns(
        ((pl.col("first_ingested") - pl.col("close")).dt.total_minutes() / 60).alias("lag_hours")
    )
    stale = facts.filter(pl.col("first_ingested").is_null() | (pl.col("lag_hours") < 0))
    return dg.AssetCheckResult(
        passed=stale.is_empty(),
        metadata={
            "min_lag_hours": dg.MetadataValue.float(
                float(facts.get_column("lag_hours").min() or 0)
            ),
            "max_lag_hours": dg.MetadataValue.float(
                float(facts.get_column("lag_hours").max() or 0)
            ),
            "not_final": dg.MetadataValue.md(
                markdown_preview(stale.select("date", "first_ingested", "close"), MAX_LISTED)
            ),
        },
    )
