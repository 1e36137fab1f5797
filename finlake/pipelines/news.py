"""News as plain functions: poll the feed registry -> bronze -> deduplicated, tagged, scored
articles -> daily sentiment per ticker and NYSE session.

A poll belongs to a UTC hour. Every response (200 or 304) is kept in bronze with the bytes as
received; silver never fetches. A story lands once however many feeds and polls carry it: the
article_id is a hash of the canonical URL, and a copy under another URL with the same title and
publisher on the same day (syndication) is recognized by its story key. A story seen again in
another ticker's feed adds that ticker to the stored row.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from finlake.calendar import nyse
from finlake.datasets import NEWS_ARTICLES, NEWS_SENTIMENT_DAILY, SEC_COMPANIES
from finlake.gate import GateFailure, apply_gate
from finlake.lake import RAW_SCHEMA, Lake, raw_row
from finlake.schemas.news import NEWS_ARTICLES_SCHEMA, NEWS_SENTIMENT_DAILY_SCHEMA
from finlake.sources.base import REJECT_SCHEMA, PayloadError, SourceError
from finlake.sources.news.client import NewsTransport, request_headers
from finlake.sources.news.feeds import Feed
from finlake.sources.news.items import PARSERS, FeedContext, dedupe, with_story_keys
from finlake.transforms.sentiment import FinanceSentiment
from finlake.transforms.tagging import TickerTagger, companies_for
from finlake.universe import Security

BRONZE_SOURCE = "news"
VALIDATORS_FILE = "_http_validators.parquet"
VALIDATOR_SCHEMA = {
    "url": pl.String,
    "etag": pl.String,
    "last_modified": pl.String,
    "fetched_at": pl.Datetime("us", "UTC"),
}
DEDUPE_WINDOW = dt.timedelta(days=3)  # how far apart copies of one story may be published


def hour_key(hour: dt.datetime) -> str:
    """The bronze partition of a poll hour, e.g. 2026-11-20T14 (UTC)."""
    return hour.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


# --------------------------------------------------------------------------- fetch
@dataclass
class NewsFetchReport:
    requests: int = 0
    changed: int = 0  # 200
    not_modified: int = 0  # 304
    failures: list[dict] = field(default_factory=list)  # feed, ticker, error
    retryable: bool = False  # some failure was transient
    bytes: int = 0
    path: Path | None = None


def _validators(lake: Lake) -> dict[str, dict]:
    frame = lake.read_sidecar(NEWS_ARTICLES, VALIDATORS_FILE)
    return {row["url"]: row for row in frame.iter_rows(named=True)} if frame is not None else {}


def fetch_news(
    transport: NewsTransport,
    lake: Lake,
    feeds: Sequence[Feed],
    universe: Sequence[Security],
    hour: dt.datetime,
    *,
    clock: dt.datetime,
    run_id: str,
    live: bool,
    env: Mapping[str, str] = os.environ,
) -> NewsFetchReport:
    """One poll of every active feed at `clock`, stored as the bronze batch of `hour`.

    A feed that fails (after the transport's retries) is reported and skipped; the poll fails
    only when every request failed. Conditional-GET validators are used only when they were
    recorded at or before `clock`, so a backfill never mistakes a later state for "unchanged".
    """
    report = NewsFetchReport()
    validators = _validators(lake)
    rows = []
    for feed in (f for f in feeds if f.active(live, env)):
        try:  # the sample world needs no User-Agent or key: only live requests carry them
            base_headers = request_headers(feed, env) if live else {}
        except SourceError as exc:
            report.failures.append({"feed": feed.name, "ticker": None, "error": str(exc)})
            continue
        for ticker, url in feed.requests(universe, clock.date()):
            report.requests += 1
            headers = dict(base_headers)
            known = validators.get(url)
            if known and known["fetched_at"] <= clock:
                if known["etag"]:
                    headers["If-None-Match"] = known["etag"]
                elif known["last_modified"]:
                    headers["If-Modified-Since"] = known["last_modified"]
            try:
                response = transport.get(url, headers)
            except SourceError as exc:  # that one request: the other feeds still count
                report.failures.append({"feed": feed.name, "ticker": ticker, "error": str(exc)})
                report.retryable = report.retryable or exc.retryable
                continue
            if response.status not in (200, 304):
                report.failures.append(
                    {"feed": feed.name, "ticker": ticker, "error": f"HTTP {response.status}"}
                )
                continue
            if response.status == 200:
                report.changed += 1
                if response.etag or response.last_modified:
                    validators[url] = {
                        "url": url,
                        "etag": response.etag,
                        "last_modified": response.last_modified,
                        "fetched_at": clock,
                    }
            else:
                report.not_modified += 1
            report.bytes += len(response.body)
            rows.append(
                raw_row(
                    BRONZE_SOURCE,
                    feed.name,
                    ticker or "",
                    url,
                    (hour.date(), hour.date()),
                    clock,
                    run_id,
                    response.status,
                    response.body,
                )
            )
    if report.requests and not rows:
        error = SourceError(f"every feed request of the poll failed: {report.failures[:3]}")
        error.retryable = report.retryable
        raise error
    if rows:
        report.path = lake.write_bronze(
            BRONZE_SOURCE, hour_key(hour), pl.DataFrame(rows), RAW_SCHEMA
        )
        lake.write_sidecar(
            NEWS_ARTICLES,
            VALIDATORS_FILE,
            pl.DataFrame(list(validators.values()), schema=VALIDATOR_SCHEMA, orient="row"),
        )
    return report


# --------------------------------------------------------------------------- enrich
@dataclass
class Enricher:
    """Tagging and sentiment, built once per run (regexes, lexicons)."""

    tagger: TickerTagger
    sentiment: FinanceSentiment
    tickers: frozenset[str]  # the universe: the only tickers an article can carry

    @classmethod
    def for_universe(cls, universe: Sequence[Security], lake: Lake | None = None) -> Enricher:
        """Company names from sec_companies when it has been built, else the universe's own."""
        sec = None
        if lake is not None and lake.has_data(SEC_COMPANIES):
            sec = lake.scan(SEC_COMPANIES).collect()
        companies = companies_for(universe, sec)
        return cls(
            TickerTagger(companies),
            FinanceSentiment(),
            frozenset(c.ticker for c in companies),
        )

    def articles(self, items: pl.DataFrame) -> pl.DataFrame:
        """Items (ITEM_SCHEMA) -> news_articles rows."""
        if items.is_empty():
            return NEWS_ARTICLES.empty()
        roles = self.tagger.roles_many(
            items.get_column("title").to_list(),
            items.get_column("summary").to_list(),
            items.get_column("context").to_list(),
        )
        scores = self.sentiment.score(
            items.get_column("title").to_list(), items.get_column("summary").to_list()
        )
        rows = items.with_columns(
            pl.Series("tickers", [r[0] for r in roles], dtype=pl.List(pl.String)),
            pl.Series("mentioned_tickers", [r[1] for r in roles], dtype=pl.List(pl.String)),
        )
        return NEWS_ARTICLES.conform(pl.concat([rows, scores], how="horizontal"))


# --------------------------------------------------------------------------- silver
@dataclass
class NewsSilverReport:
    items: int  # parsed from the polls
    new: pl.DataFrame  # articles stored for the first time
    updated: int  # stored articles that gained tickers
    duplicates: int  # copies collapsed or already stored
    rejected: pl.DataFrame
    changed_months: list[str]


def _poll_rows(lake: Lake, hours: Sequence[dt.datetime]) -> pl.DataFrame:
    """The newest bronze batch of each poll hour (a re-run's poll supersedes the earlier one)."""
    index = lake.bronze_index(BRONZE_SOURCE, RAW_SCHEMA)
    keys = [hour_key(h) for h in hours]
    index = index.with_columns(
        pl.col("file").str.extract(r"date=([0-9T\-]+)/", 1).alias("hour")
    ).filter(pl.col("hour").is_in(keys))
    newest = index.group_by("hour").agg(pl.col("file").max())
    missing = sorted(set(keys) - set(newest.get_column("hour").to_list()))
    if missing:
        raise FileNotFoundError(f"no news poll stored for hour(s) {missing[:5]}; poll them first")
    rows = index.join(newest, on=["hour", "file"], how="semi")
    return lake.read_bronze(rows, key="url", schema=RAW_SCHEMA).join(
        rows.select("file", "url", "hour"), on=["file", "url"]
    )


def parse_polls(polls: pl.DataFrame, feeds: Mapping[str, Feed]) -> tuple[pl.DataFrame, list]:
    """Items of every 200 response; a payload that does not parse becomes a quarantine row."""
    frames, problems = [], []
    for row in polls.filter(pl.col("status") == 200).iter_rows(named=True):
        feed = feeds.get(row["kind"])
        ctx = FeedContext(
            feed=row["kind"],
            publisher=feed.publisher if feed else row["kind"],
            category=feed.category if feed else "market",
            fetched_at=row["fetched_at"],
            ticker=row["key"] or None,
        )
        parse = PARSERS[feed.format if feed else "rss"]
        try:
            frames.append(parse(row["body"], ctx))
        except PayloadError as exc:
            problems.append(
                {
                    "dataset": NEWS_ARTICLES.name,
                    "partition": row["hour"],
                    "row": orjson.dumps(
                        {  # where its bytes are kept: the bronze batch file and their hash
                            "feed": row["kind"],
                            "url": row["url"],
                            "bronze_file": row["file"],
                            "sha256": row["sha256"],
                            "bytes": len(row["body"]),
                        }
                    ).decode(),
                    "reason": f"feed payload could not be parsed: {exc}",
                }
            )
    items = pl.concat(frames) if frames else None
    return items, problems


def _stored(lake: Lake, items: pl.DataFrame) -> pl.DataFrame:
    """Stored articles that may be copies of the items (same id, or published nearby)."""
    if not lake.has_data(NEWS_ARTICLES) or items.is_empty():
        return NEWS_ARTICLES.empty().with_columns(pl.lit(None, pl.String).alias("story_key"))
    lo = items.get_column("published_at").min() - DEDUPE_WINDOW
    hi = items.get_column("published_at").max() + DEDUPE_WINDOW
    ids = items.get_column("article_id").implode()
    stored = (
        lake.scan(NEWS_ARTICLES)
        .filter(pl.col("published_at").is_between(lo, hi) | pl.col("article_id").is_in(ids))
        .with_columns(  # rows stored before these columns existed
            pl.col("mentioned_tickers", "ciks").fill_null(pl.lit([], pl.List(pl.String)))
        )
        .collect()
    )
    return with_story_keys(stored)


def build_news_silver(
    lake: Lake,
    hours: Sequence[dt.datetime],
    feeds: Mapping[str, Feed],
    enricher: Enricher,
    *,
    run_id: str,
) -> NewsSilverReport:
    polls = _poll_rows(lake, hours)
    items, problems = parse_polls(polls, feeds)
    rejected = [pl.DataFrame(problems, schema=REJECT_SCHEMA)] if problems else []
    if items is None or items.is_empty():
        _quarantine(lake, rejected, run_id, hours)
        return NewsSilverReport(0, NEWS_ARTICLES.empty(), 0, 0, _rejects(rejected), [])
    unique = dedupe(items)
    stored = _stored(lake, unique)
    seen = unique.join(stored.select("article_id"), on="article_id", how="semi")
    seen_story = unique.join(stored.select("story_key"), on="story_key", how="semi")
    known = pl.concat([seen, seen_story]).unique("article_id")
    fresh = unique.join(known.select("article_id"), on="article_id", how="anti")
    new = enricher.articles(fresh)
    updated = _gained_tickers(stored, known, enricher)
    rows = pl.concat([new, updated])
    try:
        gate = apply_gate(
            rows,
            NEWS_ARTICLES_SCHEMA,
            dataset=NEWS_ARTICLES.name,
            partition_by="fetched_at",
            whole_batch=True,
        )
    except GateFailure as exc:
        _quarantine(lake, [*rejected, _by_poll_hour(exc.rejected)], run_id, hours)
        raise
    guard = lake.guard(NEWS_ARTICLES, gate.valid, _by_poll_hour(gate.rejected))
    rejected.append(guard.rejected)
    changed = lake.merge(
        NEWS_ARTICLES, gate.valid, gate.valid.select("article_id", "published_at"), keep=guard.keep
    )
    _quarantine(lake, rejected, run_id, hours)
    return NewsSilverReport(
        items=items.height,
        new=gate.valid.join(new.select("article_id"), on="article_id", how="semi"),
        updated=updated.height,
        duplicates=items.height - fresh.height,
        rejected=_rejects(rejected),
        changed_months=sorted({d.strftime("%Y-%m") for d in changed}),
    )


def _gained_tickers(stored: pl.DataFrame, known: pl.DataFrame, enricher: Enricher) -> pl.DataFrame:
    """Stored rows whose story was seen again in a feed of another universe ticker, or (an SEC
    filing) in the issuer's copy after the owner's: they gain its tickers and CIKs."""
    if known.is_empty():
        return NEWS_ARTICLES.empty()
    allowed = sorted(enricher.tickers)
    seen = pl.concat(
        [
            known.join(stored.select("article_id"), on="article_id", how="semi").select(
                "article_id", "context", "ciks"
            ),
            known.join(stored.select("article_id", "story_key"), on="story_key").select(
                pl.col("article_id_right").alias("article_id"), "context", "ciks"
            ),
        ]
    )
    tickers = seen.explode("context").filter(pl.col("context").is_in(allowed))
    ciks = seen.explode("ciks").filter(pl.col("ciks").is_not_null())
    extra = (
        seen.select("article_id")
        .unique()
        .join(tickers.group_by("article_id").agg(pl.col("context").unique()), "article_id", "left")
        .join(
            ciks.group_by("article_id").agg(pl.col("ciks").unique().alias("seen_ciks")),
            "article_id",
            "left",
        )
        .with_columns(pl.col("context", "seen_ciks").fill_null([]))
    )
    # a feed attributing the story to a company its text names only in passing does not make
    # that company a subject (Enricher.articles judges new stories the same way)
    attributed = pl.col("context").list.set_difference(pl.col("mentioned_tickers"))
    merged = stored.join(extra, on="article_id").with_columns(
        pl.concat_list("tickers", attributed).list.unique().list.sort().alias("new_tickers"),
        pl.concat_list(pl.col("ciks").fill_null([]), "seen_ciks")
        .list.unique()
        .list.sort()
        .alias("new_ciks"),
    )
    grew = merged.filter(
        (pl.col("new_tickers").list.len() > pl.col("tickers").list.len())
        | (pl.col("new_ciks").list.len() > pl.col("ciks").fill_null([]).list.len())
    )
    return NEWS_ARTICLES.conform(
        grew.with_columns(pl.col("new_tickers").alias("tickers"), pl.col("new_ciks").alias("ciks"))
    )


def _by_poll_hour(rejected: pl.DataFrame) -> pl.DataFrame:
    """Gate rejects are partitioned by fetched_at; the quarantine keys them by poll hour."""
    hour = pl.col("partition").str.slice(0, 13).str.replace(" ", "T")
    return rejected.with_columns(hour.alias("partition"))


def _rejects(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, how="diagonal") if frames else pl.DataFrame(schema=REJECT_SCHEMA)


def _quarantine(
    lake: Lake, frames: list[pl.DataFrame], run_id: str, hours: Sequence[dt.datetime]
) -> None:
    """The run's hours are rewritten: their earlier rejects are replaced by this run's."""
    rows = _rejects(frames)
    parts = {hour_key(h) for h in hours} | set(rows.get_column("partition").to_list())
    lake.replace_quarantine(NEWS_ARTICLES.name, rows, run_id, parts)


# --------------------------------------------------------------------------- gold
def sentiment_daily(articles: pl.DataFrame) -> pl.DataFrame:
    """Per ticker and NYSE session: articles published after the previous close up to this
    session's close (16:00 ET, or the early close)."""
    tagged = articles.select("tickers", "published_at", "sentiment_compound", "sentiment_label")
    tagged = tagged.explode("tickers").drop_nulls("tickers")
    if tagged.is_empty():
        return NEWS_SENTIMENT_DAILY.empty()
    cal = nyse()
    moments = tagged.get_column("published_at").unique()
    sessions = pl.DataFrame(
        {
            "published_at": moments,
            "date": [cal.session_of(m) for m in moments.to_list()],
        },
        schema={"published_at": pl.Datetime("us", "UTC"), "date": pl.Date},
    )
    daily = (
        tagged.join(sessions, on="published_at")
        .group_by(pl.col("tickers").alias("ticker"), "date")
        .agg(
            pl.len().cast(pl.Int64).alias("article_count"),
            pl.col("sentiment_compound").mean().alias("mean_compound"),
            pl.col("sentiment_compound").median().alias("median_compound"),
            (pl.col("sentiment_label") == "positive").mean().alias("share_positive"),
            (pl.col("sentiment_label") == "negative").mean().alias("share_negative"),
        )
    )
    return NEWS_SENTIMENT_DAILY.conform(daily)


@dataclass
class SentimentDailyReport:
    rows: pl.DataFrame
    changed: list


def build_sentiment_daily(lake: Lake) -> SentimentDailyReport:
    """Recompute from every stored article; sessions before the oldest stored article (removed
    by retention) keep their rows."""
    articles = lake.scan(NEWS_ARTICLES).collect()
    daily = sentiment_daily(articles)
    if daily.is_empty():
        return SentimentDailyReport(daily, [])
    gate = apply_gate(
        daily, NEWS_SENTIMENT_DAILY_SCHEMA, dataset=NEWS_SENTIMENT_DAILY.name, partition_by="date"
    )
    if not gate.rejected.is_empty():
        raise GateFailure(
            f"{NEWS_SENTIMENT_DAILY.name}: computed rows failed their gate", gate.rejected
        )
    first = daily.get_column("date").min()
    stored = (
        lake.scan(NEWS_SENTIMENT_DAILY).filter(pl.col("date") >= first).select("ticker", "date")
    )
    scope = pl.concat([stored.collect(), daily.select("ticker", "date")]).unique()
    changed = lake.merge(NEWS_SENTIMENT_DAILY, daily, scope)
    return SentimentDailyReport(daily, changed)
