"""data.sec.gov submissions JSON (and its paginated older files) -> filing rows.

`filings.recent` holds column arrays of the latest filings (a year or 1,000, whichever is more);
older ones live in the files listed in `filings.files`, which have the same arrays at top level.
acceptanceDateTime carries a 'Z' but for some filers is New York wall-clock time; it is kept raw
here and resolved against the SGML header by the pipeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import orjson
import polars as pl

from finlake.sources.base import PayloadError
from finlake.sources.sec.urls import accession, cik10

COLUMNS = (
    "accessionNumber",
    "filingDate",
    "reportDate",
    "acceptanceDateTime",
    "form",
    "items",
    "size",
    "isXBRL",
    "primaryDocument",
)
SCHEMA = {
    "accession_number": pl.String,
    "filing_date": pl.Date,
    "report_date": pl.Date,
    "acceptance_raw": pl.String,
    "form": pl.String,
    "items": pl.List(pl.String),
    "size": pl.Int64,
    "is_xbrl": pl.Boolean,
    "primary_document": pl.String,
}


@dataclass
class Submissions:
    cik: str | None  # None for a pagination page
    name: str | None
    tickers: list[str]
    exchanges: list[str]
    filings: pl.DataFrame  # SCHEMA
    pages: list[dict] = field(default_factory=list)  # filings.files entries


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def raw_document(primary: str | None) -> str | None:
    """Forms 3/4/5 list the XSL rendering (xslF345X05/doc.xml); the raw XML is doc.xml."""
    if not primary:
        return None
    return primary.split("/", 1)[1] if primary.startswith("xsl") and "/" in primary else primary


def _filings(columns: dict, label: str) -> pl.DataFrame:
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise PayloadError(f"{label}: filings arrays missing {missing}")
    n = len(columns["accessionNumber"])
    if any(len(columns[c]) != n for c in COLUMNS):
        raise PayloadError(f"{label}: filings arrays have different lengths")
    try:
        rows = {
            "accession_number": [accession(a) for a in columns["accessionNumber"]],
            "filing_date": [_date(d) for d in columns["filingDate"]],
            "report_date": [_date(d) for d in columns["reportDate"]],
            "acceptance_raw": [a or None for a in columns["acceptanceDateTime"]],
            "form": [str(f).strip() for f in columns["form"]],
            "items": [[i for i in str(v).split(",") if i] for v in columns["items"]],
            "size": [int(s) if s not in (None, "") else None for s in columns["size"]],
            "is_xbrl": [bool(int(x or 0)) for x in columns["isXBRL"]],
            "primary_document": [raw_document(p) for p in columns["primaryDocument"]],
        }
    except (ValueError, TypeError) as exc:
        raise PayloadError(f"{label}: bad filing value ({exc})") from None
    return pl.DataFrame(rows, schema=SCHEMA)


def parse_submissions(body: bytes, label: str = "submissions") -> Submissions:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"{label}: malformed JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise PayloadError(f"{label}: expected a JSON object")
    if "filings" not in doc:  # a pagination page: the arrays at top level
        return Submissions(None, None, [], [], _filings(doc, label))
    filings = doc["filings"]
    if not isinstance(filings, dict) or not isinstance(filings.get("recent"), dict):
        raise PayloadError(f"{label}: no filings.recent")
    try:
        cik = cik10(doc.get("cik"))
    except ValueError as exc:
        raise PayloadError(f"{label}: {exc}") from None
    return Submissions(
        cik=cik,
        name=doc.get("name"),
        tickers=[str(t).upper() for t in doc.get("tickers") or []],
        exchanges=[str(e) for e in doc.get("exchanges") or []],
        filings=_filings(filings["recent"], label),
        pages=list(filings.get("files") or []),
    )
