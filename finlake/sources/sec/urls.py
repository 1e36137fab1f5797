"""EDGAR identifiers and URLs. Every CIK and accession number is validated before it reaches a
URL or a path."""

from __future__ import annotations

import datetime as dt
import re

WWW = "https://www.sec.gov"
DATA = "https://data.sec.gov"
ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
DOCUMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,199}$")


def cik10(cik: object) -> str:
    """A CIK as the 10-digit zero-padded string SEC's JSON APIs use."""
    text = str(cik).strip()
    if not text.isdigit() or len(text) > 10 or int(text) == 0:
        raise ValueError(f"invalid CIK {cik!r}")
    return text.zfill(10)


def accession(value: object) -> str:
    text = str(value).strip()
    if not ACCESSION.fullmatch(text):
        raise ValueError(f"invalid accession number {value!r} (expected 0000000000-00-000000)")
    return text


def document_name(name: str) -> str:
    """A document file name inside a filing folder (Form 4 XSL prefixes stripped by callers)."""
    if not DOCUMENT.fullmatch(name):  # no '/', so never outside the filing's folder
        raise ValueError(f"invalid document name {name!r}")
    return name


def company_tickers() -> str:
    return f"{WWW}/files/company_tickers.json"


def company_tickers_exchange() -> str:
    return f"{WWW}/files/company_tickers_exchange.json"


def submissions(cik: object) -> str:
    return f"{DATA}/submissions/CIK{cik10(cik)}.json"


def submissions_page(name: str) -> str:
    """An older-filings page listed in filings.files, e.g. CIK0000320193-submissions-001.json."""
    if not re.fullmatch(r"CIK\d{10}-submissions-\d{3}\.json", name):
        raise ValueError(f"invalid submissions page name {name!r}")
    return f"{DATA}/submissions/{name}"


def companyfacts(cik: object) -> str:
    return f"{DATA}/api/xbrl/companyfacts/CIK{cik10(cik)}.json"


def daily_index(day: dt.date, kind: str = "form") -> str:
    if kind not in ("form", "company", "master"):
        raise ValueError(f"unknown daily index kind {kind!r}")
    quarter = (day.month - 1) // 3 + 1
    return f"{WWW}/Archives/edgar/daily-index/{day.year}/QTR{quarter}/{kind}.{day:%Y%m%d}.idx"


def folder(cik: object, acc: str) -> str:
    return f"{WWW}/Archives/edgar/data/{int(cik10(cik))}/{accession(acc).replace('-', '')}"


def archive_document(cik: object, acc: str, document: str) -> str:
    return f"{folder(cik, acc)}/{document_name(document)}"


def sgml_header(cik: object, acc: str) -> str:
    """The submission's SGML header, whose <ACCEPTANCE-DATETIME> is authoritative (ET)."""
    return f"{folder(cik, acc)}/{accession(acc)}.hdr.sgml"


def current_feed(count: int = 100) -> str:
    return (
        f"{WWW}/cgi-bin/browse-edgar?action=getcurrent&type=&company=&dateb=&owner=include"
        f"&start=0&count={int(count)}&output=atom"
    )
