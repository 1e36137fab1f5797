"""Feed bytes -> article items: RSS 2.0 and Atom through feedparser, NewsAPI and Finnhub JSON.

Every format ends in ITEM_SCHEMA, before tagging and sentiment. Dates: an item's own published
date, else its updated date, else the feed's updated date (Atom), else the fetch time; the flag
says which was used and whether a date was present but malformed. A date later than the fetch is
clamped to the fetch time (flag "future"): nothing may look published before it was seen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import lxml.html
import orjson
import polars as pl
from lxml.etree import ParserError

from finlake.datasets import NEWS_ARTICLES
from finlake.sources.base import PayloadError
from finlake.sources.feed_xml import read_feed

UTC_TS = pl.Datetime("us", "UTC")
# the news_articles columns a feed item already has (tickers and sentiment come later)
_ARTICLE_COLUMNS = ("article_id", "url", "title", "summary", "published_at", "published_at_flag")
_ARTICLE_COLUMNS += ("fetched_at", "publisher", "feed", "authors", "categories", "ciks")
ITEM_SCHEMA: dict[str, pl.DataType] = {
    **{c: NEWS_ARTICLES.schema[c] for c in _ARTICLE_COLUMNS},
    "context": pl.List(pl.String),  # tickers the feed attributes the item to
    "story_key": pl.String,  # title + publisher + day: catches syndicated copies under new URLs
    "lister_rank": pl.Int8,  # SEC copies: 0 filer or issuer, 1 reporting owner (the copy kept)
}
# query parameters that only track where a click came from
TRACKING = re.compile(
    r"^(utm_.*|\.tsrc|tsrc|ncid|cmpid|cmp|mod|ref|refsrc|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|"
    r"guccounter|guce_.*|soc_src|soc_trk|taid|yptr|xtor|__source|feedname|rss|src|sr_share|"
    r"partner|yahoo_partner|siteid|cid|rpc|s_cid|trk|trkid|smid|ocid|ito|at_medium|at_campaign)$",
    re.IGNORECASE,
)
SPACE = re.compile(r"\s+")
# an SEC filing's identity: its accession number, in the Atom id, the archive path or the summary
_ACCESSION = re.compile(r"(?<!\d)(\d{10}-\d{2}-\d{6})(?!\d)")
_ARCHIVE = re.compile(r"/Archives/edgar/data/(\d{1,10})/(\d{10})(\d{2})(\d{6})(?:/|$)")
_LISTED_CIK = re.compile(r"\((\d{10})\)\s*\((Filer|Issuer|Reporting|Subject|Filed by)\)\s*$")


@dataclass(frozen=True)
class FeedContext:
    """What the pipeline knows about the request that returned the bytes."""

    feed: str
    publisher: str
    category: str
    fetched_at: dt.datetime
    ticker: str | None = None


def clean_url(url: str | None) -> str | None:
    """The link without fragment, tracking parameters, default port and trailing slash (other
    parameters sorted); None for anything that is not an http(s) URL."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)
    )
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


def canonical_url(url: str | None) -> str | None:
    """clean_url, also ignoring http vs https and a leading `www.`: equal for every copy."""
    cleaned = clean_url(url)
    if cleaned is None:
        return None
    parts = urlsplit(cleaned)
    return urlunsplit(("https", parts.netloc.removeprefix("www."), parts.path, parts.query, ""))


def _is_article_url(canonical: str) -> bool:
    """A site's landing page (BLS's "latest numbers" item links to /bls/) carries a new story
    under the same URL every time: it cannot identify an article."""
    parts = urlsplit(canonical)
    return bool(parts.query) or len([s for s in parts.path.split("/") if s]) > 1


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class SecListing:
    """Who an SEC feed entry lists a filing under; the same accession appears once per CIK."""

    accession: str
    ciks: tuple[str, ...]
    rank: int  # 0 filer / issuer / subject, 1 reporting owner


def sec_listing(
    url: str | None, entry_id: str | None, summary: str | None, title: str
) -> SecListing | None:
    """The accession and CIKs of an EDGAR feed entry; None for anything else."""
    parts = urlsplit(url or "")
    on_sec = (parts.hostname or "").lower().endswith("sec.gov")
    from_sec = str(entry_id or "").startswith("urn:tag:sec.gov")
    if not (on_sec or from_sec):
        return None
    accession = None
    ciks: list[str] = []
    if archive := _ARCHIVE.search(parts.path):
        accession = "-".join(archive.groups()[1:])
        ciks.append(archive[1].zfill(10))
    for text in (entry_id, summary):
        if accession is None and text and (found := _ACCESSION.search(str(text))):
            accession = found[1]
    if accession is None:
        return None
    listed = _LISTED_CIK.search(title)
    if listed:
        ciks.insert(0, listed[1])
    rank = 1 if listed and listed[2] == "Reporting" else 0
    return SecListing(accession, tuple(dict.fromkeys(ciks)), rank)


def title_key(title: str) -> str:
    return SPACE.sub(" ", re.sub(r"[^\w\s]", " ", title.casefold())).strip()


def story_key(
    title: str, publisher: str, published: dt.datetime, accession: str | None = None
) -> str:
    """Same title, publisher and UTC day: one story, whatever URL it was syndicated under. An
    SEC filing is identified by its accession instead: distinct filings share titles ("4 -
    PROGRESSIVE CORP/OH/ (0000080661) (Issuer)")."""
    if accession:
        return _digest(f"sec:{accession}")
    return _digest(f"{title_key(title)}|{publisher.casefold()}|{published.date()}")


def with_story_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Add story_key to rows with url, title, summary, publisher and published_at (stored
    articles)."""
    keys = []
    for url, title, summary, publisher, when in frame.select(
        "url", "title", "summary", "publisher", "published_at"
    ).iter_rows():
        listing = sec_listing(url, None, summary, title)
        keys.append(story_key(title, publisher, when, listing and listing.accession))
    return frame.with_columns(pl.Series("story_key", keys, dtype=pl.String))


def article_id(
    url: str | None,
    title: str,
    publisher: str,
    published: dt.datetime,
    accession: str | None = None,
) -> str:
    """Stable id: the accession of an SEC filing, else a hash of the canonical URL; for items
    without an article URL, of title, publisher and publication time."""
    if accession:
        return _digest(f"sec:{accession}")
    canonical = canonical_url(url)
    if canonical and _is_article_url(canonical):
        return _digest(f"url:{canonical}")
    return _digest(f"item:{title_key(title)}|{publisher.casefold()}|{published.isoformat()}")


def strip_html(text: str | None) -> str:
    """Plain text of an HTML fragment (feed summaries), whitespace collapsed."""
    if not text or not text.strip():
        return ""
    if "<" not in text and "&" not in text:
        return SPACE.sub(" ", text).strip()
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ParserError, ValueError):
        return SPACE.sub(" ", text).strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for br in root.xpath("//br|//p|//li|//div"):
        br.tail = " " + (br.tail or "")
    return SPACE.sub(" ", root.text_content()).strip()


def _struct_to_utc(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def resolve_published(
    own: dt.datetime | None,
    own_raw: str | None,
    updated: dt.datetime | None,
    feed_updated: dt.datetime | None,
    fetched_at: dt.datetime,
) -> tuple[dt.datetime, str | None]:
    """(published_at, flag). The flag is None when the item's own date was used, else why not:
    "updated" / "feed_updated" (no date of its own, that fallback used), "malformed" (a date that
    does not parse; fallbacks applied), "missing" (no date anywhere: the fetch time), "future"
    (later than the fetch: clamped to the fetch time)."""
    malformed = bool(own_raw and own_raw.strip() and own is None)
    for value, flag in ((own, None), (updated, "updated"), (feed_updated, "feed_updated")):
        if value is not None:
            if value > fetched_at:
                return fetched_at, "future"
            return value, "malformed" if malformed else flag
    return fetched_at, "malformed" if malformed else "missing"


def _row(
    ctx: FeedContext,
    *,
    url: str | None,
    title: str,
    summary: str,
    published: tuple[dt.datetime, str | None],
    publisher: str | None,
    authors: Sequence[str],
    categories: Sequence[str],
    entry_id: str | None = None,
) -> dict:
    title = SPACE.sub(" ", strip_html(title)).strip()
    publisher = (publisher or ctx.publisher).strip() or ctx.publisher
    when, flag = published
    listing = sec_listing(url, entry_id, summary, title)
    accession = listing.accession if listing else None
    return {
        "article_id": article_id(url, title, publisher, when, accession),
        "url": clean_url(url),
        "title": title,
        "summary": strip_html(summary),
        "published_at": when,
        "published_at_flag": flag,
        "fetched_at": ctx.fetched_at,
        "publisher": publisher,
        "feed": ctx.feed,
        "authors": sorted({a.strip() for a in authors if a and a.strip()}),
        "categories": sorted({c.strip() for c in [ctx.category, *categories] if c and c.strip()}),
        "ciks": list(listing.ciks) if listing else [],
        "context": [ctx.ticker] if ctx.ticker else [],
        "story_key": story_key(title, publisher, when, accession),
        "lister_rank": listing.rank if listing else 0,
    }


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ITEM_SCHEMA, orient="row") if rows else _empty()


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=ITEM_SCHEMA)


def parse_rss(body: bytes, ctx: FeedContext) -> pl.DataFrame:
    """RSS 2.0 or Atom bytes (fetched with a timeout by the caller: feedparser has none); a
    document cut off before its end raises PayloadError instead of yielding the items so far."""
    return parse_feed(read_feed(body, ctx.feed), ctx)


def parse_feed(parsed: feedparser.FeedParserDict, ctx: FeedContext) -> pl.DataFrame:
    """Rows of a feed feedparser has already parsed (for callers that also read its channel)."""
    if not parsed.entries and not parsed.get("version"):  # an error page, not an empty feed
        reason = parsed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF> root"
        raise PayloadError(f"{ctx.feed}: not an RSS or Atom feed ({reason})")
    # dict.get: FeedParserDict maps a missing updated_* to published_* (deprecated, warns)
    feed_updated = _struct_to_utc(dict.get(parsed.feed, "updated_parsed"))
    rows = []
    for entry in parsed.entries:
        title = entry.get("title") or ""
        url = entry.get("link") or (
            entry.get("id") if str(entry.get("id", "")).startswith("http") else None
        )
        if not title.strip() and not url:
            continue  # nothing to identify or show; feedparser yields such husks for empty <item/>
        source = entry.get("source") or {}
        authors = [a.get("name", "") for a in entry.get("authors", []) if isinstance(a, dict)]
        if not authors and entry.get("author"):
            authors = [entry["author"]]
        rows.append(
            _row(
                ctx,
                url=url,
                title=title,
                summary=entry.get("summary") or "",
                published=resolve_published(
                    _struct_to_utc(dict.get(entry, "published_parsed")),
                    dict.get(entry, "published"),
                    _struct_to_utc(dict.get(entry, "updated_parsed")),
                    feed_updated,
                    ctx.fetched_at,
                ),
                publisher=source.get("title") if isinstance(source, dict) else None,
                authors=authors,
                categories=[t.get("term", "") for t in entry.get("tags", []) or []],
                entry_id=entry.get("id"),
            )
        )
    return _frame(rows)


def _iso(text: object) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _load_json(body: bytes, label: str):
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"{label}: malformed JSON ({exc})") from None


def parse_newsapi(body: bytes, ctx: FeedContext) -> pl.DataFrame:
    """NewsAPI /v2/everything: {"status": "ok", "articles": [{source, author, title, ...}]}."""
    doc = _load_json(body, ctx.feed)
    if not isinstance(doc, dict) or doc.get("status") != "ok":
        message = doc.get("message") if isinstance(doc, dict) else None
        raise PayloadError(f"{ctx.feed}: NewsAPI error ({message or 'unexpected payload'})")
    rows = []
    for art in doc.get("articles") or []:
        raw = art.get("publishedAt")
        rows.append(
            _row(
                ctx,
                url=art.get("url"),
                title=art.get("title") or "",
                summary=art.get("description") or "",
                published=resolve_published(_iso(raw), raw, None, None, ctx.fetched_at),
                publisher=(art.get("source") or {}).get("name"),
                authors=[a for a in str(art.get("author") or "").split(",")],
                categories=[],
            )
        )
    return _frame(rows)


def parse_finnhub(body: bytes, ctx: FeedContext) -> pl.DataFrame:
    """Finnhub /company-news: [{category, datetime (unix s), headline, related, source, summary,
    url}]."""
    doc = _load_json(body, ctx.feed)
    if not isinstance(doc, list):
        raise PayloadError(f"{ctx.feed}: Finnhub answered {str(doc)[:200]!r}, not a list")
    rows = []
    for art in doc:
        stamp = art.get("datetime")
        when = (
            dt.datetime.fromtimestamp(stamp, dt.UTC)
            if isinstance(stamp, int | float) and stamp > 0
            else None
        )
        rows.append(
            _row(
                ctx,
                url=art.get("url"),
                title=art.get("headline") or "",
                summary=art.get("summary") or "",
                published=resolve_published(
                    when, str(stamp) if stamp else None, None, None, ctx.fetched_at
                ),
                publisher=art.get("source"),
                authors=[],
                categories=[art.get("category") or ""],
            )
        )
    return _frame(rows)


def _all_tickers() -> pl.Expr:
    return pl.col("context").list.explode(keep_nulls=False, empty_as_null=False).unique().sort()


def _all_ciks() -> pl.Expr:
    return pl.col("ciks").list.explode(keep_nulls=False, empty_as_null=False).unique().sort()


def dedupe(items: pl.DataFrame) -> pl.DataFrame:
    """One item per story: the first seen (then first published) copy, with the feed tickers
    and SEC CIKs of every copy. Copies share an article_id or a story key; of an SEC filing's
    copies the filer's or issuer's is kept, not a reporting owner's."""
    if items.is_empty():
        return items
    # the lister rank first: an issuer's copy wins over an owner's fetched earlier in the poll
    # (every non-SEC item ranks 0, so for them the first seen copy wins)
    ordered = items.sort("lister_rank", "fetched_at", "published_at", "feed", "article_id")
    merged = (pl.exclude("context", "ciks").first(), _all_tickers(), _all_ciks())
    by_id = ordered.group_by("article_id", maintain_order=True).agg(*merged)
    by_story = by_id.group_by("story_key", maintain_order=True).agg(*merged)
    return by_story.select(list(items.columns))


PARSERS = {"rss": parse_rss, "newsapi": parse_newsapi, "finnhub": parse_finnhub}
