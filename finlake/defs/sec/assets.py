"""SEC EDGAR: sec_companies (the universe's CIKs, weekly) here; the daily bronze payloads and
the five silver tables come from the source's contract (finlake.contracts.sec)."""

import time

import dagster as dg
import polars as pl

from finlake.calendar import NY
from finlake.contracts.sec import SEC
from finlake.datasets import FUNDAMENTALS, INSIDER_TRANSACTIONS, SEC_COMPANIES, SEC_FILINGS
from finlake.defs.code_references import referenced
from finlake.defs.failures import retried_only_if_transient
from finlake.defs.metadata import frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import bronze_key, silver_keys
from finlake.pipelines.sec import refresh_companies
from finlake.sources.sec.source import SecSource

GROUP = SEC.group
SEC_COMPANIES_KEY = dg.AssetKey(["silver", SEC_COMPANIES.name])
SEC_BRONZE_KEY = bronze_key(SEC)
SILVER_KEYS = silver_keys(SEC)
SEC_FILINGS_KEY = SILVER_KEYS[SEC_FILINGS.name]
INSIDER_TRANSACTIONS_KEY = SILVER_KEYS[INSIDER_TRANSACTIONS.name]
FUNDAMENTALS_KEY = SILVER_KEYS[FUNDAMENTALS.name]

RETRY = dg.RetryPolicy(
    max_retries=3, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def _source(context: dg.AssetExecutionContext, finlake: FinlakeResource) -> SecSource:
    return SecSource(
        finlake.transport(SEC.group), finlake.lake(), run_id=context.run.run_id, clock=finlake.now
    )


@referenced
@dg.asset(
    key=SEC_COMPANIES_KEY,
    **owned(GROUP),
    pool="sec",
    retry_policy=RETRY,
    kinds={"parquet", "polars"},
    description=SEC_COMPANIES.description + " Refreshed weekly; maps the universe to CIKs.",
)
def sec_companies(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    lake = finlake.lake()
    with retried_only_if_transient():
        report = refresh_companies(
            _source(context, finlake), lake, finlake.now().astimezone(NY).date()
        )
    universe = pl.DataFrame({"ticker": list(finlake.settings().tickers)}).join(
        report.rows.filter("listed").select("ticker", "cik", "title", "exchange"),
        on="ticker",
        how="left",
    )
    return dg.MaterializeResult(
        metadata=frame_metadata(
            report.rows,
            SEC_COMPANIES,
            time.perf_counter() - started,
            finlake.lake(),
            listed=dg.MetadataValue.int(report.rows.filter("listed").height),
            added=dg.MetadataValue.int(report.added),
            left_the_file=dg.MetadataValue.int(report.delisted),
            universe=dg.MetadataValue.md(markdown_preview(universe, 50)),
        )
    )
