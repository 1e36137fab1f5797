"""Parse kinds fred-observations (one FRED `series/observations` JSON file, plain or ALFRED ->
macro_observations rows with their real-time intervals) and fed-press (the Fed's press RSS ->
policy_events rows, with decisions from statement pages beside the file).

The series id comes from --series or the file name (observations_<ID>_...json, <ID>.json). An
observations file does not carry the series' title, units or frequency (the `series` endpoint
does), so those columns are null here; the pipeline fills them.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from finlake.datasets import MACRO_OBSERVATIONS, POLICY_EVENTS
from finlake.gate import apply_gate
from finlake.parsers.base import ParseInput, ParseOutput
from finlake.pipelines.policy import feed_events, fold_events, statement_decisions
from finlake.schemas.macro import MACRO_OBSERVATIONS_SCHEMA, POLICY_EVENTS_SCHEMA
from finlake.sources.base import PayloadError
from finlake.sources.fed.statements import is_statement_title
from finlake.sources.fred.payloads import parse_observations
from finlake.sources.news.items import FeedContext, parse_rss

FILE_NAME = re.compile(
    r"^(?:observations_)?([A-Z0-9][A-Z0-9_]*?)(?:_\d{4}-\d{2}-\d{2}|_alfred.*)?$"
)


def series_from_path(payload: ParseInput) -> str:
    if payload.series_id:
        return payload.series_id
    match = FILE_NAME.match(payload.path.stem) if payload.path else None
    if not match:
        raise PayloadError("cannot tell the series from the file name: pass --series ID")
    return match.group(1)


def parse_fred_observations(payload: ParseInput) -> ParseOutput:
    rows = parse_observations(payload.body, series_from_path(payload)).with_columns(
        pl.lit(None, pl.String).alias("units"),
        pl.lit(None, pl.String).alias("frequency"),
        pl.lit(None, pl.String).alias("title"),
        pl.lit(dt.datetime.now(dt.UTC), pl.Datetime("us", "UTC")).alias("fetched_at"),
    )
    gate = apply_gate(
        MACRO_OBSERVATIONS.conform(rows),
        MACRO_OBSERVATIONS_SCHEMA,
        dataset=MACRO_OBSERVATIONS.name,
        partition_by="series_id",
        max_bad_fraction=1.0,
    )
    return ParseOutput(datasets={MACRO_OBSERVATIONS.name: gate.valid}, rejected=gate.rejected)


def parse_fed_press(payload: ParseInput) -> ParseOutput:
    """The Fed's press RSS -> policy_events rows. An FOMC statement's decision is read from its
    page when that page sits beside the file under its own name (monetary20241218a.htm)."""
    now = dt.datetime.now(dt.UTC)
    base = {"fetched_at": now, "url": "", "key": ""}
    rows = [{**base, "kind": "feed", "key": "file", "body": payload.body}]
    folder = payload.path.parent if payload.path else None
    items = parse_rss(payload.body, FeedContext("file", "Federal Reserve", "", now))
    for url, title in items.select("url", "title").iter_rows():
        page = folder / url.rsplit("/", 1)[-1] if folder and url else None
        if page and is_statement_title(title) and page.is_file():
            rows.append({**base, "kind": "statement", "url": url, "body": page.read_bytes()})
    batch = pl.DataFrame(rows)
    decided, problems = statement_decisions(batch)
    events, _ = fold_events(POLICY_EVENTS.empty(), feed_events(batch, {})[0], decided)
    gate = apply_gate(
        events,
        POLICY_EVENTS_SCHEMA,
        dataset=POLICY_EVENTS.name,
        partition_by=None,
        max_bad_fraction=1.0,
    )
    rejected = pl.concat(
        [
            gate.rejected,
            pl.DataFrame(
                [
                    {
                        "dataset": POLICY_EVENTS.name,
                        "partition": "file",
                        "row": p["url"],
                        "reason": p["reason"],
                    }
                    for p in problems
                ],
                schema=gate.rejected.schema,
            ),
        ]
    )
    return ParseOutput(datasets={POLICY_EVENTS.name: gate.valid}, rejected=rejected)
