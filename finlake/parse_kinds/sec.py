"""Parse kinds for SEC EDGAR payloads: the same parsers and gates as the pipeline.

A single file lacks some context the pipeline has: a daily index or the current feed names
companies outside the universe (no ticker), the submissions JSON cannot be checked against SGML
headers (acceptance_source says so), and a Form 4 XML does not hold its own accession number
or filing date (given with --accession/--filing-date or read from the file's path). Those
columns may be null here; every other check applies as in the pipeline.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from finlake.calendar import NY
from finlake.datasets import (
    DATASETS,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    SEC_COMPANIES,
    SEC_FILINGS,
)
from finlake.gate import apply_gate
from finlake.parse_kinds.base import ParseInput, ParseOutput
from finlake.schemas.sec import SCHEMAS
from finlake.sources.base import REJECT_SCHEMA, PayloadError
from finlake.sources.sec import acceptance, urls
from finlake.sources.sec.companyfacts import parse_companyfacts
from finlake.sources.sec.feed import parse_current_feed
from finlake.sources.sec.form4 import parse_ownership
from finlake.sources.sec.indexes import parse_index
from finlake.sources.sec.submissions import parse_submissions
from finlake.sources.sec.tickers import parse_company_tickers, parse_company_tickers_exchange

ACCESSION_IN_PATH = re.compile(r"(\d{10}-\d{2}-\d{6})|(?:^|/)(\d{18})(?:/|$)")
CIK_IN_NAME = re.compile(r"CIK(\d{10})")
# columns a lone payload cannot fill, by dataset
UNKNOWN_ALONE = {
    SEC_FILINGS.name: ["ticker", "is_xbrl"],
    INSIDER_TRANSACTIONS.name: ["accession_number", "filing_date"],
    INSIDER_HOLDINGS.name: ["accession_number", "filing_date"],
}


def _gated(frames: dict[str, pl.DataFrame]) -> ParseOutput:
    datasets, rejected = {}, [pl.DataFrame(schema=REJECT_SCHEMA)]
    for name, frame in frames.items():
        schema = SCHEMAS[name]
        relaxed = {c: {"nullable": True} for c in UNKNOWN_ALONE.get(name, [])}
        if relaxed:
            schema = schema.update_columns(relaxed)
        ds = DATASETS[name]
        absent = [pl.lit(None, dtype=t).alias(c) for c, t in ds.schema.items() if c not in frame]
        result = apply_gate(
            ds.conform(frame.with_columns(absent)),
            schema,
            dataset=name,
            partition_by=ds.partition_source,
            max_bad_fraction=1.0,
        )
        datasets[name] = result.valid
        rejected.append(result.rejected)
    return ParseOutput(datasets=datasets, rejected=pl.concat(rejected))


def parse_tickers(payload: ParseInput) -> ParseOutput:
    """company_tickers.json or company_tickers_exchange.json -> sec_companies (as of today)."""
    body = payload.body.lstrip()
    rows = (
        parse_company_tickers_exchange(body)
        if body.startswith(b'{"fields"')
        else parse_company_tickers(body)
    )
    today = dt.datetime.now(NY).date()
    rows = rows.unique(["cik", "ticker"], keep="first", maintain_order=True).with_columns(
        pl.lit(today).alias("first_seen"),
        pl.lit(today).alias("last_seen"),
        pl.lit(True).alias("listed"),
    )
    return _gated({SEC_COMPANIES.name: rows})


def _filing_rows(filings: pl.DataFrame) -> pl.DataFrame:
    """Submission rows -> sec_filings rows, acceptance taken from the JSON alone."""
    resolved = acceptance.resolve(
        filings.with_columns(pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("header_accepted"))
    )
    urls_ = [
        urls.archive_document(c, a, d) if d else None
        for c, a, d in resolved.select("cik", "accession_number", "primary_document").iter_rows()
    ]
    return resolved.with_columns(pl.Series("document_url", urls_, dtype=pl.String))


def parse_submissions_file(payload: ParseInput) -> ParseOutput:
    """A submissions JSON (or one of its older pages) -> sec_filings."""
    subs = parse_submissions(payload.body)
    cik = subs.cik
    if cik is None and payload.path is not None:  # a page: CIK##########-submissions-001.json
        found = CIK_IN_NAME.search(payload.path.name)
        cik = found.group(1) if found else None
    if cik is None:
        raise PayloadError("submissions page without a CIK: name the file CIK##########-...")
    ticker = subs.tickers[0] if subs.tickers else None
    rows = subs.filings.with_columns(pl.lit(cik).alias("cik"), pl.lit(ticker).alias("ticker"))
    return _gated({SEC_FILINGS.name: _filing_rows(rows)})


def parse_daily_index(payload: ParseInput) -> ParseOutput:
    """A daily (or full) form/company/master index -> sec_filings (one row per filing)."""
    # a filer listed in several roles of one filing appears once per role: one row per company
    index = parse_index(payload.body).unique(["cik", "accession_number"], maintain_order=True)
    rows = index.select(
        "cik",
        "accession_number",
        "form",
        pl.col("date_filed").alias("filing_date"),
        pl.lit([], dtype=pl.List(pl.String)).alias("items"),
    ).with_columns(
        pl.struct("cik", "accession_number")
        .map_elements(
            lambda r: urls.folder(r["cik"], r["accession_number"]) + "/", return_dtype=pl.String
        )
        .alias("document_url")
    )
    return _gated({SEC_FILINGS.name: rows})


def parse_feed(payload: ParseInput) -> ParseOutput:
    """EDGAR's current-filings Atom feed -> sec_filings (one row per filing, all filer roles)."""
    feed = parse_current_feed(payload.body)
    rows = feed.unique(["cik", "accession_number"], keep="first", maintain_order=True).select(
        "cik",
        "accession_number",
        "form",
        "filing_date",
        pl.lit([], dtype=pl.List(pl.String)).alias("items"),
        pl.col("link").alias("document_url"),
    )
    return _gated({SEC_FILINGS.name: rows})


def parse_form4(payload: ParseInput) -> ParseOutput:
    """A Form 3/4/5 ownership XML -> insider_transactions and insider_holdings."""
    accession = payload.accession_number
    if accession is None and payload.path is not None:
        found = ACCESSION_IN_PATH.search(payload.path.as_posix())
        if found:
            digits = found.group(1) or found.group(2)
            accession = digits if "-" in digits else f"{digits[:10]}-{digits[10:12]}-{digits[12:]}"
    owned = parse_ownership(
        payload.body, accession_number=accession or "", filing_date=payload.filing_date
    )
    blank = pl.when(pl.col("accession_number") != "").then(pl.col("accession_number"))
    return _gated(
        {
            INSIDER_TRANSACTIONS.name: owned.transactions.with_columns(blank),
            INSIDER_HOLDINGS.name: owned.holdings.with_columns(blank),
        }
    )


def parse_companyfacts_file(payload: ParseInput) -> ParseOutput:
    """A companyfacts JSON -> fundamentals: every datapoint, as filed."""
    return _gated({FUNDAMENTALS.name: parse_companyfacts(payload.body)})
