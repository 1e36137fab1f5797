"""Partitioned checks on the SEC tables: they read only the run's EDGAR days."""

import dagster as dg
import polars as pl

from finlake.calendar import SEC_STAFF_FORMS, edgar
from finlake.contracts.sec import SEC
from finlake.datasets import INSIDER_HOLDINGS, INSIDER_TRANSACTIONS, SEC_COMPANIES, SEC_FILINGS
from finlake.defs.check_results import CheckEvents, per_partition
from finlake.defs.metadata import markdown_preview
from finlake.defs.partitions import edgar_days, session_dates
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource
from finlake.defs.sec.assets import (
    INSIDER_TRANSACTIONS_KEY,
    SEC_COMPANIES_KEY,
    SEC_FILINGS_KEY,
    SILVER_KEYS,
)
from finlake.pipelines.sec import OWNERSHIP_FORMS, covered_dates
from finlake.sources.sec.acceptance import SGML

MAX_LISTED = 20


def _rows(context: dg.AssetCheckExecutionContext, finlake: FinlakeResource, ds) -> pl.DataFrame:
    days = pl.Series(covered_dates(session_dates(context.partition_keys)), dtype=pl.Date)
    days = days.implode()
    return finlake.lake().scan(ds).filter(pl.col("filing_date").is_in(days)).collect()


@dg.asset_check(
    asset=SEC_FILINGS_KEY,
    partitions_def=edgar_days,
    description=(
        "Each filing's acceptance time (true UTC) falls in its EDGAR filing day: before 17:30 ET "
        "(22:00 for Forms 3/4/5, 144, SC 13D/G, MEF registrations) on that business day, or "
        "after the cut-off of "
        "the previous one. A mismatch means a time-zone error in acceptance_datetime."
    ),
)
def acceptance_matches_filing_date(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    rows = _rows(context, finlake, SEC_FILINGS).filter(
        pl.col("acceptance_datetime").is_not_null() & ~pl.col("form").is_in(list(SEC_STAFF_FORMS))
    )
    cal = edgar()
    expected = [
        cal.filing_date(accepted, form)
        for accepted, form in rows.select("acceptance_datetime", "form").iter_rows()
    ]
    checked = rows.with_columns(pl.Series("expected_filing_date", expected, dtype=pl.Date))
    wrong = checked.filter(pl.col("expected_filing_date") != pl.col("filing_date")).select(
        "accession_number",
        "form",
        "filing_date",
        "expected_filing_date",
        "acceptance_datetime",
        "acceptance_source",
    )
    result = dg.AssetCheckResult(
        passed=wrong.is_empty(),
        metadata={
            "filings_checked": dg.MetadataValue.int(rows.height),
            "mismatches": dg.MetadataValue.int(wrong.height),
            "examples": dg.MetadataValue.md(markdown_preview(wrong, MAX_LISTED)),
        },
    )
    yield from per_partition(context, result)


@dg.asset_check(
    asset=SEC_FILINGS_KEY,
    partitions_def=edgar_days,
    description=(
        "Every filing's acceptance time comes from its SGML header (authoritative). Filings "
        "whose header could not be read fall back to the submissions JSON, corrected with the "
        "filer's observed time-zone habit; this warns when that happened."
    ),
)
def acceptance_from_header(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    rows = _rows(context, finlake, SEC_FILINGS)
    sources = rows.group_by("acceptance_source").len("filings").sort("filings", descending=True)
    fallback = rows.filter(pl.col("acceptance_source").ne_missing(SGML))
    result = dg.AssetCheckResult(
        passed=fallback.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "filings": dg.MetadataValue.int(rows.height),
            "from_header": dg.MetadataValue.int(rows.height - fallback.height),
            "sources": dg.MetadataValue.md(markdown_preview(sources, 10)),
            "fallbacks": dg.MetadataValue.md(
                markdown_preview(
                    fallback.select("accession_number", "form", "acceptance_source"), MAX_LISTED
                )
            ),
        },
    )
    yield from per_partition(context, result)


@dg.asset_check(
    asset=INSIDER_TRANSACTIONS_KEY,
    partitions_def=edgar_days,
    description=(
        "Every Form 4/5 in sec_filings for the run's days produced transaction or holding "
        "rows: its XML was fetched and parsed. (Form 3 may truthfully report no holdings.)"
    ),
)
def ownership_filings_parsed(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    filings = _rows(context, finlake, SEC_FILINGS).filter(
        pl.col("form").is_in(list(OWNERSHIP_FORMS - {"3", "3/A"}))
    )
    parsed = pl.concat(
        [
            _rows(context, finlake, ds).select("accession_number")
            for ds in (INSIDER_TRANSACTIONS, INSIDER_HOLDINGS)
        ]
    ).unique()
    missing = filings.join(parsed, on="accession_number", how="anti").select(
        "accession_number", "form", "filing_date", "ticker"
    )
    result = dg.AssetCheckResult(
        passed=missing.is_empty(),
        metadata={
            "ownership_filings": dg.MetadataValue.int(filings.height),
            "unparsed": dg.MetadataValue.int(missing.height),
            "examples": dg.MetadataValue.md(markdown_preview(missing, MAX_LISTED)),
        },
    )
    yield from per_partition(context, result)


sec_companies_quarantined = nothing_quarantined(SEC_COMPANIES_KEY, SEC_COMPANIES.name)
sec_quarantined = [nothing_quarantined(SILVER_KEYS[ds.name], ds.name) for ds in SEC.silver]
