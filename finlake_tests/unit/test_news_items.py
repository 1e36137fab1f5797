"""Feed parsing on the real captured feeds (../shared/realdata/rss) and on edge cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
import polars as pl
import pytest

from finlake.sources.base import PayloadError
from finlake.sources.news.items import (
    FeedContext,
    article_id,
    canonical_url,
    clean_url,
    dedupe,
    parse_finnhub,
    parse_newsapi,
    parse_rss,
    resolve_published,
    strip_html,
)

UTC = dt.UTC
FETCHED = dt.datetime(2026, 6, 13, 12, 0, tzinfo=UTC)


def ctx(feed: str = "test", ticker: str | None = None, fetched=FETCHED) -> FeedContext:
    return FeedContext(feed, "Publisher", "market", fetched, ticker)


@pytest.fixture(scope="module")
def rss(realdata: Path) -> Path:
    return realdata / "rss"


def test_federal_reserve_press_feed(rss):
    items = parse_rss((rss / "federalreserve_press_all_2026-06-13_trimmed.xml").read_bytes(), ctx())
    assert items.height == 2
    assert items["url"].to_list() == [
        "https://www.federalreserve.gov/newsevents/pressreleases/bcreg20260611a.htm",
        "https://www.federalreserve.gov/newsevents/pressreleases/bcreg20260609a.htm",
    ]
    assert items["published_at"].to_list() == [
        dt.datetime(2026, 6, 11, 15, 0, tzinfo=UTC),
        dt.datetime(2026, 6, 9, 20, 0, tzinfo=UTC),
    ]
    assert items["published_at_flag"].to_list() == [None, None]
    assert "Banking and Consumer Regulatory Policy" in items["categories"][0].to_list()


def test_bls_latest_numbers_item(rss):
    items = parse_rss((rss / "bls_latest_2026-06-13.rss").read_bytes(), ctx())
    assert items.height == 1
    row = items.row(0, named=True)
    assert row["url"] == "https://www.bls.gov/bls"
    assert row["published_at"] == dt.datetime(2026, 6, 12, 17, 31, 55, tzinfo=UTC)  # -0400
    assert row["summary"].startswith("Consumer Price Index (CPI): +0.5% in May 2026")
    assert "<" not in row["summary"]
    assert row["authors"] == ["U.S. Bureau of Labor Statistics"]
    # the landing-page link carries a new story every month: the id is not the URL's
    assert row["article_id"] != article_id("https://www.bls.gov/other/page", "x", "y", FETCHED)


@pytest.mark.parametrize(
    ("name", "count", "first_updated"),
    [
        (
            "sec_edgar_current_8k_atom_2026-06-13_trimmed.xml",
            2,
            dt.datetime(2026, 6, 12, 21, 29, 46),
        ),
        (
            "sec_edgar_getcurrent_atom_start0_2026-01-12.xml",
            100,
            dt.datetime(2026, 1, 12, 16, 27, 39),
        ),
    ],
)
def test_sec_edgar_atom_entries_use_updated(rss, name, count, first_updated):
    items = parse_rss((rss / name).read_bytes(), ctx())
    assert items.height == count
    assert items["published_at"][0] == first_updated.replace(tzinfo=UTC)
    assert set(items["published_at_flag"]) == {"updated"}  # Atom entries carry no <published>
    assert items["url"][0].startswith("https://www.sec.gov/Archives/edgar/data/")
    accessions = items["summary"].str.extract(r"AccNo: (\S+)")
    assert items["article_id"].n_unique() == accessions.n_unique()  # one id per filing


def test_one_story_per_accession_in_edgars_current_feed(rss):
    """100 entries for 73 filings: a Form 4 is listed under its issuer and each reporting owner,
    and 12 different Form 4s share the issuer title "4 - PROGRESSIVE CORP/OH/ ...". Each
    filing is one story, none is lost to a title match, every CIK is kept."""
    body = (rss / "sec_edgar_getcurrent_atom_start0_2026-01-12.xml").read_bytes()
    items = parse_rss(body, ctx("sec_current"))
    accessions = set(items["summary"].str.extract(r"AccNo: (\S+)").to_list())
    stories = dedupe(items)
    assert items.height == 100 and len(accessions) == 73
    assert stories.height == 73
    assert set(stories["summary"].str.extract(r"AccNo: (\S+)").to_list()) == accessions
    progressive = stories.filter(pl.col("title").str.starts_with("4 - PROGRESSIVE CORP/OH/"))
    assert progressive.height == 12 and progressive["url"].n_unique() == 12
    davis = stories.filter(pl.col("summary").str.contains("0000080661-26-000032")).row(
        0, named=True
    )
    assert davis["title"] == "4 - PROGRESSIVE CORP/OH/ (0000080661) (Issuer)"  # the issuer's copy
    assert davis["ciks"] == ["0000080661", "0001071287"]  # issuer and reporting owner
    assert "/data/80661/" in davis["url"]
    # a later poll of the same feed adds nothing
    assert dedupe(pl.concat([items, parse_rss(body, ctx("sec_current"))])).height == 73


def _yahoo_rss(items: list[dict]) -> bytes:
    """The stored Yahoo items back in the RSS 2.0 element layout they were captured from."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>']
    parts.append("<title>Yahoo! Finance</title><link>https://finance.yahoo.com/</link>")
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "pubDate", "guid", "description"):
            if item.get(tag):
                parts.append(f"<{tag}>{escape(item[tag])}</{tag}>")
        if item.get("source"):
            parts.append(
                f'<source url="https://finance.yahoo.com">{escape(item["source"])}</source>'
            )
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("yahoo_finance_headline_MSFT_GOOG_2020-08-07.items.json", 20),
        ("yahoo_finance_rssindex_2020-08-06.items.json", 50),
    ],
)
def test_yahoo_items(rss, name, count):
    raw = json.loads((rss / name).read_text())
    fetched = dt.datetime(2020, 8, 8, tzinfo=UTC)
    items = parse_rss(_yahoo_rss(raw), ctx("yahoo", "MSFT", fetched))
    assert items.height == count
    assert items["published_at_flag"].null_count() == count
    assert items["url"].str.contains(r"\.tsrc=").sum() == 0  # tracking parameter dropped
    assert (items["published_at"] <= fetched).all()
    assert set(items["context"].explode()) == {"MSFT"}
    first = raw[0]
    assert items["title"][0] == first["title"]
    assert items["url"][0] == clean_url(first["link"])


def test_yahoo_headline_first_item_facts(rss):
    raw = json.loads((rss / "yahoo_finance_headline_MSFT_GOOG_2020-08-07.items.json").read_text())
    items = parse_rss(_yahoo_rss(raw), ctx(fetched=dt.datetime(2020, 8, 8, tzinfo=UTC)))
    row = items.row(0, named=True)
    assert row["title"] == "Trump Widens China Tech Attack, Ordering Bans on Tencent, TikTok"
    assert row["published_at"] == dt.datetime(2020, 8, 7, 4, 18, 13, tzinfo=UTC)
    assert row["url"] == "https://finance.yahoo.com/news/trump-signs-tiktok-ban-u-012553901.html"


def test_urls_and_ids():
    a = "HTTP://WWW.Example.com/news/story-1/?utm_source=rss&utm_medium=feed&b=2&a=1#top"
    b = "https://example.com/news/story-1?a=1&b=2"
    assert canonical_url(a) == canonical_url(b) == "https://example.com/news/story-1?a=1&b=2"
    assert clean_url(a) == "http://www.example.com/news/story-1?a=1&b=2"
    assert article_id(a, "t", "p", FETCHED) == article_id(b, "other title", "q", FETCHED)
    assert clean_url("javascript:alert(1)") is None and canonical_url("") is None
    yahoo = "https://finance.yahoo.com/news/x-1.html?.tsrc=rss"
    assert canonical_url(yahoo) == "https://finance.yahoo.com/news/x-1.html"
    # no URL: title + publisher + time
    assert article_id(None, "Same Title!", "Pub", FETCHED) == article_id(
        None, "same title", "pub", FETCHED
    )
    assert len(article_id(None, "t", "p", FETCHED)) == 32


def test_dates_fall_back_and_are_flagged():
    own = dt.datetime(2026, 6, 1, tzinfo=UTC)
    feed = dt.datetime(2026, 6, 2, tzinfo=UTC)
    assert resolve_published(own, "x", None, None, FETCHED) == (own, None)
    assert resolve_published(None, None, own, feed, FETCHED) == (own, "updated")
    assert resolve_published(None, None, None, feed, FETCHED) == (feed, "feed_updated")
    assert resolve_published(None, "2026-13-45", None, feed, FETCHED) == (feed, "malformed")
    assert resolve_published(None, None, None, None, FETCHED) == (FETCHED, "missing")
    later = FETCHED + dt.timedelta(hours=3)
    assert resolve_published(later, "x", None, None, FETCHED) == (FETCHED, "future")


ATOM_NO_DATES = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x</id>
<updated>2026-06-12T10:00:00Z</updated>
<entry><title>Acme &amp; Co. raises guidance</title><id>https://wire.example/a/1</id>
<link href="https://wire.example/a/1"/>
<summary type="html">&lt;p&gt;Acme &lt;b&gt;up&lt;/b&gt;&lt;/p&gt;</summary></entry>
</feed>"""

RSS_BAD_DATES = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>No date at all</title><link>https://n.example/a/1</link></item>
<item><title>Bad date</title><link>https://n.example/a/2</link>
<pubDate>Thursday 11th of June</pubDate></item>
<item><title>From the future</title><link>https://n.example/a/3</link>
<pubDate>Mon, 15 Jun 2026 10:00:00 GMT</pubDate></item>
<item><title></title><link></link></item>
</channel></rss>"""


def test_atom_without_entry_dates_uses_the_feed_updated_date():
    row = parse_rss(ATOM_NO_DATES, ctx()).row(0, named=True)
    assert (row["published_at"], row["published_at_flag"]) == (
        dt.datetime(2026, 6, 12, 10, 0, tzinfo=UTC),
        "feed_updated",
    )
    assert row["title"] == "Acme & Co. raises guidance"
    assert row["summary"] == "Acme up"


def test_rss_without_or_with_bad_dates():
    items = parse_rss(RSS_BAD_DATES, ctx())
    assert items["title"].to_list() == ["No date at all", "Bad date", "From the future"]
    assert items["published_at_flag"].to_list() == ["missing", "malformed", "future"]
    assert (items["published_at"] == FETCHED).all()


def test_not_a_feed_is_a_payload_error():
    with pytest.raises(PayloadError):
        parse_rss(b"\x00\x01 definitely not xml", ctx())


def test_strip_html():
    assert strip_html("<p>One<br>two &amp; <a href='x'>three</a></p><script>x()</script>") == (
        "One two & three"
    )
    assert strip_html("  plain   text ") == "plain text"
    assert strip_html(None) == ""


def test_newsapi_and_finnhub_payloads():
    newsapi = orjson.dumps(
        {
            "status": "ok",
            "totalResults": 1,
            "articles": [
                {
                    "source": {"id": None, "name": "Reuters"},
                    "author": "A. Writer, B. Writer",
                    "title": "Apple beats estimates",
                    "description": "<p>Strong quarter</p>",
                    "url": "https://www.reuters.com/tech/apple-1/?utm_source=newsapi",
                    "publishedAt": "2026-06-12T20:01:00Z",
                }
            ],
        }
    )
    row = parse_newsapi(newsapi, ctx("newsapi", "AAPL")).row(0, named=True)
    assert (row["publisher"], row["authors"], row["summary"]) == (
        "Reuters",
        ["A. Writer", "B. Writer"],
        "Strong quarter",
    )
    assert row["published_at"] == dt.datetime(2026, 6, 12, 20, 1, tzinfo=UTC)
    assert row["url"] == "https://www.reuters.com/tech/apple-1"
    with pytest.raises(PayloadError, match="NewsAPI error"):
        parse_newsapi(b'{"status": "error", "code": "apiKeyInvalid", "message": "x"}', ctx())
    finnhub = orjson.dumps(
        [
            {
                "category": "company",
                "datetime": 1781294400,
                "headline": "Nvidia unveils chip",
                "related": "NVDA",
                "source": "Yahoo",
                "summary": "New GPU",
                "url": "https://finnhub.io/api/news?id=abc",
            }
        ]
    )
    row = parse_finnhub(finnhub, ctx("finnhub", "NVDA", dt.datetime(2026, 6, 14, tzinfo=UTC))).row(
        0, named=True
    )
    assert row["published_at"] == dt.datetime.fromtimestamp(1781294400, UTC)
    assert row["context"] == ["NVDA"] and "company" in row["categories"]
    with pytest.raises(PayloadError):
        parse_finnhub(b'{"error": "Invalid API key"}', ctx())


def test_dedupe_keeps_the_first_copy_and_unions_feed_tickers():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Apple and Microsoft sign AI pact</title>
<link>https://finance.yahoo.com/news/pact-1.html?.tsrc=rss</link>
<pubDate>Fri, 12 Jun 2026 14:00:00 GMT</pubDate></item></channel></rss>"""
    first = parse_rss(body, ctx("yahoo", "AAPL", FETCHED))
    again = parse_rss(body.replace(b"?.tsrc=rss", b""), ctx("yahoo", "MSFT", FETCHED))
    syndicated = parse_rss(
        body.replace(b"finance.yahoo.com/news/pact-1.html", b"other.example/copy/pact"),
        ctx("yahoo", "GOOGL", FETCHED + dt.timedelta(hours=1)),
    )
    out = dedupe(pl.concat([syndicated, again, first]))
    assert out.height == 1
    row = out.row(0, named=True)
    assert row["context"] == ["AAPL", "GOOGL", "MSFT"]
    assert row["fetched_at"] == FETCHED
