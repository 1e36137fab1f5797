"""gold/indicators_daily: technical indicators on adjusted prices, per NYSE session."""

import time

import dagster as dg

from finlake.datasets import INDICATORS_DAILY
from finlake.defs.code_references import referenced
from finlake.defs.metadata import frame_metadata
from finlake.defs.ownership import owned
from finlake.defs.partitions import nyse_sessions, session_dates
from finlake.defs.prices.assets import PRICES_ADJUSTED_KEY
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.indicators import build_indicators

GROUP = "indicators"
INDICATORS_KEY = dg.AssetKey(["gold", INDICATORS_DAILY.name])


@referenced
@dg.asset(
    key=INDICATORS_KEY,
    deps=[PRICES_ADJUSTED_KEY],
    **owned(GROUP),
    partitions_def=nyse_sessions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    kinds={"parquet", "polars", "numba"},
    description=INDICATORS_DAILY.description,
)
def indicators_daily(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    report = build_indicators(
        finlake.lake(), finlake.settings().tickers, session_dates(context.partition_keys)
    )
    in_run = set(context.partition_keys)
    for day in report.sync.changed_dates:
        if day.isoformat() not in in_run:
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=INDICATORS_KEY,
                    partition=day.isoformat(),
                    description="recomputed: the ticker's adjusted history changed",
                    metadata={"rewritten_by_run": dg.MetadataValue.text(context.run.run_id)},
                )
            )
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(
                report.rows, INDICATORS_DAILY, time.perf_counter() - started, finlake.lake()
            ),
            "tickers": dg.MetadataValue.int(report.tickers),
            "rows_written": dg.MetadataValue.int(report.sync.rows_written),
            "tickers_recomputed": dg.MetadataValue.text(", ".join(report.sync.rewritten) or "none"),
        }
    )
