"""An SEC filing listed under several CIKs in the EDGAR feeds is one story: the issuer's copy is
the one kept, and a copy seen in a later poll adds its tickers and CIKs to the stored story."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl

from finlake.datasets import NEWS_ARTICLES
from finlake.pipelines.news import _gained_tickers
from finlake.sources.news.items import ITEM_SCHEMA, dedupe

T0 = dt.datetime(2026, 11, 18, 21, tzinfo=dt.UTC)
ISSUER, OWNER = "0000320193", "0001214156"


def item(feed: str, rank: int, ciks: list[str], context: list[str], fetched: dt.datetime) -> dict:
    return {c: None for c in ITEM_SCHEMA} | {
        "article_id": "f" * 32, "story_key": "k" * 32, "title": "4 - Apple Inc. (Issuer)",
        "url": "https://www.sec.gov/Archives/edgar/data/320193/000032019326000001-index.htm",
        "feed": feed, "lister_rank": rank, "ciks": ciks, "context": context,
        "published_at": T0, "fetched_at": fetched, "authors": [], "categories": [],
    }  # fmt: skip


def test_the_issuers_copy_is_kept_even_when_the_owners_was_fetched_first():
    owner = item("sec_owner_feed", 1, [OWNER], [], T0)
    issuer = item("sec_AAPL", 0, [ISSUER], ["AAPL"], T0 + dt.timedelta(seconds=5))
    [kept] = dedupe(pl.DataFrame([owner, issuer], schema=ITEM_SCHEMA)).to_dicts()
    assert kept["feed"] == "sec_AAPL"
    assert sorted(kept["ciks"]) == sorted([ISSUER, OWNER]) and kept["context"] == ["AAPL"]


def test_a_later_poll_of_the_issuers_copy_adds_its_ticker_and_cik_to_the_stored_story():
    stored = pl.DataFrame(
        [
            {c: None for c in NEWS_ARTICLES.schema}
            | {
                "article_id": "f" * 32,
                "title": "4 - Apple Inc. (Issuer)",
                "published_at": T0,
                "fetched_at": T0,
                "tickers": [],
                "mentioned_tickers": [],
                "ciks": [OWNER],
                "authors": [],
                "categories": [],
            }
        ],
        schema=NEWS_ARTICLES.schema,
    ).with_columns(pl.lit("k" * 32).alias("story_key"))
    later = pl.DataFrame([item("sec_AAPL", 0, [ISSUER], ["AAPL"], T0)], schema=ITEM_SCHEMA)
    grown = _gained_tickers(stored, later, SimpleNamespace(tickers=frozenset({"AAPL"})))
    assert grown.select("tickers", "ciks").rows() == [(["AAPL"], sorted([ISSUER, OWNER]))]
