"""Prices: the source's assets come from its contract (finlake.contracts.prices); prices_adjusted
is derived from them here."""

import time

import dagster as dg
import polars as pl

from finlake.contracts.prices import PRICES
from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED, PRICES_DAILY
from finlake.defs.code_references import referenced
from finlake.defs.metadata import frame_metadata
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import bronze_key, silver_keys
from finlake.pipelines.prices import build_adjusted

GROUP = PRICES.group
BRONZE_KEY = bronze_key(PRICES)
PRICES_DAILY_KEY = silver_keys(PRICES)[PRICES_DAILY.name]
CORPORATE_ACTIONS_KEY = silver_keys(PRICES)[CORPORATE_ACTIONS.name]
PRICES_ADJUSTED_KEY = dg.AssetKey(["silver", PRICES_ADJUSTED.name])


@referenced
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
            **frame_metadata(
                report.rows, PRICES_ADJUSTED, time.perf_counter() - started, finlake.lake()
            ),
            "tickers": dg.MetadataValue.int(len(report.tickers)),
            "rows_written": dg.MetadataValue.int(report.sync.rows_written),
            "tickers_rewritten": dg.MetadataValue.text(", ".join(report.sync.rewritten) or "none"),
        }
    )
