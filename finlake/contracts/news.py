"""News: hourly polls of the feed registry -> bronze -> news_articles (tagged, scored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.calendar import HOUR_FORMAT, hour_starts
from finlake.contracts.base import (
    Built,
    Cadence,
    Fetched,
    Retry,
    SourceContract,
    SourceRun,
    StepFailed,
    Table,
    Transport,
)
from finlake.datasets import NEWS_ARTICLES
from finlake.parse_kinds.news import parse_rss_file
from finlake.pipelines.news import Enricher, build_news_silver, fetch_news
from finlake.settings import Settings
from finlake.sources.base import SourceError
from finlake.sources.news.client import LiveNewsTransport
from finlake.sources.news.feeds import Feed, load_feeds

HOUR = dt.timedelta(hours=1)
LIVE_GRACE = dt.timedelta(hours=1)  # a live poll may run this late for its hour
FEED_RATE = 1.0  # requests/s per host unless the registry gives the feed its own budget


def live_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveNewsTransport:
    return LiveNewsTransport(home / ".locks", load_feeds())


def sample_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveNewsTransport:
    """The same per-host client, answered by the sample news world as of `clock`."""
    from finlake_sample.news import SampleNews
    from finlake_sample.transport import SAMPLE_RATE, news_world

    return LiveNewsTransport(
        home / ".locks" / "sample",
        load_feeds(),
        transport=news_world(SampleNews(clock, settings.universe)),
        requests_per_second=SAMPLE_RATE,
    )


def poll_clock(run: SourceRun, hour: dt.datetime) -> dt.datetime:
    """When the poll of `hour` happens. Live: now, which must fall in the hour (or within the
    grace after it): a feed only shows the present, so a past hour cannot be polled again.
    Sample: the end of the hour, or now for the current hour."""
    now = run.now()
    if now < hour:
        raise StepFailed(f"news hour {hour:%Y-%m-%d %H:00} UTC has not started")
    if run.live and now >= hour + HOUR + LIVE_GRACE:
        raise StepFailed(
            f"news hour {hour:%Y-%m-%d %H:00} UTC is over: feeds only show the present, so it "
            "cannot be polled again (its stored poll can still be re-parsed: materialize "
            "silver/news_articles alone)"
        )
    return min(now, hour + HOUR - dt.timedelta(seconds=1))


def fetch(run: SourceRun) -> Fetched:
    feeds, universe = load_feeds(), run.settings.universe
    totals = {"requests": 0, "changed": 0, "not_modified": 0, "bytes": 0}
    failures: list[dict] = []
    for hour in hour_starts(run.partitions):
        clock = poll_clock(run, hour)
        try:
            report = fetch_news(
                run.transport(clock),
                run.lake,
                feeds,
                universe,
                hour,
                clock=clock,
                run_id=run.run_id,
                live=run.live,
            )
        except SourceError as exc:  # say which poll; keep the class (retryable or not)
            raise type(exc)(f"news poll of {hour:%Y-%m-%d %H:00} UTC failed: {exc}") from exc
        for name in totals:
            totals[name] += getattr(report, name)
        failures.extend({"hour": f"{hour:%Y-%m-%d %H:00}", **f} for f in report.failures)
    failed = pl.DataFrame(
        failures,
        schema={"hour": pl.String, "feed": pl.String, "ticker": pl.String, "error": pl.String},
    )
    return Fetched(
        totals["changed"] + totals["not_modified"],
        {
            "polls": len(run.partitions),
            "requests": totals["requests"],
            "changed_200": totals["changed"],
            "not_modified_304": totals["not_modified"],
            "failed_requests": failed.height,
            "failures": Table(failed, 20),
            "bytes": totals["bytes"],
        },
        warnings=[f"feed {f['feed']} ({f['ticker']}): {f['error']}" for f in failures[:20]],
    )


def build(run: SourceRun) -> Built:
    enricher = Enricher.for_universe(run.settings.universe, run.lake)
    feeds: dict[str, Feed] = {f.name: f for f in load_feeds()}
    try:
        report = build_news_silver(
            run.lake, hour_starts(run.partitions), feeds, enricher, run_id=run.run_id
        )
    except FileNotFoundError as exc:
        raise StepFailed(str(exc)) from exc
    tickers = (
        report.new.select(pl.col("tickers").explode().alias("ticker"))
        .drop_nulls()
        .group_by("ticker")
        .len("new_articles")
        .sort("new_articles", descending=True)
    )
    return Built(
        frames={NEWS_ARTICLES.name: report.new},
        rejected=report.rejected,
        metadata={
            NEWS_ARTICLES.name: {
                "items_in_polls": report.items,
                "duplicates": report.duplicates,
                "gained_tickers": report.updated,
                "quarantined_rows": report.rejected.height,
                "tagged": Table(tickers, 20),
            }
        },
    )


def hour_of(moment: dt.datetime) -> str:
    """Five minutes into each hour, that hour's poll."""
    return moment.replace(minute=0, second=0, microsecond=0).strftime(HOUR_FORMAT)


NEWS = SourceContract(
    group="news",
    provider="news",
    owner="team:news",
    transport=Transport(live_client, sample_client, FEED_RATE),
    bronze="news_payloads",
    bronze_description=(
        "Every feed response of an hour's poll as received (200 with its bytes, or 304 not "
        "modified); conditional GETs make an unchanged feed cost nothing."
    ),
    silver=(NEWS_ARTICLES,),
    fetch=fetch,
    build=build,
    partitions="news_hours",
    pool="news",
    retry=Retry(max_retries=2, delay_s=30),
    job="news_hourly_job",
    job_description=(
        "Poll every feed of the registry once for the hour, store the stories not seen before "
        "(tagged, scored), recompute the daily sentiment and refresh the catalog."
    ),
    cadences=(
        Cadence(
            name="news_hourly",
            cron="5 * * * *",
            timezone="UTC",
            description="Five minutes into each hour, that hour's poll.",
            partition=hour_of,
        ),
    ),
    parse_kinds={"rss": parse_rss_file},
    retention={"news_articles": 365, "news_sentiment_daily": 365, "bronze/news": 365},
)
