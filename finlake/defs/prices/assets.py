"""Daily prices: bronze payloads -> prices_daily + corporate_actions -> prices_adjusted."""

import time

import dagster as dg
import polars as pl

from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED, PRICES_DAILY
from finlake.defs.failures import retried_only_if_transient
from finlake.defs.freshness import PRICES_BY_1830_ET
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.partitions import nyse_sessions, session_dates
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.gate import GateFailure
from finlake.pipelines.prices import build_adjusted, build_silver, fetch_prices

GROUP = "prices"
BRONZE_KEY = dg.AssetKey(["bronze", "price_payloads"])
PRICES_DAILY_KEY = dg.AssetKey(["silver", PRICES_DAILY.name])
CORPORATE_ACTIONS_KEY = dg.AssetKey(["silver", CORPORATE_ACTIONS.name])
PRICES_ADJUSTED_KEY = dg.AssetKey(["silver", PRICES_ADJUSTED.name])

SINGLE_RUN = dg.BackfillPolicy.single_run()


@dg.asset(
    key=BRONZE_KEY,
    **owned(GROUP),
    partitions_def=nyse_sessions,
    backfill_policy=SINGLE_RUN,
    pool="yahoo",
    kinds={"parquet", "python"},
    retry_policy=dg.RetryPolicy(
        max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
    description=(
        "Raw provider payloads (Yahoo chart JSON) exactly as received, one per ticker for the "
        "run's sessions plus a lookback; a ticker's full history when a new split appears."
    ),
)
def price_payloads(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    with retried_only_if_transient():
        settings = finlake.settings()
        provider = finlake.price_provider()
        report = fetch_prices(
            provider,
            finlake.lake(),
            settings.tickers,
            session_dates(context.partition_keys),
            run_id=context.run.run_id,
            refetch_sessions=finlake.refetch_sessions,
            now=finlake.now(),
        )
    restated = pl.DataFrame(
        {"ticker": list(report.restated), "reason": list(report.restated.values())},
        schema={"ticker": pl.String, "reason": pl.String},
    )
    return dg.MaterializeResult(
        metadata=fetch_metadata(
            report.payloads,
            settings.source,
            time.perf_counter() - started,
            provider=dg.MetadataValue.text(provider.name),
            window=dg.MetadataValue.text(f"{report.window[0]}..{report.window[1]}"),
            bytes=dg.MetadataValue.int(report.bytes),
            path=dg.MetadataValue.path(str(report.path)),
            restated_tickers=dg.MetadataValue.md(markdown_preview(restated, 50)),
        )
    )


def _silver_spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[BRONZE_KEY],
        **owned(GROUP),
        description=description,
        freshness_policy=PRICES_BY_1830_ET,
        kinds={"parquet", "polars"},
    )


@dg.multi_asset(
    specs=[
        _silver_spec(PRICES_DAILY_KEY, PRICES_DAILY.description),
        _silver_spec(CORPORATE_ACTIONS_KEY, CORPORATE_ACTIONS.description),
    ],
    partitions_def=nyse_sessions,
    backfill_policy=SINGLE_RUN,
)
def silver_prices(context: dg.AssetExecutionContext, finlake: FinlakeResource):
    """Parse the newest bronze payload of each (ticker, session), gate it and merge it in."""
    started = time.perf_counter()
    settings = finlake.settings()
    try:
        report = build_silver(
            finlake.price_provider(),
            finlake.lake(),
            settings.tickers,
            session_dates(context.partition_keys),
            run_id=context.run.run_id,
        )
    except GateFailure as exc:
        log_quarantine(context, exc.rejected, PRICES_DAILY.name)
        raise
    log_quarantine(context, report.rejected, PRICES_DAILY.name)
    seconds = time.perf_counter() - started
    in_run = set(context.partition_keys)
    for dataset, key in (
        (PRICES_DAILY, PRICES_DAILY_KEY),
        (CORPORATE_ACTIONS, CORPORATE_ACTIONS_KEY),
    ):
        for day in report.changed[dataset.name]:
            partition = day.isoformat()
            if partition not in in_run:  # a revision or restatement of an earlier session
                context.log_event(
                    dg.AssetMaterialization(
                        asset_key=key,
                        partition=partition,
                        description="rewritten by a later run (late revision or split restatement)",
                        metadata={"rewritten_by_run": dg.MetadataValue.text(context.run.run_id)},
                    )
                )
    common = {
        "sessions_written": dg.MetadataValue.int(len(report.dates)),
        "tickers": dg.MetadataValue.int(len(report.tickers)),
        "quarantined_rows": dg.MetadataValue.int(report.rejected.height),
    }
    yield dg.MaterializeResult(
        asset_key=PRICES_DAILY_KEY,
        metadata={
            **frame_metadata(report.prices, PRICES_DAILY, seconds),
            **common,
            "sessions_changed": dg.MetadataValue.int(len(report.changed[PRICES_DAILY.name])),
        },
    )
    yield dg.MaterializeResult(
        asset_key=CORPORATE_ACTIONS_KEY,
        metadata={
            **frame_metadata(report.actions, CORPORATE_ACTIONS, seconds),
            **common,
            "sessions_changed": dg.MetadataValue.int(len(report.changed[CORPORATE_ACTIONS.name])),
        },
    )


@dg.asset(
    key=PRICES_ADJUSTED_KEY,
    deps=[PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY],
    **owned(GROUP),
    kinds={"parquet", "polars"},
    automation_condition=dg.AutomationCondition.eager(),
    description=PRICES_ADJUSTED.description
    + " Not partitioned: every run recomputes each ticker's whole history.",
)
def prices_adjusted(finlake: FinlakeResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    lake = finlake.lake()
    tickers = (
        lake.scan(PRICES_DAILY).select(pl.col("ticker").unique()).collect().get_column("ticker")
    )
    report = build_adjusted(lake, tickers.to_list())
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(report.rows, PRICES_ADJUSTED, time.perf_counter() - started),
            "tickers": dg.MetadataValue.int(len(report.tickers)),
            "rows_written": dg.MetadataValue.int(report.sync.rows_written),
            "tickers_rewritten": dg.MetadataValue.text(", ".join(report.sync.rewritten) or "none"),
        }
    )
