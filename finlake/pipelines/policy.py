"""Monetary policy as plain functions: the Fed's press feeds -> bronze -> policy_events, and the
FOMC calendar -> fomc_meetings.

A feed item only points at its release, so for each FOMC statement not yet stored with its
decision the statement page is fetched as well ("index, then blob"); feeds and pages are kept in
bronze as received. Silver folds the bronze batches it has not applied yet: every release once
(keyed by a hash of its URL), the decision parsed from the statement page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from finlake.calendar import NY
from finlake.datasets import FOMC_MEETINGS, POLICY_EVENTS
from finlake.gate import apply_gate
from finlake.lake import RAW_SCHEMA, Lake, raw_row
from finlake.pipelines.batches import finish_batches, partition, pending_batches
from finlake.schemas.macro import FOMC_MEETINGS_SCHEMA, POLICY_EVENTS_SCHEMA
from finlake.sources.base import REJECT_SCHEMA, PayloadError, SourceError, stops_the_fetch
from finlake.sources.fed.decisions import merged_history, with_history
from finlake.sources.fed.meetings import FomcMeeting
from finlake.sources.fed.statements import (
    Decision,
    is_statement_title,
    parse_statement,
    statement_day,
    statement_heading,
)
from finlake.sources.news.client import FeedResponse, NewsTransport, request_headers
from finlake.sources.news.feeds import Feed
from finlake.sources.news.items import FeedContext, canonical_url, parse_rss

BRONZE_SOURCE = "fed"
FED_FEEDS = ("fed_press_monetary", "fed_press_all")  # registry names; monetary first
STATEMENTS_FROM = dt.date(2008, 1, 1)  # statements fetched by address from this day on
# a meeting's statement is monetary<YYYYMMDD><letter>.htm; the letter is its place among the
# day's monetary releases (mostly a; b on 2008-01-22 and 2008-12-16)
_LETTERS = "abcd"
_STATEMENT_LINK = re.compile(r"/pressreleases/monetary(\d{8})[a-z]\.htm$")


def statement_url(day: dt.date, letter: str) -> str:
    return (
        f"https://www.federalreserve.gov/newsevents/pressreleases/monetary{day:%Y%m%d}{letter}.htm"
    )


def event_id(url: str) -> str:
    return hashlib.blake2b(_same_page(url).encode(), digest_size=16).hexdigest()


def _same_page(url: str) -> str:
    """One spelling per page (scheme, host case, tracking parameters): a feed's link and the
    stored event of the same statement compare equal."""
    return canonical_url(url) or url


def _decided(lake: Lake) -> pl.DataFrame:
    """Statements already stored with a parsed decision (url, meeting_date): their pages are
    not fetched again."""
    if not lake.has_data(POLICY_EVENTS):
        return pl.DataFrame(schema={"url": pl.String, "meeting_date": pl.Date})
    rows = lake.scan(POLICY_EVENTS).filter(pl.col("action").is_not_null())
    return rows.select("url", "meeting_date").collect()


def _link_day(url: str) -> dt.date | None:
    match = _STATEMENT_LINK.search(url)
    try:
        return dt.datetime.strptime(match[1], "%Y%m%d").date() if match else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- fetch
@dataclass
class PolicyFetchReport:
    requests: int = 0
    items: int = 0
    statements_fetched: list[str] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)  # what, error
    path: Path | None = None


def fetch_policy(
    transport: NewsTransport,
    lake: Lake,
    feeds: Sequence[Feed],
    *,
    meetings: Sequence[FomcMeeting] = (),
    clock: dt.datetime,
    run_id: str,
    live: bool,
    env: Mapping[str, str] = os.environ,
) -> PolicyFetchReport:
    """One read of the Fed feeds, plus the pages of statements without a stored decision: those
    the feeds list, and those of past `meetings` fetched by address (every statement since 2008
    once, though the feeds list only the latest)."""
    report = PolicyFetchReport()
    stored = _decided(lake)
    decided = {_same_page(u) for u in stored.get_column("url").to_list()}
    covered = set(stored.get_column("meeting_date").drop_nulls().to_list())
    rows: list[dict] = []

    def keep(kind: str, key: str, url: str, status: int, body: bytes) -> None:
        day = (clock.date(), clock.date())
        rows.append(raw_row(BRONZE_SOURCE, kind, key, url, day, clock, run_id, status, body))

    wanted: dict[str, str] = {}
    feeds_read = 0
    for feed in feeds:
        try:
            headers = request_headers(feed, env) if live else {}
            response = transport.get(feed.url, headers)
            report.requests += 1
            if response.status != 200:
                raise SourceError(f"HTTP {response.status}")
        except SourceError as exc:
            if stops_the_fetch(exc):
                raise
            report.failures.append(
                {"what": feed.name, "error": str(exc), "retryable": exc.retryable}
            )
            continue
        keep("feed", feed.name, feed.url, response.status, response.body)  # as received
        try:
            items = parse_rss(response.body, FeedContext(feed.name, feed.publisher, "", clock))
        except PayloadError as exc:  # silver quarantines it, with its bytes in bronze
            report.failures.append({"what": feed.name, "error": str(exc)})
            continue
        feeds_read += 1
        report.items += items.height
        for url, title in items.select("url", "title").iter_rows():
            if url and is_statement_title(title) and _same_page(url) not in decided:
                wanted[url] = title
    for url in wanted:
        try:
            response = transport.get(url, {})
            report.requests += 1
            if response.status != 200:
                raise SourceError(f"HTTP {response.status}")
        except SourceError as exc:
            report.failures.append({"what": url, "error": str(exc)})
            continue
        keep("statement", url, url, response.status, response.body)
        report.statements_fetched.append(url)
        covered.add(_link_day(url))
    for meeting in meetings:
        at = meeting.statement_at
        if at is None or at > clock or meeting.end < STATEMENTS_FROM or meeting.end in covered:
            continue
        try:
            found = _statement_by_address(transport, meeting.end, report)
        except SourceError as exc:
            if stops_the_fetch(exc):
                raise
            report.failures.append({"what": f"FOMC statement of {meeting.end}", "error": str(exc)})
            continue
        if found is None:
            tried = ", ".join(statement_url(meeting.end, letter) for letter in _LETTERS)
            report.failures.append(
                {"what": f"FOMC statement of {meeting.end}", "error": f"no statement at {tried}"}
            )
            continue
        url, response = found
        keep("statement", url, url, response.status, response.body)
        report.statements_fetched.append(url)
    if feeds and not feeds_read:
        error = SourceError(f"every Fed feed failed: {report.failures[:2]}")
        error.retryable = any(f.get("retryable") for f in report.failures)
        raise error
    if rows:
        report.path = lake.write_bronze(
            BRONZE_SOURCE, clock.date().isoformat(), pl.DataFrame(rows), RAW_SCHEMA
        )
    return report


def _statement_by_address(
    transport: NewsTransport, day: dt.date, report: PolicyFetchReport
) -> tuple[str, FeedResponse] | None:
    """The statement page of the meeting that ended on `day`: the first of its day's monetary
    releases whose heading is an FOMC statement (other releases of the day are skipped)."""
    for letter in _LETTERS:
        url = statement_url(day, letter)
        response = transport.get(url, {})
        report.requests += 1
        if response.status == 404:
            continue
        if response.status != 200:
            raise SourceError(f"HTTP {response.status} for {url}")
        if is_statement_title(statement_heading(response.body) or ""):
            return url, response
    return None


# --------------------------------------------------------------------------- silver
@dataclass
class PolicySilverReport:
    batches: int
    new: pl.DataFrame
    decisions: int
    rejected: pl.DataFrame


def feed_events(batch: pl.DataFrame, feeds: Mapping[str, Feed]) -> tuple[pl.DataFrame, list[dict]]:
    """The events of a batch's feeds, and a problem (naming where its bytes are kept) for each
    feed body that does not parse: the other feeds of the batch still count."""
    frames, problems = [], []
    for row in batch.filter(pl.col("kind") == "feed").iter_rows(named=True):
        feed = feeds.get(row["key"])
        ctx = FeedContext(row["key"], "Federal Reserve", "", row["fetched_at"])
        try:
            items = parse_rss(row["body"], ctx)
        except PayloadError as exc:
            where = {"feed": row["key"], "url": row["url"], "sha256": row["sha256"]}
            problems.append({**where, "bytes": len(row["body"]), "reason": f"feed: {exc}"})
            continue
        if feed is not None:
            items = items.with_columns(pl.lit(feed.name).alias("feed"))
        frames.append(items)
    if not frames:
        return pl.DataFrame(), problems
    items = pl.concat(frames).filter(pl.col("url").is_not_null())
    return (
        items.with_columns(
            pl.col("url").map_elements(event_id, return_dtype=pl.String).alias("event_id"),
            pl.col("categories").list.first().alias("category"),
        )
        .group_by("event_id")
        .agg(
            pl.col("published_at").min(),
            pl.col("title").first(),
            pl.col("url").first(),
            pl.col("category").drop_nulls().first(),
            pl.col("feed").unique().sort().alias("feeds"),
            pl.col("fetched_at").min(),
        )
    ), problems


def statement_decisions(batch: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
    rows, problems = [], []
    for row in batch.filter(pl.col("kind") == "statement").iter_rows(named=True):
        try:
            decision = parse_statement(row["body"])
        except PayloadError as exc:
            problems.append({"url": row["url"], "reason": f"statement page: {exc}"})
            continue
        rows.append(
            {
                "event_id": event_id(row["url"]),
                "url": row["url"],
                "page_title": statement_heading(row["body"]),
                "page_day": statement_day(row["body"]) or _link_day(row["url"]),
                "target_low": decision.target_low,
                "target_high": decision.target_high,
                "change_bps": decision.change_bps,
                "change_source": decision.change_source,
                "action": decision.action,
                "dissents": list(decision.dissents),
                "fetched_at": row["fetched_at"],
            }
        )
    return pl.DataFrame(rows, schema=_PAGE_SCHEMA, orient="row"), problems


_DECISION = ["target_low", "target_high", "change_bps", "change_source", "action", "dissents"]
_PAGE_SCHEMA = {
    "event_id": pl.String,
    "url": pl.String,
    "page_title": pl.String,
    "page_day": pl.Date,
    **{c: POLICY_EVENTS.schema[c] for c in [*_DECISION, "fetched_at"]},
}


def build_policy_silver(
    lake: Lake,
    feeds: Mapping[str, Feed],
    *,
    run_id: str,
    meetings: Sequence[FomcMeeting] = (),
) -> PolicySilverReport:
    pending = pending_batches(lake, POLICY_EVENTS, BRONZE_SOURCE)
    has_events = lake.has_data(POLICY_EVENTS)
    stored = lake.scan(POLICY_EVENTS).collect() if has_events else POLICY_EVENTS.empty()
    rejects: list[dict] = []
    new_ids: set[str] = set()
    decisions = 0
    for file in pending.files:
        batch = pending.batch(lake, file)
        part = partition(file)
        events, problems = feed_events(batch, feeds)
        for problem in problems:
            where = {**problem, "bronze_file": file}
            rejects.append({"partition": part, "row": where, "reason": where.pop("reason")})
        decided, problems = statement_decisions(batch)
        rejects.extend({"partition": part, "row": p, "reason": p["reason"]} for p in problems)
        decisions += decided.height
        stored, added = fold_events(stored, events, decided, meetings)
        new_ids |= added
    gate = apply_gate(stored, POLICY_EVENTS_SCHEMA, dataset=POLICY_EVENTS.name, partition_by=None)
    reject_rows = pl.concat(
        [
            pl.DataFrame(
                [
                    {
                        "dataset": POLICY_EVENTS.name,
                        "partition": r["partition"],
                        "row": orjson.dumps(r["row"], default=str).decode(),
                        "reason": r["reason"],
                    }
                    for r in rejects
                ],
                schema=REJECT_SCHEMA,
            ),
            gate.rejected,
        ]
    )
    guard = lake.guard(POLICY_EVENTS, gate.valid, reject_rows)
    reject_rows = guard.rejected
    if not gate.valid.is_empty():
        lake.merge(
            POLICY_EVENTS,
            gate.valid,
            gate.valid.select("event_id", "published_at"),
            keep=guard.keep,
        )
    finish_batches(lake, POLICY_EVENTS, pending, reject_rows, run_id)
    new = gate.valid.filter(pl.col("event_id").is_in(sorted(new_ids)))
    return PolicySilverReport(len(pending.files), new, decisions, reject_rows)


def fold_events(
    stored: pl.DataFrame,
    events: pl.DataFrame,
    decided: pl.DataFrame,
    meetings: Sequence[FomcMeeting] = (),
) -> tuple[pl.DataFrame, set[str]]:
    """Stored events with a batch's items (feeds unioned, first sighting kept) and decisions; a
    statement page no feed listed becomes an event of its own, dated by its meeting."""
    if events.is_empty() and decided.is_empty():
        return stored, set()
    known = stored.select("event_id")
    if not events.is_empty():
        known = pl.concat([known, events.select("event_id")])
    unlisted = decided.join(known, on="event_id", how="anti").unique("event_id")
    # a page neither its heading nor its address dates cannot be placed as an event; its
    # meeting stays uncovered, which the statements_cover_meetings check reports
    unlisted = unlisted.filter(pl.col("page_day").is_not_null())
    if not unlisted.is_empty():
        pages = _page_events(unlisted, meetings)
        events = pages if events.is_empty() else pl.concat([events, pages.select(events.columns)])
    added = set()
    if not events.is_empty():
        fresh = events.join(stored.select("event_id"), on="event_id", how="anti")
        added = set(fresh.get_column("event_id").to_list())
        statements = fresh.get_column("title").map_elements(
            is_statement_title, return_dtype=pl.Boolean
        )
        fresh = fresh.with_columns(
            statements.alias("is_fomc_statement"),
            # a statement is released on its meeting's last day; the page's date wins below
            pl.when(statements)
            .then(pl.col("published_at").dt.convert_time_zone(NY.key).dt.date())
            .alias("meeting_date"),
            *[pl.lit(None, POLICY_EVENTS.schema[c]).alias(c) for c in _DECISION],
        )
        seen = events.join(stored.select("event_id", pl.col("feeds").alias("old")), on="event_id")
        grown = seen.select(
            "event_id", pl.concat_list("feeds", "old").list.unique().list.sort().alias("feeds")
        )
        stored = stored.update(grown, on="event_id")
        stored = pl.concat([stored, POLICY_EVENTS.conform(fresh)])
    if not decided.is_empty():
        pages = decided.unique("event_id", keep="last").select(
            "event_id", *_DECISION, "page_day", pl.lit(True).alias("paged")
        )
        stored = stored.join(pages, on="event_id", how="left", suffix="_page")
        paged = pl.col("paged").fill_null(False)
        stored = stored.with_columns(
            pl.coalesce("page_day", "meeting_date").alias("meeting_date"),
            *[
                pl.when(paged).then(pl.col(f"{c}_page")).otherwise(pl.col(c)).alias(c)
                for c in _DECISION
            ],
        ).drop("page_day", "paged", *[f"{c}_page" for c in _DECISION])
    return POLICY_EVENTS.conform(_derive_changes(POLICY_EVENTS.conform(stored))), added


def _page_events(pages: pl.DataFrame, meetings: Sequence[FomcMeeting]) -> pl.DataFrame:
    """Events for statement pages fetched by address: released at their meeting's statement
    time (14:00 ET where the calendar does not know the day)."""
    released = {m.end: m.statement_at for m in meetings if m.statement_at is not None}
    rows = []
    for page in pages.iter_rows(named=True):
        day = page["page_day"]
        at = released.get(day) or dt.datetime.combine(day, dt.time(14), tzinfo=NY)
        rows.append(
            {
                "event_id": page["event_id"],
                "published_at": at.astimezone(dt.UTC),
                "title": page["page_title"] or "FOMC statement",
                "url": page["url"],
                "category": "Monetary Policy",
                "feeds": [],
                "fetched_at": page["fetched_at"],
            }
        )
    schema = {c: POLICY_EVENTS.schema[c] for c in rows[0]}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _derive_changes(events: pl.DataFrame) -> pl.DataFrame:
    """Fill the size of the moves the statements do not state from the previous decision: the
    shipped history, with the decisions read from stored pages. (Rows stored before
    change_source existed hold only stated sizes.)"""
    events = events.with_columns(
        pl.when(pl.col("change_bps").is_not_null() & pl.col("change_source").is_null())
        .then(pl.lit("stated"))
        .otherwise(pl.col("change_source"))
        .alias("change_source")
    )
    statements = events.filter(
        pl.col("is_fomc_statement")
        & pl.col("target_high").is_not_null()
        & pl.col("meeting_date").is_not_null()
    )
    # derived sizes are derived again: a decision stored later can change the previous one
    todo = statements.filter(
        pl.col("change_bps").is_null() | (pl.col("change_source") == "derived")
    )
    if todo.is_empty():
        return events
    history = merged_history(statements.select("meeting_date", "target_low", "target_high").rows())
    rows = []
    for event, day, low, high, action in todo.select(
        "event_id", "meeting_date", "target_low", "target_high", "action"
    ).iter_rows():
        derived = with_history(Decision(low, high, None, action), day, history)
        rows.append((event, derived.change_bps, derived.change_source, derived.action))
    filled = pl.DataFrame(
        rows,
        schema={
            "event_id": pl.String,
            "change_bps": pl.Int64,
            "change_source": pl.String,
            "action": pl.String,
        },
        orient="row",
    )
    return events.update(filled, on="event_id", include_nulls=True)


def meetings_table(meetings: Sequence[FomcMeeting]) -> pl.DataFrame:
    """fomc_meetings rows, gated."""
    rows = pl.DataFrame(
        [
            {
                "year": m.year,
                "start_date": m.start,
                "end_date": m.end,
                "statement_at": m.statement_at,
                "projections": m.projections,
                "unscheduled": m.unscheduled,
                "cancelled": m.cancelled,
            }
            for m in meetings
        ]
    )
    gate = apply_gate(
        FOMC_MEETINGS.conform(rows),
        FOMC_MEETINGS_SCHEMA,
        dataset=FOMC_MEETINGS.name,
        partition_by=None,
        max_bad_fraction=0.0,
    )
    return gate.valid
