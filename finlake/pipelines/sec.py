"""SEC EDGAR as plain functions: companies, then per EDGAR business day fetch -> bronze -> silver.

fetch_sec decides which filings a range of EDGAR days holds for the universe: for one day the
daily form index names the companies that filed (when it is not published yet, every universe
company's submissions are asked); for a range, each company's submissions JSON and the older
pages that overlap the range. For every such filing it keeps the SGML header (the true
acceptance time), the Form 3/4/5 XML and the 10-K/10-Q/8-K primary document in the archive tree,
and it refreshes companyfacts for companies that filed periodic reports.

build_sec_silver never fetches: from the newest bronze batch covering each day and the archive
tree it writes sec_filings, insider_transactions, insider_holdings, filing_text and fundamentals
behind their quality gates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from finlake.calendar import edgar
from finlake.datasets import (
    FILING_TEXT,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    SEC_COMPANIES,
    SEC_FILINGS,
    Dataset,
)
from finlake.gate import GateFailure, apply_gate
from finlake.lake import RAW_SCHEMA, Lake
from finlake.schemas.sec import SCHEMAS
from finlake.sources.base import REJECT_SCHEMA, PayloadError
from finlake.sources.sec import acceptance, urls
from finlake.sources.sec.companyfacts import parse_companyfacts
from finlake.sources.sec.documents import document_chunks
from finlake.sources.sec.form4 import parse_ownership
from finlake.sources.sec.headers import parse_sgml_header
from finlake.sources.sec.indexes import parse_index
from finlake.sources.sec.source import BRONZE_SOURCE, TICKERS_SOURCE, SecSource, archive_file
from finlake.sources.sec.submissions import SCHEMA as FILING_ROWS
from finlake.sources.sec.submissions import parse_submissions
from finlake.sources.sec.tickers import (
    merge_ticker_files,
    parse_company_tickers,
    parse_company_tickers_exchange,
)

OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})
TEXT_FORMS = frozenset({"10-K", "10-K/A", "10-Q", "10-Q/A", "8-K", "8-K/A"})
PERIODIC_FORMS = frozenset({"10-K", "10-K/A", "10-Q", "10-Q/A", "20-F", "40-F"})


def covered_dates(days: Sequence[dt.date]) -> list[dt.date]:
    """The filing dates the partitions of EDGAR business days `days` hold: each day and the
    closed days before it, so a filing dated a weekend or holiday (SEC staff uploads, for one)
    belongs to the next business day's partition instead of to none."""
    cal = edgar()
    dates: set[dt.date] = set()
    for day in days:
        start = cal.previous_business_day(day) + dt.timedelta(days=1)
        dates.update(start + dt.timedelta(days=i) for i in range((day - start).days + 1))
    return sorted(dates)


class UnmappedTickerError(RuntimeError):
    """Universe tickers with no CIK in sec_companies."""


# --------------------------------------------------------------------------- companies
@dataclass
class CompaniesReport:
    rows: pl.DataFrame
    added: int
    delisted: int


def refresh_companies(source: SecSource, lake: Lake, today: dt.date) -> CompaniesReport:
    """Merge today's ticker files into sec_companies; companies that left keep their rows."""
    tickers = parse_company_tickers(
        source.payload("company_tickers", "all", urls.company_tickers())
    )
    body = source.payload(
        "company_tickers_exchange", "all", urls.company_tickers_exchange(), missing_ok=True
    )
    exchange = parse_company_tickers_exchange(body) if body is not None else None
    current = merge_ticker_files(tickers, exchange).with_columns(
        pl.lit(today).alias("first_seen"),
        pl.lit(today).alias("last_seen"),
        pl.lit(True).alias("listed"),
    )
    old = lake.scan(SEC_COMPANIES).collect()
    keys = ["cik", "ticker"]
    kept = old.join(current, on=keys, how="anti").with_columns(pl.lit(False).alias("listed"))
    updated = current.join(old.select(*keys, "first_seen"), on=keys, how="left", suffix="_old")
    updated = updated.with_columns(
        pl.coalesce("first_seen_old", "first_seen").alias("first_seen")
    ).drop("first_seen_old")
    rows = SEC_COMPANIES.conform(pl.concat([SEC_COMPANIES.conform(updated), kept]))
    rejected: list[pl.DataFrame] = []
    gated = _gate(rows, SEC_COMPANIES, lake, source.run_id, rejected)
    guard = lake.guard(SEC_COMPANIES, gated, pl.concat(rejected))
    gated = pl.concat([gated, old.join(guard.keep, on=keys, how="semi")])  # kept, not replaced
    source.flush((today, today), bronze=TICKERS_SOURCE)
    lake.write_table(SEC_COMPANIES, gated)
    quarantine(lake, guard.rejected, source.run_id, {SEC_COMPANIES.name: ["all"]})
    return CompaniesReport(
        rows=gated,
        added=current.join(old, on=keys, how="anti").height,
        delisted=kept.filter(
            pl.col("ticker").is_in(old.filter("listed")["ticker"].implode())
        ).height,
    )


def universe_ciks(lake: Lake, tickers: Sequence[str]) -> dict[str, str]:
    """cik -> the first universe ticker mapped to it, through sec_companies."""
    companies = lake.scan(SEC_COMPANIES).select("cik", "ticker").collect()
    found = {t: c for c, t in companies.iter_rows()}
    missing = [t for t in tickers if t not in found]
    if missing:
        raise UnmappedTickerError(
            f"no CIK for {missing} in sec_companies; materialize silver/sec_companies first "
            "(or remove these tickers from the universe)"
        )
    out: dict[str, str] = {}
    for ticker in tickers:
        out.setdefault(found[ticker], ticker)
    return out


# --------------------------------------------------------------------------- fetch
@dataclass
class SecFetchReport:
    filings: int
    payloads: int
    archive_fetched: int
    archive_reused: int
    path: Path | None
    forms: dict[str, int] = field(default_factory=dict)


def _filings_in(source: SecSource, cik: str, lo: dt.date, hi: dt.date) -> pl.DataFrame:
    subs = parse_submissions(source.payload("submissions", cik, urls.submissions(cik)), cik)
    frames = [subs.filings]
    for page in subs.pages:
        start = dt.date.fromisoformat(page["filingFrom"])
        end = dt.date.fromisoformat(page["filingTo"])
        if start <= hi and end >= lo:
            url = urls.submissions_page(page["name"])
            frames.append(
                parse_submissions(source.payload("submissions_page", cik, url), cik).filings
            )
    rows = pl.concat(frames).filter(pl.col("filing_date").is_between(lo, hi))
    return rows.with_columns(pl.lit(cik).alias("cik"))


def fetch_sec(
    source: SecSource, companies: dict[str, str], days: Sequence[dt.date]
) -> SecFetchReport:
    """Fetch the EDGAR business days `days` (and the closed days before each) into bronze."""
    covered = covered_dates(days)
    lo, hi = covered[0], covered[-1]
    filers = set(companies)
    if len(days) == 1:
        day = days[0]
        body = source.payload(
            "daily_index", day.isoformat(), urls.daily_index(day), missing_ok=True
        )
        if body is not None:  # published: only the companies that filed that day
            index = parse_index(body)
            filers = filers & set(index.get_column("cik").to_list())
    wanted = pl.Series(covered, dtype=pl.Date).implode()
    frames = [_filings_in(source, cik, lo, hi) for cik in sorted(filers)]
    filings = (
        pl.concat(frames).filter(pl.col("filing_date").is_in(wanted))
        if frames
        else pl.DataFrame(schema={**FILING_ROWS, "cik": pl.String})
    )
    for cik, acc, form, document in filings.select(
        "cik", "accession_number", "form", "primary_document"
    ).iter_rows():
        source.archive(cik, acc, f"{acc}.hdr.sgml")
        if document and (form in OWNERSHIP_FORMS or form in TEXT_FORMS):
            source.archive(cik, acc, document)
    periodic = filings.filter(pl.col("form").is_in(list(PERIODIC_FORMS)))
    for cik in sorted(set(periodic.get_column("cik").to_list())):
        source.payload("companyfacts", cik, urls.companyfacts(cik), missing_ok=True)
    payloads = len(source.recorded)
    path = source.flush((lo, hi))
    return SecFetchReport(
        filings=filings.height,
        payloads=payloads,
        archive_fetched=source.archive_fetches,
        archive_reused=source.archive_hits,
        path=path,
        forms=dict(filings.group_by("form").len().iter_rows()),
    )


# --------------------------------------------------------------------------- silver
@dataclass
class SecSilverReport:
    frames: dict[str, pl.DataFrame]  # dataset -> rows written this run
    rejected: pl.DataFrame
    changed: dict[str, list]


def _batches_for(lake: Lake, days: Sequence[dt.date]) -> pl.DataFrame:
    """The payload rows of the newest bronze batch covering each (business) day."""
    index = lake.bronze_index(BRONZE_SOURCE, RAW_SCHEMA)
    batches = (
        index.group_by("file")
        .agg(pl.col("window_start").min(), pl.col("window_end").max(), pl.col("fetched_at").max())
        .sort("fetched_at", "file")  # file names start with the write time
    )
    chosen: set[str] = set()
    for day in days:
        covering = batches.filter((pl.col("window_start") <= day) & (pl.col("window_end") >= day))
        if covering.is_empty():
            raise FileNotFoundError(f"no SEC bronze batch covers {day}; fetch it first")
        chosen.add(covering.get_column("file")[-1])
    wanted = index.filter(pl.col("file").is_in(sorted(chosen)))
    return lake.read_bronze(wanted, key="key", schema=RAW_SCHEMA)


def _gate(rows: pl.DataFrame, ds: Dataset, lake: Lake, run_id: str, rejected: list) -> pl.DataFrame:
    """Gate rows; rejects are collected (quarantined by the caller), a systemic failure is
    quarantined here and raised."""
    try:
        result = apply_gate(
            rows,
            SCHEMAS[ds.name],
            dataset=ds.name,
            partition_by=ds.partition_source,
            whole_batch=True,  # a day holds few filings per company: judge the whole run
        )
    except GateFailure as exc:
        quarantine(lake, exc.rejected, run_id, {})
        raise
    rejected.append(result.rejected)
    return result.valid


def quarantine(
    lake: Lake, rejected: pl.DataFrame, run_id: str, written: dict[str, list[str]]
) -> None:
    """Replace the quarantine of every partition written (`written`: dataset -> partitions)
    with this run's rejects, and add rejects of other partitions."""
    datasets = set(written) | set(rejected.get_column("dataset").unique().to_list())
    for dataset in sorted(datasets):
        mine = rejected.filter(pl.col("dataset") == dataset)
        parts = set(written.get(dataset, [])) | set(mine.get_column("partition").to_list())
        lake.replace_quarantine(dataset, mine, run_id, parts)


def _filings(
    batch: pl.DataFrame, companies: dict[str, str], days: Sequence[dt.date]
) -> pl.DataFrame:
    """Universe filings on the `days` partitions from the batch's submissions (and index)."""
    wanted = pl.Series(covered_dates(days), dtype=pl.Date).implode()
    frames = []
    for kind, key, body in batch.select("kind", "key", "body").iter_rows():
        if kind in ("submissions", "submissions_page") and key in companies:
            frames.append(
                parse_submissions(body, key).filings.with_columns(pl.lit(key).alias("cik"))
            )
    subs = (
        pl.concat(frames).unique(["cik", "accession_number"], keep="first")
        if frames
        else pl.DataFrame(schema={**FILING_ROWS, "cik": pl.String})
    )
    for kind, body in batch.select("kind", "body").iter_rows():
        if kind == "daily_index":  # filings the index lists but submissions did not have yet
            index = parse_index(body).filter(pl.col("cik").is_in(list(companies)))
            index = index.unique(["cik", "accession_number"])
            late = index.join(subs, on=["cik", "accession_number"], how="anti").select(
                "accession_number",
                pl.col("date_filed").alias("filing_date"),
                pl.lit(None, dtype=pl.Date).alias("report_date"),
                pl.lit(None, dtype=pl.String).alias("acceptance_raw"),
                "form",
                pl.lit([], dtype=pl.List(pl.String)).alias("items"),
                pl.lit(None, dtype=pl.Int64).alias("size"),
                pl.lit(False).alias("is_xbrl"),
                pl.lit(None, dtype=pl.String).alias("primary_document"),
                "cik",
            )
            subs = pl.concat([subs, late])
    return subs.filter(pl.col("filing_date").is_in(wanted))


def _archive(lake: Lake, cik: str, acc: str, document: str | None) -> bytes | None:
    return lake.read_archive(archive_file(lake, cik, acc, document)) if document else None


def build_sec_silver(
    lake: Lake, companies: dict[str, str], days: Sequence[dt.date], *, run_id: str
) -> SecSilverReport:
    batch = _batches_for(lake, days)
    filings = _filings(batch, companies, days)
    headers = []
    for cik, acc in filings.select("cik", "accession_number").iter_rows():
        body = _archive(lake, cik, acc, f"{acc}.hdr.sgml")
        headers.append(parse_sgml_header(body).accepted_at if body else None)
    filings = filings.with_columns(
        pl.Series("header_accepted", headers, dtype=pl.Datetime("us", "UTC"))
    )
    resolved = acceptance.resolve(filings).with_columns(
        pl.col("cik").replace_strict(companies, return_dtype=pl.String).alias("ticker"),
        pl.struct("cik", "accession_number", "primary_document")
        .map_elements(_document_url, return_dtype=pl.String)
        .alias("document_url"),
    )
    rejected: list[pl.DataFrame] = []
    sec_filings = _gate(SEC_FILINGS.conform(resolved), SEC_FILINGS, lake, run_id, rejected)

    transactions, holdings, texts, problems = [], [], [], []
    for row in resolved.iter_rows(named=True):
        cik, acc, form, doc = (
            row["cik"],
            row["accession_number"],
            row["form"],
            row["primary_document"],
        )
        body = _archive(lake, cik, acc, doc)
        try:
            if form in OWNERSHIP_FORMS and body is not None:
                owned = parse_ownership(body, accession_number=acc, filing_date=row["filing_date"])
                transactions.append(owned.transactions)
                holdings.append(owned.holdings)
            elif form in TEXT_FORMS and body is not None:
                texts.append(_text_rows(body, row))
        except PayloadError as exc:
            problems.append(_problem_row(row, str(exc)))
    covered = covered_dates(days)
    scope_filings = _scope(companies, covered, "cik", "filing_date")
    scope_owner = _scope(companies, covered, "issuer_cik", "filing_date")
    frames = {
        SEC_FILINGS.name: sec_filings,
        INSIDER_TRANSACTIONS.name: _gate(
            _concat(transactions, INSIDER_TRANSACTIONS),
            INSIDER_TRANSACTIONS,
            lake,
            run_id,
            rejected,
        ),
        INSIDER_HOLDINGS.name: _gate(
            _concat(holdings, INSIDER_HOLDINGS), INSIDER_HOLDINGS, lake, run_id, rejected
        ),
        FILING_TEXT.name: _gate(_concat(texts, FILING_TEXT), FILING_TEXT, lake, run_id, rejected),
    }
    facts = [
        parse_companyfacts(body)
        for kind, key, body in batch.select("kind", "key", "body").iter_rows()
        if kind == "companyfacts" and key in companies
    ]
    frames[FUNDAMENTALS.name] = _gate(
        _concat(facts, FUNDAMENTALS), FUNDAMENTALS, lake, run_id, rejected
    )
    all_rejected = pl.concat([*rejected, *problems], how="vertical_relaxed")
    scopes = [
        (SEC_FILINGS, scope_filings),
        (INSIDER_TRANSACTIONS, scope_owner),
        (INSIDER_HOLDINGS, scope_owner),
        (FILING_TEXT, scope_filings),
        (FUNDAMENTALS, frames[FUNDAMENTALS.name].select("cik").unique()),
    ]
    changed = {}
    for ds, scope in scopes:
        guard = lake.guard(ds, frames[ds.name], all_rejected)  # rejects keep the stored rows
        all_rejected = guard.rejected
        changed[ds.name] = lake.merge(ds, frames[ds.name], scope, keep=guard.keep)
    partitions = [d.isoformat() for d in covered]
    written = {
        SEC_FILINGS.name: partitions,
        INSIDER_TRANSACTIONS.name: partitions,
        INSIDER_HOLDINGS.name: partitions,
        FILING_TEXT.name: partitions,
        FUNDAMENTALS.name: frames[FUNDAMENTALS.name].get_column("cik").unique().to_list(),
    }
    quarantine(lake, all_rejected, run_id, written)
    return SecSilverReport(frames=frames, rejected=all_rejected, changed=changed)


def _text_rows(body: bytes, row: dict) -> pl.DataFrame:
    chunks = document_chunks(body)
    return pl.DataFrame(
        {
            "accession_number": row["accession_number"],
            "cik": row["cik"],
            "ticker": row["ticker"],
            "form": row["form"],
            "filing_date": row["filing_date"],
            "document": row["primary_document"],
            "chunk_index": [c.index for c in chunks],
            "section": [c.section for c in chunks],
            "text": [c.text for c in chunks],
        },
        schema=FILING_TEXT.schema,
    )


def _problem_row(row: dict, reason: str) -> pl.DataFrame:
    record = {k: str(v) for k, v in row.items() if k in ("cik", "accession_number", "form")}
    return pl.DataFrame(
        {
            "dataset": [SEC_FILINGS.name],
            "partition": [row["filing_date"].isoformat()],
            "row": [orjson.dumps(record).decode()],
            "reason": [f"document could not be parsed: {reason}"],
        },
        schema=REJECT_SCHEMA,
    )


def _concat(frames: list[pl.DataFrame], ds: Dataset) -> pl.DataFrame:
    if not frames:
        return ds.empty()
    return pl.concat([f.select(list(ds.schema)) for f in frames], how="vertical_relaxed")


def _scope(companies: dict[str, str], days: Sequence[dt.date], cik: str, date: str) -> pl.DataFrame:
    return pl.DataFrame({cik: list(companies)}).join(
        pl.DataFrame({date: list(days)}, schema={date: pl.Date}), how="cross"
    )


def _document_url(row: dict) -> str | None:
    document = row["primary_document"]
    return (
        urls.archive_document(row["cik"], row["accession_number"], document) if document else None
    )
