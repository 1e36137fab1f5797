"""Parse kinds fred-observations (one FRED `series/observations` JSON file, plain or ALFRED ->
macro_observations rows with their real-time intervals) and fed-press (the Fed's press RSS ->
policy_events rows, with decisions from statement pages beside the file; or one FOMC statement
page -> its decision).

The series id comes from --series or the file name (observations_<ID>_...json, <ID>.json). An
observations file does not carry the series' title, units or frequency (the `series` endpoint
does), so those columns are null here; the pipeline fills them.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import polars as pl

from finlake.datasets import MACRO_OBSERVATIONS, POLICY_EVENTS
from finlake.gate import apply_gate
from finlake.parse_kinds.base import ParseInput, ParseOutput
from finlake.pipelines.policy import feed_events, fold_events, statement_decisions
from finlake.schemas.macro import MACRO_OBSERVATIONS_SCHEMA, POLICY_EVENTS_SCHEMA
from finlake.sources.base import REJECT_SCHEMA, PayloadError
from finlake.sources.fed.decisions import with_history
from finlake.sources.fed.meetings import load_meetings
from finlake.sources.fed.statements import (
    is_statement_title,
    parse_statement,
    statement_day,
    statement_heading,
)
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
    """The Fed's press RSS -> policy_events rows, or one FOMC statement page -> its decision.

    In a feed, an FOMC statement's decision is read from its page when that page sits beside the
    file under its own name (monetary20241218a.htm). A feed whose links are not the Fed's is
    refused: another agency's releases are not policy events."""
    if _is_html_page(payload.body):
        return _statement_page(payload)
    now = dt.datetime.now(dt.UTC)
    base = {"fetched_at": now, "url": "", "key": ""}
    rows = [{**base, "kind": "feed", "key": "file", "body": payload.body}]
    folder = payload.path.parent if payload.path else None
    items = parse_rss(payload.body, FeedContext("file", "Federal Reserve", "", now))
    _require_fed_links(items, payload)
    for url, title in items.select("url", "title").iter_rows():
        page = folder / url.rsplit("/", 1)[-1] if folder and url else None
        if page and is_statement_title(title) and page.is_file():
            rows.append({**base, "kind": "statement", "url": url, "body": page.read_bytes()})
    batch = pl.DataFrame(rows)
    decided, problems = statement_decisions(batch)
    events, _ = fold_events(
        POLICY_EVENTS.empty(), feed_events(batch, {})[0], decided, load_meetings()
    )
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


FOMC_DECISION_SCHEMA = {
    "meeting_date": pl.Date,
    "title": pl.String,
    "target_low": pl.Float64,
    "target_high": pl.Float64,
    "action": pl.String,
    "change_bps": pl.Int64,
    "change_source": pl.String,
    "dissents": pl.List(pl.String),
    "dissent_preferences": pl.List(pl.String),
}


def _is_html_page(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _statement_page(payload: ParseInput) -> ParseOutput:
    """One statement page: its decision, the size of the move derived from the shipped history
    of decisions when the text gives only the new range, the meeting date printed on the page."""
    where = payload.path.name if payload.path else "the page"
    heading = statement_heading(payload.body)
    if not is_statement_title(heading or ""):
        raise PayloadError(f"{where} is not an FOMC statement page (its title: {heading!r})")
    day = statement_day(payload.body)
    decision = with_history(parse_statement(payload.body), day)
    row = {
        "meeting_date": day,
        "title": heading,
        "target_low": decision.target_low,
        "target_high": decision.target_high,
        "action": decision.action,
        "change_bps": decision.change_bps,
        "change_source": decision.change_source,
        "dissents": list(decision.dissents),
        "dissent_preferences": list(decision.dissent_preferences),
    }
    problems = []
    if decision.action is None or decision.target_high is None:
        problems.append(
            {
                "dataset": "fomc_decision",
                "partition": "file",
                "row": where,
                "reason": "the page states no decision on the federal funds target",
            }
        )
    return ParseOutput(
        datasets={"fomc_decision": pl.DataFrame([row], schema=FOMC_DECISION_SCHEMA)},
        rejected=pl.DataFrame(problems, schema=REJECT_SCHEMA),
    )


def _require_fed_links(items: pl.DataFrame, payload: ParseInput) -> None:
    hosts = {
        (urlsplit(url).hostname or "").lower()
        for url in items.get_column("url").drop_nulls().to_list()
    }
    if hosts and not any(
        h == "federalreserve.gov" or h.endswith(".federalreserve.gov") for h in hosts
    ):
        where = payload.path.name if payload.path else "the feed"
        raise PayloadError(
            f"{where} is not a Federal Reserve feed: its links point to {', '.join(sorted(hosts))}"
        )
