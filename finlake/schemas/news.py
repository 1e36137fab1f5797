"""Quality gates of the news datasets: identifiers, point-in-time dates, score ranges."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from finlake.datasets import NEWS_ARTICLES, NEWS_SENTIMENT_DAILY
from finlake.schemas import contract_schema, is_session
from finlake.universe import TICKER_PATTERN

FLAGS = ["updated", "feed_updated", "malformed", "missing", "future"]
LABELS = ["positive", "negative", "neutral"]


def _unit_interval(low: float) -> list[pa.Check]:
    return [pa.Check.in_range(low, 1.0, error=f"must be within [{low}, 1]")]


def published_not_after_fetch() -> pa.Check:
    """Point in time: a story cannot be dated after finlake first saw it."""
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col("published_at") <= pl.col("fetched_at")),
        name="published_at: after fetched_at",
        error="published_at is later than fetched_at",
    )


def valid_tickers() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(
            pl.col(data.key).list.eval(pl.element().str.contains(TICKER_PATTERN.pattern)).list.all()
        ),
        name="valid_tickers",
        error="invalid ticker in list",
    )


NEWS_ARTICLES_SCHEMA = contract_schema(
    NEWS_ARTICLES,
    checks={
        "article_id": [pa.Check.str_matches(r"^[0-9a-f]{32}$", error="not a 32-hex id")],
        "url": [pa.Check.str_matches(r"^https?://", error="not an http(s) URL")],
        "title": [pa.Check.str_length(min_value=1, error="empty title")],
        "published_at_flag": [pa.Check.isin(FLAGS, error="unknown flag")],
        "tickers": [valid_tickers()],
        "sentiment_compound": _unit_interval(-1.0),
        "sentiment_positive": _unit_interval(0.0),
        "sentiment_neutral": _unit_interval(0.0),
        "sentiment_negative": _unit_interval(0.0),
        "sentiment_label": [pa.Check.isin(LABELS, error="unknown label")],
    },
    nullable=["url", "published_at_flag"],
    unique=["article_id"],
    frame_checks=[published_not_after_fetch()],
)

NEWS_SENTIMENT_DAILY_SCHEMA = contract_schema(
    NEWS_SENTIMENT_DAILY,
    checks={
        "date": [is_session()],
        "article_count": [pa.Check.gt(0, error="must be > 0")],
        "mean_compound": _unit_interval(-1.0),
        "median_compound": _unit_interval(-1.0),
        "share_positive": _unit_interval(0.0),
        "share_negative": _unit_interval(0.0),
    },
    unique=["ticker", "date"],
)
