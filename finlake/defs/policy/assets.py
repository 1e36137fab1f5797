"""Monetary policy: the Fed's press feeds (and statement pages) -> bronze -> policy_events; the
FOMC calendar -> fomc_meetings."""

import time

import dagster as dg
import polars as pl

from finlake.datasets import FOMC_MEETINGS, POLICY_EVENTS
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.news.assets import FEED_RETRY
from finlake.defs.ownership import owned
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.pipelines.policy import FED_FEEDS, build_policy_silver, fetch_policy, meetings_table
from finlake.sources.base import SourceError
from finlake.sources.fed.meetings import load_meetings

GROUP = "policy"
FED_BRONZE_KEY = dg.AssetKey(["bronze", "fed_payloads"])
POLICY_EVENTS_KEY = dg.AssetKey(["silver", POLICY_EVENTS.name])
FOMC_MEETINGS_KEY = dg.AssetKey(["silver", FOMC_MEETINGS.name])


def fed_feeds(finlake: FinlakeResource) -> list:
    by_name = {f.name: f for f in finlake.news_feeds()}
    missing = [name for name in FED_FEEDS if name not in by_name]
    if missing:
        raise dg.Failure(f"the feed registry lacks {missing}", allow_retries=False)
    return [by_name[name] for name in FED_FEEDS]


@dg.asset(
    key=FED_BRONZE_KEY,
    **owned(GROUP),
    pool="news",
    retry_policy=FEED_RETRY,
    kinds={"parquet", "python"},
    description=(
        "The Fed's monetary-policy and all-press RSS feeds as received, plus the page of every "
        "FOMC statement whose decision is not stored yet: those the feeds list, and every "
        "meeting's since 2008 by its address (fetched once)."
    ),
)
def fed_payloads(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    clock = finlake.now()
    try:
        report = fetch_policy(
            finlake.news_transport(clock),
            finlake.lake(),
            fed_feeds(finlake),
            meetings=load_meetings(),
            clock=clock,
            run_id=context.run.run_id,
            live=finlake.source == "live",
        )
    except SourceError as exc:
        raise dg.Failure(f"Fed feeds failed: {exc}", allow_retries=exc.retryable) from None
    for failure in report.failures:
        context.log.warning(f"{failure['what']}: {failure['error']}")
    return dg.MaterializeResult(
        metadata=fetch_metadata(
            report.requests,
            finlake.source,
            time.perf_counter() - started,
            feed_items=dg.MetadataValue.int(report.items),
            statements_fetched=dg.MetadataValue.md(
                "\n".join(f"- {u}" for u in report.statements_fetched) or "none"
            ),
            failures=dg.MetadataValue.int(len(report.failures)),
        )
    )


@dg.asset(
    key=POLICY_EVENTS_KEY,
    deps=[FED_BRONZE_KEY],
    **owned(GROUP),
    kinds={"parquet", "polars"},
    description=POLICY_EVENTS.description,
)
def policy_events(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    feeds = {f.name: f for f in finlake.news_feeds()}
    report = build_policy_silver(
        finlake.lake(), feeds, run_id=context.run.run_id, meetings=load_meetings()
    )
    log_quarantine(context, report.rejected, POLICY_EVENTS.name)
    decisions = report.new.filter(pl.col("is_fomc_statement")).select(
        "meeting_date",
        "action",
        "change_bps",
        "change_source",
        "target_low",
        "target_high",
        "dissents",
    )
    return dg.MaterializeResult(
        metadata=frame_metadata(
            report.new.sort("published_at", descending=True),
            POLICY_EVENTS,
            time.perf_counter() - started,
            bronze_batches=dg.MetadataValue.int(report.batches),
            decisions_parsed=dg.MetadataValue.int(report.decisions),
            new_decisions=dg.MetadataValue.md(markdown_preview(decisions, 20)),
        )
    )


@dg.asset(
    key=FOMC_MEETINGS_KEY,
    **owned(GROUP),
    kinds={"parquet", "polars"},
    description=FOMC_MEETINGS.description
    + " From finlake/sources/fed/fomc_meetings.toml, kept from the Fed's calendar pages.",
)
def fomc_meetings(finlake: FinlakeResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    rows = meetings_table(load_meetings())
    finlake.lake().write_table(FOMC_MEETINGS, rows)
    per_year = rows.group_by("year").agg(
        (~pl.col("unscheduled") & ~pl.col("cancelled")).sum().alias("scheduled"),
        pl.col("unscheduled").sum(),
        pl.col("cancelled").sum(),
    )
    return dg.MaterializeResult(
        metadata=frame_metadata(
            rows.sort("start_date", descending=True),
            FOMC_MEETINGS,
            time.perf_counter() - started,
            per_year=dg.MetadataValue.md(markdown_preview(per_year.sort("year"), 40)),
        )
    )
