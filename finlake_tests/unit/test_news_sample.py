"""The offline news world: real feed formats, deterministic, conditional GET, served quirks."""

from __future__ import annotations

import datetime as dt

import feedparser
import polars as pl
import pytest

from finlake.sources.news.feeds import load_feeds
from finlake.sources.news.items import FeedContext, dedupe, parse_rss
from finlake.universe import DEFAULT_UNIVERSE
from finlake_sample.news import SampleNews

AS_OF = dt.datetime(2026, 11, 18, 16, 45, tzinfo=dt.UTC)
RSS_FEEDS = [f for f in load_feeds() if f.active(False, {})]


def poll(news: SampleNews) -> pl.DataFrame:
    frames = []
    for feed in RSS_FEEDS:
        for ticker, url in feed.requests(DEFAULT_UNIVERSE, news.as_of.date()):
            response = news.get(url)
            assert response.status == 200, url
            ctx = FeedContext(feed.name, feed.publisher, feed.category, news.as_of, ticker)
            frames.append(parse_rss(response.body, ctx))
    return pl.concat(frames)


@pytest.fixture(scope="module")
def items() -> pl.DataFrame:
    return poll(SampleNews(AS_OF))


def test_every_registry_feed_is_served_in_its_real_format():
    news = SampleNews(AS_OF)
    versions = {}
    for feed in RSS_FEEDS:
        _, url = feed.requests(DEFAULT_UNIVERSE, AS_OF.date())[0]
        versions[feed.name] = feedparser.parse(news.get(url).body).version
    assert versions["sec_current_8k"] == "atom10"
    assert {v for k, v in versions.items() if k != "sec_current_8k"} == {"rss20"}
    assert news.get("https://example.com/nothing.rss").status == 404


def test_the_world_is_deterministic_and_never_shows_the_future(items):
    again = poll(SampleNews(AS_OF))
    assert again.drop("fetched_at").equals(items.drop("fetched_at"))
    dated = items.filter(pl.col("published_at_flag").is_null())
    assert (dated["published_at"] <= AS_OF).all()
    later = poll(SampleNews(AS_OF + dt.timedelta(hours=6)))
    assert set(later["url"]) - set(items["url"])  # news keeps coming


def test_conditional_get_answers_304_until_the_feed_changes():
    news = SampleNews(AS_OF)
    url = "https://www.federalreserve.gov/feeds/press_all.xml"
    first = news.get(url)
    assert first.etag and first.last_modified
    assert news.get(url, {"If-None-Match": first.etag}).status == 304
    assert news.get(url, {"If-Modified-Since": first.last_modified}).status == 304
    assert news.get(url, {"If-None-Match": '"other"'}).status == 200
    yahoo = next(f for f in RSS_FEEDS if f.per_ticker).requests(DEFAULT_UNIVERSE)[0][1]
    tag = news.get(yahoo).etag
    week_later = SampleNews(AS_OF + dt.timedelta(days=7))
    assert week_later.get(yahoo, {"If-None-Match": tag}).status == 200


def test_quirks_a_pipeline_must_survive_are_served(items):
    assert items["url"].str.contains(r"utm_|[?&]mod=|\.tsrc=|^http://").any()
    flags = set(items["published_at_flag"].drop_nulls())
    assert {"updated", "feed_updated", "malformed"} <= flags
    unique = dedupe(items)
    assert unique.height < items.height  # the same stories in several feeds
    assert unique["article_id"].is_unique().all()
    titles = " ".join(items["title"].to_list())
    assert "$" in titles or "NASDAQ:" in titles  # cashtags and exchange symbols appear
    words = items["title"].str.to_lowercase()
    assert words.str.contains("downgrade|plunge|miss").any()
    assert words.str.contains("upgrade|surge|beat").any()
