"""The feed registry: which news feeds finlake polls, read from feeds.toml (or a user's file).

A feed is configuration, not code: a name, a URL template, the publisher and category stamped on
its articles, its wire format and how politely to ask. Templates are filled with validated
tickers and URL-encoded company names only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from finlake.universe import Security, validate_ticker

FEEDS_FILE_ENV = "FINLAKE_NEWS_FEEDS_FILE"
DEFAULT_FEEDS = Path(__file__).with_name("feeds.toml")
NAME = re.compile(r"^[a-z0-9_]{1,40}$")
CATEGORIES = ("company", "market", "regulator", "macro", "filings")
FORMATS = ("rss", "newsapi", "finnhub")
AGENTS = ("finlake", "browser", "sec")
PLACEHOLDERS = re.compile(r"\{(\w+)\}")


class FeedConfigError(ValueError):
    """The feed registry is malformed."""


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    publisher: str
    category: str
    format: str = "rss"
    per_ticker: bool = False
    agent: str = "finlake"
    requires: str | None = None
    per_second: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if not NAME.fullmatch(self.name):
            problems.append("name must match [a-z0-9_]{1,40}")
        if not self.url.startswith("https://"):
            problems.append("url must be https")
        if self.category not in CATEGORIES:
            problems.append(f"category must be one of {CATEGORIES}")
        if self.format not in FORMATS:
            problems.append(f"format must be one of {FORMATS}")
        if self.agent not in AGENTS:
            problems.append(f"agent must be one of {AGENTS}")
        if self.per_second <= 0:
            problems.append("per_second must be positive")
        unknown = set(PLACEHOLDERS.findall(self.url)) - {"ticker", "query", "date_from", "date_to"}
        if unknown:
            problems.append(f"unknown placeholders {sorted(unknown)}")
        if self.per_ticker != bool({"ticker", "query"} & set(PLACEHOLDERS.findall(self.url))):
            problems.append("per_ticker feeds (and only they) use {ticker} or {query}")
        if problems:
            raise FeedConfigError(f"feed {self.name!r}: " + "; ".join(problems))

    @property
    def host(self) -> str:
        return self.url.split("/")[2]

    def active(self, live: bool, env: Mapping[str, str] = os.environ) -> bool:
        """API feeds run only in live mode with their key; sample mode serves RSS/Atom feeds."""
        if not live:
            return self.format == "rss"
        return self.requires is None or bool(env.get(self.requires, "").strip())

    def requests(
        self, universe: Sequence[Security], day: dt.date | None = None
    ) -> list[tuple[str | None, str]]:
        """(ticker or None, URL) for every request one poll makes."""
        day = day or dt.date.today()
        values = {
            "date_from": (day - dt.timedelta(days=2)).isoformat(),
            "date_to": day.isoformat(),
        }
        if not self.per_ticker:
            return [(None, self.url.format(**values))]
        out = []
        for security in universe:
            ticker = validate_ticker(security.ticker)
            query = quote(f'"{security.name}"' if security.kind == "stock" else ticker)
            out.append((ticker, self.url.format(ticker=ticker, query=query, **values)))
        return out


def load_feeds(path: Path | None = None) -> tuple[Feed, ...]:
    """The registry at `path`, $FINLAKE_NEWS_FEEDS_FILE, or the default feeds.toml."""
    source = path or Path(os.environ.get(FEEDS_FILE_ENV) or DEFAULT_FEEDS)
    try:
        doc = tomllib.loads(source.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FeedConfigError(f"cannot read the feed registry {source}: {exc}") from None
    entries = doc.get("feed")
    if not isinstance(entries, list) or not entries:
        raise FeedConfigError(f"{source}: no [[feed]] entries")
    try:
        feeds = tuple(Feed(**entry) for entry in entries)
    except TypeError as exc:
        raise FeedConfigError(f"{source}: {exc}") from None
    names = [f.name for f in feeds]
    if len(set(names)) != len(names):
        raise FeedConfigError(f"{source}: duplicate feed names")
    return feeds
