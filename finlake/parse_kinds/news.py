"""Parse kind rss: one RSS 2.0 or Atom file -> news_articles rows, tagged and scored.

Tickers come from the universe's company names (the pipeline also uses sec_companies); the fetch
time is now, so dates in the future are clamped and flagged as they would be on a live poll. The
publisher and category are those of the registry feed on the same site (federalreserve.gov ->
Federal Reserve), else the channel's title.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from finlake.datasets import NEWS_ARTICLES
from finlake.gate import apply_gate
from finlake.parse_kinds.base import ParseInput, ParseOutput
from finlake.pipelines.news import Enricher
from finlake.schemas.news import NEWS_ARTICLES_SCHEMA
from finlake.sources.feed_xml import read_feed
from finlake.sources.news.feeds import Feed, load_feeds
from finlake.sources.news.items import FeedContext, dedupe, parse_feed
from finlake.universe import load_universe


def _site(url: str) -> str:
    """The registrable part of a URL's host: www.federalreserve.gov -> federalreserve.gov."""
    return ".".join((urlsplit(url).hostname or "").split(".")[-2:])


def registry_feed(links: list[str]) -> Feed | None:
    """The first registry feed served from the site of the file's links."""
    sites = {_site(link) for link in links if link}
    return next((f for f in load_feeds() if _site(f.url) in sites), None)


def parse_rss_file(payload: ParseInput) -> ParseOutput:
    parsed = read_feed(payload.body, payload.path.name if payload.path else "feed")
    name = payload.path.stem if payload.path else "file"
    links = [parsed.feed.get("link", ""), *(e.get("link", "") for e in parsed.entries[:5])]
    feed = registry_feed(links)
    ctx = FeedContext(
        feed=name,
        publisher=feed.publisher if feed else parsed.feed.get("title") or name,
        category=feed.category if feed else "",
        fetched_at=dt.datetime.now(dt.UTC),
    )
    rows = Enricher.for_universe(load_universe()).articles(dedupe(parse_feed(parsed, ctx)))
    gate = apply_gate(
        rows,
        NEWS_ARTICLES_SCHEMA,
        dataset=NEWS_ARTICLES.name,
        partition_by="published_at",
        max_bad_fraction=1.0,
    )
    return ParseOutput(datasets={NEWS_ARTICLES.name: gate.valid}, rejected=gate.rejected)
