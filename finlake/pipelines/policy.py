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
from finlake.sources.fed.meetings import FomcMeeting
from finlake.sources.fed.statements import is_statement_title, parse_statement
from finlake.sources.news.client import NewsTransport, request_headers
from finlake.sources.news.feeds import Feed
from finlake.sources.news.items import FeedContext, canonical_url, parse_rss

BRONZE_SOURCE = "fed"
FED_FEEDS = ("fed_press_monetary", "fed_press_all")  # registry names; monetary first


def event_id(url: str) -> str:
    return hashlib.blake2b((canonical_url(url) or url).encode(), digest_size=16).hexdigest()


def _decided(lake: Lake) -> set[str]:
    """Statements already stored with a parsed decision: their pages are not fetched again."""
    if not lake.has_data(POLICY_EVENTS):
        return set()
    rows = lake.scan(POLICY_EVENTS).filter(pl.col("action").is_not_null()).select("url")
    return set(rows.collect().get_column("url").to_list())


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
    clock: dt.datetime,
    run_id: str,
    live: bool,
    env: Mapping[str, str] = os.environ,
) -> PolicyFetchReport:
    """One read of the Fed feeds, plus the pages of statements without a stored decision."""
    report = PolicyFetchReport()
    decided = _decided(lake)
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
            if url and is_statement_title(title) and url not in decided:
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
    if feeds and not feeds_read:
        error = SourceError(f"every Fed feed failed: {report.failures[:2]}")
        error.retryable = any(f.get("retryable") for f in report.failures)
        raise error
    if rows:
        report.path = lake.write_bronze(
            BRONZE_SOURCE, clock.date().isoformat(), pl.DataFrame(rows), RAW_SCHEMA
        )
    return report


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
                "target_low": decision.target_low,
                "target_high": decision.target_high,
                "change_bps": decision.change_bps,
                "action": decision.action,
                "dissents": list(decision.dissents),
            }
        )
    schema = {
        "event_id": pl.String,
        "target_low": pl.Float64,
        "target_high": pl.Float64,
        "change_bps": pl.Int64,
        "action": pl.String,
        "dissents": pl.List(pl.String),
    }
    return pl.DataFrame(rows, schema=schema, orient="row"), problems


def build_policy_silver(
    lake: Lake, feeds: Mapping[str, Feed], *, run_id: str
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
        stored, added = fold_events(stored, events, decided)
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
    stored: pl.DataFrame, events: pl.DataFrame, decided: pl.DataFrame
) -> tuple[pl.DataFrame, set[str]]:
    """Stored events with a batch's items (feeds unioned, first sighting kept) and decisions."""
    if events.is_empty() and decided.is_empty():
        return stored, set()
    added = set()
    if not events.is_empty():
        fresh = events.join(stored.select("event_id"), on="event_id", how="anti")
        added = set(fresh.get_column("event_id").to_list())
        statements = fresh.get_column("title").map_elements(
            is_statement_title, return_dtype=pl.Boolean
        )
        fresh = fresh.with_columns(
            statements.alias("is_fomc_statement"),
            # a statement is released on its meeting's last day (14:00 ET)
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
        stored = stored.drop(_DECISION).join(
            pl.concat(
                [
                    stored.select("event_id", *_DECISION).join(
                        decided.select("event_id"), on="event_id", how="anti"
                    ),
                    decided,
                ]
            ),
            on="event_id",
            how="left",
        )
    return POLICY_EVENTS.conform(stored), added


_DECISION = ["target_low", "target_high", "change_bps", "action", "dissents"]


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
