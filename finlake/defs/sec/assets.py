"""SEC EDGAR: sec_companies, then per EDGAR business day bronze payloads -> five silver tables."""

import time

import dagster as dg
import polars as pl

from finlake.calendar import NY
from finlake.datasets import (
    FILING_TEXT,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    SEC_COMPANIES,
    SEC_FILINGS,
)
from finlake.defs.failures import retried_only_if_transient
from finlake.defs.freshness import SEC_BY_0700_ET
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.partitions import edgar_days, session_dates
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.gate import GateFailure
from finlake.pipelines.sec import (
    build_sec_silver,
    fetch_sec,
    refresh_companies,
    universe_ciks,
)
from finlake.sources.sec.source import SecSource

GROUP = "sec"
SEC_COMPANIES_KEY = dg.AssetKey(["silver", SEC_COMPANIES.name])
SEC_BRONZE_KEY = dg.AssetKey(["bronze", "sec_payloads"])
SILVER = (SEC_FILINGS, INSIDER_TRANSACTIONS, INSIDER_HOLDINGS, FILING_TEXT, FUNDAMENTALS)
SILVER_KEYS = {ds.name: dg.AssetKey(["silver", ds.name]) for ds in SILVER}
SEC_FILINGS_KEY = SILVER_KEYS[SEC_FILINGS.name]
INSIDER_TRANSACTIONS_KEY = SILVER_KEYS[INSIDER_TRANSACTIONS.name]
FUNDAMENTALS_KEY = SILVER_KEYS[FUNDAMENTALS.name]

RETRY = dg.RetryPolicy(
    max_retries=3, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def _source(context: dg.AssetExecutionContext, finlake: FinlakeResource) -> SecSource:
    return SecSource(
        finlake.sec_transport(), finlake.lake(), run_id=context.run.run_id, clock=finlake.now
    )


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
            listed=dg.MetadataValue.int(report.rows.filter("listed").height),
            added=dg.MetadataValue.int(report.added),
            left_the_file=dg.MetadataValue.int(report.delisted),
            universe=dg.MetadataValue.md(markdown_preview(universe, 50)),
        )
    )


@dg.asset(
    key=SEC_BRONZE_KEY,
    deps=[SEC_COMPANIES_KEY],
    **owned(GROUP),
    partitions_def=edgar_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="sec",
    retry_policy=RETRY,
    kinds={"parquet", "python"},
    description=(
        "Raw EDGAR payloads as received (daily form index, submissions JSON and its older pages, "
        "companyfacts) as one batch per run; immutable archive documents (SGML headers, Form "
        "3/4/5 XML, 10-K/10-Q/8-K primary documents) are kept once under bronze/sec_archives."
    ),
)
def sec_payloads(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    days = session_dates(context.partition_keys)
    today = finlake.now().astimezone(NY).date()
    if max(days) > today:
        raise dg.Failure(
            f"EDGAR day {max(days)} has not started yet (today is {today} in NY)",
            allow_retries=False,
        )
    with retried_only_if_transient():
        companies = universe_ciks(finlake.lake(), finlake.settings().tickers)
        report = fetch_sec(_source(context, finlake), companies, days)
    forms = pl.DataFrame(
        {"form": list(report.forms), "filings": list(report.forms.values())},
        schema={"form": pl.String, "filings": pl.Int64},
    ).sort("filings", descending=True)
    return dg.MaterializeResult(
        metadata=fetch_metadata(
            report.payloads,
            finlake.source,
            time.perf_counter() - started,
            window=dg.MetadataValue.text(f"{days[0]}..{days[-1]}"),
            companies=dg.MetadataValue.int(len(companies)),
            filings=dg.MetadataValue.int(report.filings),
            forms=dg.MetadataValue.md(markdown_preview(forms, 30)),
            archive_documents_fetched=dg.MetadataValue.int(report.archive_fetched),
            archive_documents_reused=dg.MetadataValue.int(report.archive_reused),
            path=dg.MetadataValue.path(str(report.path)),
        )
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SILVER_KEYS[ds.name],
            deps=[SEC_BRONZE_KEY],
            **owned(GROUP),
            freshness_policy=SEC_BY_0700_ET,
            description=ds.description,
            kinds={"parquet", "polars"},
        )
        for ds in SILVER
    ],
    partitions_def=edgar_days,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def silver_sec(context: dg.AssetExecutionContext, finlake: FinlakeResource):
    """Parse the day's newest bronze batch and archive documents, gate, merge into the lake."""
    started = time.perf_counter()
    lake = finlake.lake()
    with retried_only_if_transient():
        companies = universe_ciks(lake, finlake.settings().tickers)
    try:
        report = build_sec_silver(
            lake, companies, session_dates(context.partition_keys), run_id=context.run.run_id
        )
    except GateFailure as exc:
        log_quarantine(context, exc.rejected, GROUP)
        raise
    log_quarantine(context, report.rejected, GROUP)
    seconds = time.perf_counter() - started
    rejected = report.rejected.group_by("dataset").len()
    for ds in SILVER:
        frame = report.frames[ds.name]
        yield dg.MaterializeResult(
            asset_key=SILVER_KEYS[ds.name],
            metadata=frame_metadata(
                frame,
                ds,
                seconds,
                partitions_changed=dg.MetadataValue.int(len(report.changed[ds.name])),
                quarantined_rows=dg.MetadataValue.int(
                    int(rejected.filter(pl.col("dataset") == ds.name).get_column("len").sum())
                ),
            ),
        )
