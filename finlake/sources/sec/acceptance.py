"""True UTC acceptance times.

The submissions JSON labels acceptanceDateTime with a 'Z', but for a good share of filers the
value is New York wall-clock time. The SGML header's <ACCEPTANCE-DATETIME> (US/Eastern) is
authoritative. When a filing's header is unavailable, the filer's own habit is learned from its
other filings that have both (a per-CIK majority vote) and applied; without any evidence the
label is taken at face value and flagged as unverified. Old filings (before about 2002) carry a
midnight placeholder on their filing date instead of a time; those stay unknown (null).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from finlake.calendar import NY

SGML = "sgml_header"
JSON_UTC = "submissions_json"
JSON_NEW_YORK = "submissions_json_new_york"
JSON_UNVERIFIED = "submissions_json_unverified"


def parse_json_time(raw: str | None, filing_date: dt.date | None = None) -> dt.datetime | None:
    """The naive wall-clock value of an acceptanceDateTime string (its 'Z' is not trusted), or
    None for the midnight placeholder on the filing date itself. (EDGAR accepts 06:00-22:00 ET,
    so a true midnight is impossible in New York time; in UTC it lands on the next date.)"""
    if not raw:
        return None
    wall = dt.datetime.fromisoformat(raw.replace("Z", "").split(".")[0])
    if wall.time() == dt.time(0) and wall.date() == filing_date:
        return None
    return wall


def filer_habits(rows: pl.DataFrame) -> dict[str, str]:
    """cik -> 'utc' or 'new_york', from filings with both a JSON value and a header time."""
    votes: dict[str, dict[str, int]] = {}
    cols = ("cik", "acceptance_raw", "filing_date", "header_accepted")
    for cik, raw, day, header in rows.select(cols).iter_rows():
        wall = parse_json_time(raw, day)
        if wall is None or header is None:
            continue
        if wall.replace(tzinfo=dt.UTC) == header:
            kind = "utc"
        elif wall.replace(tzinfo=NY) == header:
            kind = "new_york"
        else:
            continue
        votes.setdefault(cik, {}).setdefault(kind, 0)
        votes[cik][kind] += 1
    return {cik: max(v, key=lambda k: v[k]) for cik, v in votes.items()}


def resolve(rows: pl.DataFrame) -> pl.DataFrame:
    """Add acceptance_datetime (UTC) and acceptance_source to rows with cik, acceptance_raw,
    filing_date and header_accepted (the SGML header time, UTC, or null)."""
    habits = filer_habits(rows)
    values, sources = [], []
    cols = ("cik", "acceptance_raw", "filing_date", "header_accepted")
    for cik, raw, day, header in rows.select(cols).iter_rows():
        if header is not None:
            values.append(header)
            sources.append(SGML)
            continue
        wall = parse_json_time(raw, day)
        habit = habits.get(cik)
        if wall is None:
            values.append(None)
            sources.append(None)
        elif habit == "new_york":
            values.append(wall.replace(tzinfo=NY).astimezone(dt.UTC))
            sources.append(JSON_NEW_YORK)
        else:
            values.append(wall.replace(tzinfo=dt.UTC))
            sources.append(JSON_UTC if habit == "utc" else JSON_UNVERIFIED)
    return rows.with_columns(
        pl.Series("acceptance_datetime", values, dtype=pl.Datetime("us", "UTC")),
        pl.Series("acceptance_source", sources, dtype=pl.String),
    )
