"""EDGAR's current-filings Atom feed -> one row per entry (what the sensor polls)."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from finlake.sources.base import PayloadError
from finlake.sources.feed_xml import read_feed

TITLE = re.compile(r"^(?P<form>.+?) - (?P<name>.*) \((?P<cik>\d{10})\) \((?P<role>[^)]+)\)$")
FILED = re.compile(r"Filed:</b>\s*(\d{4}-\d{2}-\d{2})")
ACCESSION = re.compile(r"accession-number=(\d{10}-\d{2}-\d{6})")
SCHEMA = {
    "accession_number": pl.String,
    "form": pl.String,
    "cik": pl.String,
    "company_name": pl.String,
    "role": pl.String,
    "filing_date": pl.Date,
    "updated": pl.Datetime("us", "UTC"),
    "link": pl.String,
}


def parse_current_feed(body: bytes) -> pl.DataFrame:
    parsed = read_feed(body, "current filings feed")
    if parsed.bozo and not parsed.entries:
        raise PayloadError(f"current filings feed: not a feed ({parsed.bozo_exception})")
    rows = []
    for entry in parsed.entries:
        title = TITLE.match(entry.get("title", "").strip())
        acc = ACCESSION.search(entry.get("id", ""))
        filed = FILED.search(entry.get("summary", ""))
        if not (title and acc):
            raise PayloadError(f"current filings feed: unexpected entry {entry.get('title')!r}")
        updated = entry.get("updated_parsed")
        rows.append(
            (
                acc.group(1),
                title["form"],
                title["cik"],
                title["name"],
                title["role"],
                dt.date.fromisoformat(filed.group(1)) if filed else None,
                dt.datetime(*updated[:6], tzinfo=dt.UTC) if updated else None,
                entry.get("link"),
            )
        )
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
