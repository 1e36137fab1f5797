"""Macro: FRED/ALFRED vintages -> bronze -> macro_observations (every vintage kept)."""

import time

import dagster as dg
import polars as pl

from finlake.datasets import MACRO_OBSERVATIONS
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.macro import build_macro_silver, fetch_macro
from finlake.sources.base import SourceError
from finlake.sources.fred.client import FredConfigError

GROUP = "macro"
FRED_BRONZE_KEY = dg.AssetKey(["bronze", "fred_payloads"])
MACRO_KEY = dg.AssetKey(["silver", MACRO_OBSERVATIONS.name])


@dg.asset(
    key=FRED_BRONZE_KEY,
    **owned(GROUP),
    pool="fred",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"parquet", "python"},
    description=(
        "FRED/ALFRED answers as received: per series its vintage dates, its description and its "
        "observations since the last stored vintage, in real-time windows of at most 2,000 "
        "vintage dates."
    ),
)
def fred_payloads(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    series = finlake.fred_series()
    try:
        transport = finlake.fred_transport()
    except FredConfigError as exc:  # a retry cannot help: say what to set
        raise dg.Failure(str(exc), allow_retries=False) from None
    try:
        report = fetch_macro(
            transport,
            finlake.lake(),
            series,
            clock=finlake.now(),
            run_id=context.run.run_id,
        )
    except SourceError as exc:
        raise dg.Failure(f"FRED fetch failed: {exc}", allow_retries=exc.retryable) from None
    for failure in report.failures:
        context.log.warning(f"FRED series {failure['series_id']}: {failure['error']}")
    fetched = pl.DataFrame(
        {
            "series_id": list(report.new_vintages),
            "new_vintages": list(report.new_vintages.values()),
        },
        schema={"series_id": pl.String, "new_vintages": pl.Int64},
    )
    failed = pl.DataFrame(report.failures, schema={"series_id": pl.String, "error": pl.String})
    return dg.MaterializeResult(
        metadata=fetch_metadata(
            report.requests,
            finlake.source,
            time.perf_counter() - started,
            series=dg.MetadataValue.int(len(series)),
            requests=dg.MetadataValue.int(report.requests),
            fetched=dg.MetadataValue.md(markdown_preview(fetched, 30)),
            unchanged=dg.MetadataValue.text(", ".join(report.unchanged) or "-"),
            failed_series=dg.MetadataValue.md(markdown_preview(failed, 30)),
        )
    )


class MacroConfig(dg.Config):
    rebuild: bool = False  # refold every stored bronze batch instead of the new ones


@dg.asset(
    key=MACRO_KEY,
    deps=[FRED_BRONZE_KEY],
    **owned(GROUP),
    kinds={"parquet", "polars"},
    description=MACRO_OBSERVATIONS.description,
)
def macro_observations(
    context: dg.AssetExecutionContext, config: MacroConfig, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    lake = finlake.lake()
    report = build_macro_silver(lake, run_id=context.run.run_id, rebuild=config.rebuild)
    log_quarantine(context, report.rejected, MACRO_OBSERVATIONS.name)
    if report.failed:
        raise dg.Failure(
            f"series kept at their last good state (see quarantine): {', '.join(report.failed)}",
            allow_retries=False,
        )
    rows = lake.scan(MACRO_OBSERVATIONS).filter(pl.col("series_id").is_in(report.changed))
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
    return dg.MaterializeResult(
        metadata=frame_metadata(
            changed.sort("realtime_start", descending=True),
            MACRO_OBSERVATIONS,
            time.perf_counter() - started,
            bronze_batches=dg.MetadataValue.int(report.batches),
            series_changed=dg.MetadataValue.md(markdown_preview(summary, 30)),
        )
    )
