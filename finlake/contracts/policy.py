"""Monetary policy: the Fed's press feeds (and statement pages) -> bronze -> policy_events
(fomc_meetings, the Fed's calendar, is its own asset beside it)."""

from __future__ import annotations

import polars as pl

from finlake.contracts.base import (
    Built,
    Cadence,
    Fetched,
    Markdown,
    Retry,
    SourceContract,
    SourceRun,
    StepFailed,
    Table,
    Transport,
)
from finlake.contracts.news import FEED_RATE, live_client, sample_client
from finlake.datasets import POLICY_EVENTS
from finlake.parse_kinds.macro import parse_fed_press
from finlake.pipelines.policy import FED_FEEDS, build_policy_silver, fetch_policy
from finlake.sources.fed.meetings import load_meetings
from finlake.sources.news.feeds import Feed, load_feeds


def fed_feeds() -> list[Feed]:
    """The registry's Fed feeds, monetary first."""
    by_name = {f.name: f for f in load_feeds()}
    missing = [name for name in FED_FEEDS if name not in by_name]
    if missing:
        raise StepFailed(f"the feed registry lacks {missing}")
    return [by_name[name] for name in FED_FEEDS]


def fetch(run: SourceRun) -> Fetched:
    clock = run.now()
    report = fetch_policy(
        run.transport(clock),
        run.lake,
        fed_feeds(),
        meetings=load_meetings(),
        clock=clock,
        run_id=run.run_id,
        live=run.live,
    )
    return Fetched(
        report.requests,
        {
            "feed_items": report.items,
            "statements_fetched": Markdown(
                "\n".join(f"- {u}" for u in report.statements_fetched) or "none"
            ),
            "failures": len(report.failures),
        },
        warnings=[f"{f['what']}: {f['error']}" for f in report.failures],
    )


def build(run: SourceRun) -> Built:
    feeds = {f.name: f for f in load_feeds()}
    report = build_policy_silver(run.lake, feeds, run_id=run.run_id, meetings=load_meetings())
    decisions = report.new.filter(pl.col("is_fomc_statement")).select(
        "meeting_date",
        "action",
        "change_bps",
        "change_source",
        "target_low",
        "target_high",
        "dissents",
    )
    return Built(
        frames={POLICY_EVENTS.name: report.new.sort("published_at", descending=True)},
        rejected=report.rejected,
        metadata={
            POLICY_EVENTS.name: {
                "bronze_batches": report.batches,
                "decisions_parsed": report.decisions,
                "new_decisions": Table(decisions, 20),
            }
        },
    )


POLICY = SourceContract(
    group="policy",
    provider="fed",
    owner="team:macro",
    transport=Transport(live_client, sample_client, FEED_RATE),  # the feeds' client
    bronze="fed_payloads",
    bronze_description=(
        "The Fed's monetary-policy and all-press RSS feeds as received, plus the page of every "
        "FOMC statement whose decision is not stored yet: those the feeds list, and every "
        "meeting's since 2008 by its address (fetched once)."
    ),
    silver=(POLICY_EVENTS,),
    fetch=fetch,
    build=build,
    pool="news",  # the Fed's feeds share the feed hosts' budget with the news polls
    retry=Retry(max_retries=2, delay_s=30),
    job="policy_job",
    job_description="Read the Fed's press feeds, parse new FOMC statements' decisions, refresh "
    "fomc_meetings and the catalog.",
    cadences=(
        Cadence(
            name="policy_weekly",
            cron="0 9 * * 1",
            timezone="UTC",
            description="Mondays 09:00 UTC: a sweep of the Fed's feeds in case the sensor "
            "missed one.",
        ),
    ),
    parse_kinds={"fed-press": parse_fed_press},
)
