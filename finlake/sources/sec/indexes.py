"""EDGAR daily (and full) index files -> one row per filing.

form.idx and company.idx are fixed width; the column positions are read from the header line
("Form Type   Company Name   CIK   Date Filed   File Name"), so either layout parses. master.idx
is pipe-delimited. Daily files write Date Filed as YYYYMMDD, full-index files as YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from finlake.sources.base import PayloadError
from finlake.sources.sec.urls import cik10

SCHEMA = {
    "form": pl.String,
    "company_name": pl.String,
    "cik": pl.String,
    "date_filed": pl.Date,
    "file_name": pl.String,
    "accession_number": pl.String,
}
HEADERS = {
    "Form Type": "form",
    "Company Name": "company_name",
    "CIK": "cik",
    "Date Filed": "date_filed",
    "File Name": "file_name",
}
ACCESSION_IN_PATH = re.compile(r"(\d{10}-\d{2}-\d{6})\.txt$")


def _date(text: str) -> dt.date:
    text = text.strip()
    return (
        dt.date.fromisoformat(text) if "-" in text else dt.datetime.strptime(text, "%Y%m%d").date()
    )


def _row(values: dict[str, str], line_no: int) -> tuple:
    path = values["file_name"].strip()
    match = ACCESSION_IN_PATH.search(path)
    try:
        return (
            values["form"].strip(),
            values["company_name"].strip(),
            cik10(values["cik"].strip()),
            _date(values["date_filed"]),
            path,
            match.group(1) if match else None,
        )
    except ValueError as exc:
        raise PayloadError(f"index line {line_no}: {exc}") from None


def parse_index(body: bytes) -> pl.DataFrame:
    text = body.decode("latin-1")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("CIK|Company Name|Form Type"):
            return _pipe(lines[i + 1 :], i + 1)
        if "Form Type" in line and "Company Name" in line and "CIK" in line:
            return _fixed(line, lines[i + 1 :], i + 1)
    raise PayloadError("not an EDGAR index file: no column header line found")


def _pipe(lines: list[str], offset: int) -> pl.DataFrame:
    rows = []
    for n, line in enumerate(lines, offset + 1):
        if not line.strip() or line.startswith("---"):
            continue
        parts = line.split("|")
        if len(parts) != 5:
            raise PayloadError(f"index line {n}: expected 5 fields, got {len(parts)}")
        cik, name, form, date, path = parts
        rows.append(
            _row(
                {
                    "cik": cik,
                    "company_name": name,
                    "form": form,
                    "date_filed": date,
                    "file_name": path,
                },
                n,
            )
        )
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _fixed(header: str, lines: list[str], offset: int) -> pl.DataFrame:
    """CIK, date and path are single tokens at the right of every row; the left part holds the
    form and the company name in the header's order, split where the second column starts.
    (company.idx wraps its own header line, so only the left columns' positions are used.)"""
    form_first = header.index("Form Type") < header.index("Company Name")
    split = header.index("Company Name" if form_first else "Form Type")
    rows = []
    for n, line in enumerate(lines, offset + 1):
        if not line.strip() or line.startswith("---") or "Date Filed" in line:
            continue
        parts = line.rsplit(None, 3)
        if len(parts) != 4:
            raise PayloadError(f"index line {n}: cannot split {line!r}")
        left, cik, date, path = parts
        first, second = left[:split].strip(), left[split:].strip()
        form, name = (first, second) if form_first else (second, first)
        rows.append(
            _row(
                {
                    "form": form,
                    "company_name": name,
                    "cik": cik,
                    "date_filed": date,
                    "file_name": path,
                },
                n,
            )
        )
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
