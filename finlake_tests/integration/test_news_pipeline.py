"""News from the sample feeds through bronze, news_articles and news_sentiment_daily."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from finlake.datasets import NEWS_ARTICLES, NEWS_SENTIMENT_DAILY, QUARANTINE
from finlake.gate import GateFailure
from finlake.lake import Lake
from finlake.pipelines.news import (
    Enricher,
    build_news_silver,
    build_sentiment_daily,
    fetch_news,
    hour_key,
)
from finlake.retention import apply_retention
from finlake.sources.base import SourceError
from finlake.sources.news.client import FeedResponse
from finlake.sources.news.feeds import load_feeds
from finlake.sources.news.items import with_story_keys
from finlake.universe import DEFAULT_UNIVERSE, Security
from finlake_sample.news import SampleNews

FEEDS = load_feeds()
BY_NAME = {f.name: f for f in FEEDS}
START = dt.datetime(2026, 11, 16, 13, tzinfo=dt.UTC)  # Monday 08:00 ET
UNIVERSE_TICKERS = {s.ticker for s in DEFAULT_UNIVERSE}


def poll(lake: Lake, hour: dt.datetime, transport=None, run_id: str = "r1"):
    clock = hour + dt.timedelta(minutes=59)
    return fetch_news(
        transport or SampleNews(clock),
        lake,
        FEEDS,
        DEFAULT_UNIVERSE,
        hour,
        clock=clock,
        run_id=run_id,
        live=False,
        env={},
    )


def build(lake: Lake, hours: list[dt.datetime], run_id: str = "r1"):
    enricher = Enricher.for_universe(DEFAULT_UNIVERSE, lake)
    return build_news_silver(lake, hours, BY_NAME, enricher, run_id=run_id)


@pytest.fixture
def hours() -> list[dt.datetime]:
    return [START + dt.timedelta(hours=i) for i in range(4)]


def test_polls_are_deduplicated_tagged_and_scored(lake, hours):
    reports = [poll(lake, h) for h in hours]
    assert reports[0].changed == reports[0].requests > 0 and not reports[0].failures
    # the later polls send the validators of the earlier ones: unchanged feeds answer 304
    assert sum(r.not_modified for r in reports[1:]) > 0
    report = build(lake, hours)
    articles = lake.scan(NEWS_ARTICLES).collect()
    assert articles.height == report.new.height > 100
    assert report.duplicates > 0 and report.rejected.is_empty()
    assert articles["article_id"].is_unique().all()
    assert with_story_keys(articles)["story_key"].is_unique().all()
    assert not articles["url"].str.contains(r"utm_|[?&]mod=|\.tsrc=").any()
    assert (articles["published_at"] <= articles["fetched_at"]).all()
    tagged = set(articles.select(pl.col("tickers").explode()).drop_nulls().to_series())
    assert tagged <= UNIVERSE_TICKERS and len(tagged) >= 8
    assert set(articles["sentiment_label"]) == {"positive", "negative", "neutral"}
    assert set(articles["feed"]) >= {"yahoo_headlines", "fed_press_all", "sec_current_8k"}
    flags = set(articles["published_at_flag"].drop_nulls())
    assert {"updated", "malformed"} <= flags
    assert not articles["summary"].str.contains("<p>|<a |&amp;").any()

    rerun = build(lake, hours, run_id="r2")  # the same polls again change nothing
    assert rerun.new.is_empty() and rerun.updated == 0
    assert lake.scan(NEWS_ARTICLES).collect().sort("article_id").equals(articles.sort("article_id"))


def test_a_later_poll_adds_only_new_stories(lake, hours):
    poll(lake, hours[0])
    first = build(lake, hours[:1]).new.height
    later = START + dt.timedelta(hours=30)
    poll(lake, later)
    second = build(lake, [later])
    stored = lake.scan(NEWS_ARTICLES).collect()
    assert stored.height == first + second.new.height
    assert second.duplicates > 0  # stories still on the feeds a day later
    assert stored["article_id"].is_unique().all()


def test_unparsable_payload_is_quarantined_and_the_rest_is_stored(lake, hours):
    class Broken(SampleNews):
        def get(self, url, headers=None):
            response = super().get(url, headers)
            if "federalreserve" in url and response.status == 200:
                return FeedResponse(url, 200, b"<html>maintenance</html>", None, None)
            return response

    clock = hours[0] + dt.timedelta(minutes=30)
    poll(lake, hours[0], Broken(clock))
    report = build(lake, hours[:1])
    assert report.new.height > 0
    reasons = report.rejected["reason"].to_list()
    assert len(reasons) == 2 and all("could not be parsed" in r for r in reasons)
    quarantine = quarantined(lake, hour_key(hours[0]))
    assert quarantine.height == 2 and set(quarantine["run_id"]) == {"r1"}


def test_a_poll_where_every_feed_fails_raises_and_stores_nothing(lake, hours):
    class Down:
        def get(self, url, headers=None):
            raise SourceError("connection refused")

    with pytest.raises(SourceError, match="every feed request"):
        poll(lake, hours[0], Down())
    with pytest.raises(FileNotFoundError, match="no news poll stored"):
        build(lake, hours[:1])


def test_a_failing_gate_leaves_the_stored_articles(lake, hours, monkeypatch):
    poll(lake, hours[0])
    build(lake, hours[:1])
    before = lake.scan(NEWS_ARTICLES).collect()
    poll(lake, hours[1])

    articles = Enricher.articles

    def broken(self, items):
        return articles(self, items).with_columns(pl.lit(7.0).alias("sentiment_compound"))

    monkeypatch.setattr(Enricher, "articles", broken)
    with pytest.raises(GateFailure):
        build(lake, hours[1:2], run_id="bad")
    assert lake.scan(NEWS_ARTICLES).collect().equals(before)
    quarantine = quarantined(lake, hour_key(hours[1]))
    assert quarantine.height > 0 and "sentiment_compound" in quarantine["reason"][0]


def test_sentiment_daily_assigns_after_close_articles_to_the_next_session(lake, hours):
    for h in hours:
        poll(lake, h)
    build(lake, hours)
    report = build_sentiment_daily(lake)
    daily = lake.scan(NEWS_SENTIMENT_DAILY).collect()
    assert daily.height == report.rows.height > 0
    articles = lake.scan(NEWS_ARTICLES).collect().explode("tickers").drop_nulls("tickers")
    counts = daily.group_by("ticker").agg(pl.col("article_count").sum())
    expected = articles.group_by(pl.col("tickers").alias("ticker")).len("article_count")
    assert counts.sort("ticker").equals(expected.sort("ticker").cast({"article_count": pl.Int64}))
    assert (daily["share_positive"] + daily["share_negative"] <= 1.0).all()
    # Friday 2026-11-13 16:30 ET is after the close: it counts toward Monday the 16th
    late = dt.datetime(2026, 11, 13, 21, 30, tzinfo=dt.UTC)
    sessions = daily.filter(pl.col("date") <= dt.date(2026, 11, 16))
    assert dt.date(2026, 11, 14) not in sessions["date"].to_list()  # a Saturday: never a session
    friday_late = articles.filter(pl.col("published_at").is_between(late, START))
    if friday_late.height:
        assert dt.date(2026, 11, 16) in sessions["date"].to_list()


def test_retention_dry_run_lists_and_apply_deletes(lake, hours):
    poll(lake, hours[0])
    build(lake, hours[:1])
    build_sentiment_daily(lake)
    before = lake.scan(NEWS_ARTICLES).collect()
    now = START + dt.timedelta(days=30)
    policy = {"news_articles": 20, "news_sentiment_daily": 20, "bronze/news": 20}
    planned = apply_retention(lake, policy, now, dry_run=True)
    assert {"news_articles", "bronze/news"} <= set(planned["target"]) <= set(policy)
    assert lake.scan(NEWS_ARTICLES).collect().equals(before)  # a dry run deletes nothing
    cutoff = now - dt.timedelta(days=20)
    doomed = before.filter(pl.col("published_at") < cutoff).height
    news_rows = planned.filter(pl.col("target") == "news_articles")["rows_removed"].sum()
    assert news_rows == doomed > 0
    applied = apply_retention(lake, policy, now, dry_run=False)
    assert applied.drop("cutoff").equals(planned.drop("cutoff"))
    after = lake.scan(NEWS_ARTICLES).collect()
    assert after.height == before.height - doomed
    assert (after["published_at"] >= cutoff).all()
    assert apply_retention(lake, policy, now, dry_run=True).is_empty()


def test_sentiment_counts_a_story_for_its_subjects_only():
    from finlake.pipelines.news import sentiment_daily
    from finlake.sources.news.items import FeedContext, parse_rss

    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Goldman Sachs upgrades Nvidia to buy</title><link>https://example.com/a</link>
<pubDate>Mon, 16 Nov 2026 15:00:00 GMT</pubDate></item>
<item><title>Goldman Sachs says S&amp;P 500 will rise 10%</title><link>https://example.com/b</link>
<pubDate>Mon, 16 Nov 2026 15:00:00 GMT</pubDate></item></channel></rss>"""
    universe = [*DEFAULT_UNIVERSE, Security("GS", "Goldman Sachs")]
    items = parse_rss(body, FeedContext("wire", "Wire", "market", START, "GS"))
    articles = Enricher.for_universe(universe).articles(items).sort("url")
    assert articles["tickers"].to_list() == [["NVDA"], []]  # not GS: its feed, but a source
    assert articles["mentioned_tickers"].to_list() == [["GS"], ["GS"]]
    daily = sentiment_daily(articles)
    assert daily.select("ticker", "article_count").rows() == [("NVDA", 1)]


def quarantined(lake, partition: str) -> pl.DataFrame:
    """The news gate's quarantined rows of one poll hour."""
    rows = lake.scan(QUARANTINE).filter(pl.col("dataset") == NEWS_ARTICLES.name)
    return rows.filter(pl.col("partition") == partition).collect()
