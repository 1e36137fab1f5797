"""Partitioned checks on prices_daily: they read only the run's sessions."""

import dagster as dg
import polars as pl

from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY, QUARANTINE
from finlake.defs.check_results import CheckEvents, dates_of, per_partition
from finlake.defs.metadata import markdown_preview
from finlake.defs.partitions import nyse_sessions, session_dates
from finlake.defs.prices.assets import CORPORATE_ACTIONS_KEY, PRICES_DAILY_KEY
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.prices import session_facts
from finlake.transforms.splits import UNCONFIRMED

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
) -> CheckEvents:
    facts = _facts(context, finlake)
    gaps = facts.filter(pl.col("missing").list.len() > 0).select(
        "date", "rows", "expected", pl.col("missing").list.join(", ")
    )
    result = dg.AssetCheckResult(
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
    yield from per_partition(context, result, failed=dates_of(gaps))


@dg.asset_check(
    asset=PRICES_DAILY_KEY,
    partitions_def=nyse_sessions,
    description="No (ticker, date) appears twice in the stored sessions.",
)
def unique_ticker_date(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    facts = _facts(context, finlake)
    dupes = facts.filter(pl.col("duplicates") > 0).select("date", "duplicates")
    result = dg.AssetCheckResult(
        passed=dupes.is_empty(),
        metadata={
            "duplicate_keys": dg.MetadataValue.int(int(facts.get_column("duplicates").sum())),
            "sessions": dg.MetadataValue.md(markdown_preview(dupes, MAX_LISTED)),
        },
    )
    yield from per_partition(context, result, failed=dates_of(dupes))


@dg.asset_check(
    asset=PRICES_DAILY_KEY,
    partitions_def=nyse_sessions,
    description=(
        "Every stored bar was fetched after its session closed (final, not an intraday "
        "snapshot), and the session has bars at all."
    ),
)
def bars_are_final(context: dg.AssetCheckExecutionContext, finlake: FinlakeResource) -> CheckEvents:
    facts = _facts(context, finlake).with_columns(
        ((pl.col("first_ingested") - pl.col("close")).dt.total_minutes() / 60).alias("lag_hours")
    )
    stale = facts.filter(pl.col("first_ingested").is_null() | (pl.col("lag_hours") < 0))
    result = dg.AssetCheckResult(
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
    yield from per_partition(context, result, failed=dates_of(stale))


prices_quarantined = nothing_quarantined(PRICES_DAILY_KEY, PRICES_DAILY.name)
actions_quarantined = nothing_quarantined(CORPORATE_ACTIONS_KEY, CORPORATE_ACTIONS.name)


@dg.asset_check(
    asset=CORPORATE_ACTIONS_KEY,
    description=(
        "Every split the provider reported is confirmed by the bars (the history stored before "
        "it moved by its ratio when re-fetched); one that is not stays out of corporate_actions "
        "and every factor, and is listed here until a fetch confirms it."
    ),
)
def splits_confirmed(finlake: FinlakeResource) -> dg.AssetCheckResult:
    doubtful = (
        finlake.lake()
        .scan(QUARANTINE)
        .filter(
            (pl.col("dataset") == CORPORATE_ACTIONS.name)
            & pl.col("reason").str.contains(UNCONFIRMED, literal=True)
        )
        .select(
            pl.col("row").str.json_path_match("$.ticker").alias("ticker"),
            pl.col("partition").alias("ex_date"),
            "reason",
            "time",
        )
        .collect()
    )
    return dg.AssetCheckResult(
        passed=doubtful.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unconfirmed_splits": dg.MetadataValue.int(doubtful.height),
            "splits": dg.MetadataValue.md(markdown_preview(doubtful, MAX_LISTED)),
        },
    )
