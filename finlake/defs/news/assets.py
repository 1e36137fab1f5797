"""News: hourly polls -> bronze -> news_articles -> news_sentiment_daily."""

import datetime as dt
import time

import dagster as dg
import polars as pl

from finlake.datasets import NEWS_ARTICLES, NEWS_SENTIMENT_DAILY
from finlake.defs.metadata import fetch_metadata, frame_metadata, markdown_preview
from finlake.defs.ownership import owned
from finlake.defs.partitions import hour_starts, news_hours
from finlake.defs.quality.assets import log_quarantine
from finlake.defs.resources import FinlakeResource
from finlake.gate import GateFailure
from finlake.pipelines.news import (
    Enricher,
    build_news_silver,
    build_sentiment_daily,
    fetch_news,
)
from finlake.sources.base import SourceError

GROUP = "news"
NEWS_BRONZE_KEY = dg.AssetKey(["bronze", "news_payloads"])
NEWS_ARTICLES_KEY = dg.AssetKey(["silver", NEWS_ARTICLES.name])
NEWS_SENTIMENT_KEY = dg.AssetKey(["gold", NEWS_SENTIMENT_DAILY.name])
HOUR = dt.timedelta(hours=1)
LIVE_GRACE = dt.timedelta(hours=1)  # a live poll may run this late for its hour
# feed fetches (news polls, the Fed's press feeds) share the "news" pool and this policy
FEED_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)


def poll_clock(finlake: FinlakeResource, hour: dt.datetime) -> dt.datetime:
    """When the poll of `hour` happens. Live: now, which must fall in the hour (or within the
    grace after it): a feed only shows the present, so a past hour cannot be polled again.
    Sample: the end of the hour, or now for the current hour."""
    now = finlake.now()
    if now < hour:
        raise dg.Failure(
            f"news hour {hour:%Y-%m-%d %H:00} UTC has not started", allow_retries=False
        )
    if finlake.source == "live" and now >= hour + HOUR + LIVE_GRACE:
        raise dg.Failure(
            f"news hour {hour:%Y-%m-%d %H:00} UTC is over: feeds only show the present, so it "
            "cannot be polled again (its stored poll can still be re-parsed: materialize "
            "silver/news_articles alone)",
            allow_retries=False,
        )
    return min(now, hour + HOUR - dt.timedelta(seconds=1))


@dg.asset(
    key=NEWS_BRONZE_KEY,
    **owned(GROUP),
    partitions_def=news_hours,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="news",
    retry_policy=FEED_RETRY,
    kinds={"parquet", "python"},
    description=(
        "Every feed response of an hour's poll as received (200 with its bytes, or 304 not "
        "modified); conditional GETs make an unchanged feed cost nothing."
    ),
)
def news_payloads(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    lake, feeds, universe = finlake.lake(), finlake.news_feeds(), finlake.settings().universe
    totals = {"requests": 0, "changed": 0, "not_modified": 0, "bytes": 0}
    failures: list[dict] = []
    for hour in hour_starts(context.partition_keys):
        clock = poll_clock(finlake, hour)
        try:
            report = fetch_news(
                finlake.news_transport(clock),
                lake,
                feeds,
                universe,
                hour,
                clock=clock,
                run_id=context.run.run_id,
                live=finlake.source == "live",
            )
        except SourceError as exc:
            raise dg.Failure(
                f"news poll of {hour:%Y-%m-%d %H:00} UTC failed: {exc}",
                allow_retries=exc.retryable,  # a dead network or a missing key: not retried
            ) from exc
        for name in totals:
            totals[name] += getattr(report, name)
        failures.extend({"hour": f"{hour:%Y-%m-%d %H:00}", **f} for f in report.failures)
    for failure in failures[:20]:
        context.log.warning(f"feed {failure['feed']} ({failure['ticker']}): {failure['error']}")
    failed = pl.DataFrame(
        failures,
        schema={"hour": pl.String, "feed": pl.String, "ticker": pl.String, "error": pl.String},
    )
    return dg.MaterializeResult(
        metadata=fetch_metadata(
            totals["changed"] + totals["not_modified"],
            finlake.source,
            time.perf_counter() - started,
            polls=dg.MetadataValue.int(len(context.partition_keys)),
            requests=dg.MetadataValue.int(totals["requests"]),
            changed_200=dg.MetadataValue.int(totals["changed"]),
            not_modified_304=dg.MetadataValue.int(totals["not_modified"]),
            failed_requests=dg.MetadataValue.int(failed.height),
            failures=dg.MetadataValue.md(markdown_preview(failed, 20)),
            bytes=dg.MetadataValue.int(totals["bytes"]),
        )
    )


@dg.asset(
    key=NEWS_ARTICLES_KEY,
    deps=[NEWS_BRONZE_KEY],
    **owned(GROUP),
    partitions_def=news_hours,
    backfill_policy=dg.BackfillPolicy.single_run(),
    kinds={"parquet", "polars"},
    description=NEWS_ARTICLES.description,
)
def news_articles(
    context: dg.AssetExecutionContext, finlake: FinlakeResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    lake = finlake.lake()
    enricher = Enricher.for_universe(finlake.settings().universe, lake)
    feeds = {f.name: f for f in finlake.news_feeds()}
    try:
        report = build_news_silver(
            lake, hour_starts(context.partition_keys), feeds, enricher, run_id=context.run.run_id
        )
    except GateFailure as exc:
        log_quarantine(context, exc.rejected, NEWS_ARTICLES.name)
        raise
    except FileNotFoundError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    log_quarantine(context, report.rejected, NEWS_ARTICLES.name)
    tickers = (
        report.new.select(pl.col("tickers").explode().alias("ticker"))
        .drop_nulls()
        .group_by("ticker")
        .len("new_articles")
        .sort("new_articles", descending=True)
    )
    return dg.MaterializeResult(
        metadata=frame_metadata(
            report.new,
            NEWS_ARTICLES,
            time.perf_counter() - started,
            items_in_polls=dg.MetadataValue.int(report.items),
            duplicates=dg.MetadataValue.int(report.duplicates),
            gained_tickers=dg.MetadataValue.int(report.updated),
            quarantined_rows=dg.MetadataValue.int(report.rejected.height),
            tagged=dg.MetadataValue.md(markdown_preview(tickers, 20)),
        )
    )


@dg.asset(
    key=NEWS_SENTIMENT_KEY,
    deps=[NEWS_ARTICLES_KEY],
    **owned(GROUP),
    kinds={"parquet", "polars"},
    automation_condition=dg.AutomationCondition.eager(),
    description=NEWS_SENTIMENT_DAILY.description
    + " Not partitioned: recomputed from every stored article.",
)
def news_sentiment_daily(finlake: FinlakeResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    report = build_sentiment_daily(finlake.lake())
    return dg.MaterializeResult(
        metadata=frame_metadata(
            report.rows.sort("date", descending=True),
            NEWS_SENTIMENT_DAILY,
            time.perf_counter() - started,
            sessions_changed=dg.MetadataValue.int(len(report.changed)),
        )
    )
