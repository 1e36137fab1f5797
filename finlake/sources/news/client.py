"""Where feed bytes come from: the web (live) or the sample news world (offline).

feedparser has no timeout, so finlake fetches the bytes itself: httpx with connect/read
timeouts, a per-host request budget shared across processes, retries with backoff on 429, 5xx
and network errors, and conditional GETs (If-None-Match / If-Modified-Since) so an unchanged
feed costs a 304. Each feed names its User-Agent: Yahoo answers 429 without a browser-like one,
SEC requires the declared FINLAKE_SEC_USER_AGENT. API keys travel in headers, never in URLs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from finlake.sources.base import RetryableSourceError, SourceError
from finlake.sources.http import CrossProcessRateLimiter, HttpGetter
from finlake.sources.news.feeds import Feed
from finlake.sources.sec.client import declared_user_agent

FINLAKE_AGENT = "finlake/0.1 (open financial data lakehouse; RSS reader)"
BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)
API_KEY_HEADERS = {
    "newsapi": ("X-Api-Key", "NEWSAPI_KEY"),
    "finnhub": ("X-Finnhub-Token", "FINNHUB_API_KEY"),
}


@dataclass(frozen=True)
class FeedResponse:
    url: str
    status: int  # 200, 304 (not modified) or 404
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class NewsTransport(Protocol):
    def get(self, url: str, headers: Mapping[str, str] | None = None) -> FeedResponse: ...


def request_headers(feed: Feed, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """User-Agent and API key of a feed's requests (a missing SEC agent or key raises)."""
    agent = {"finlake": FINLAKE_AGENT, "browser": BROWSER_AGENT}.get(feed.agent)
    headers = {
        "User-Agent": agent or declared_user_agent(env),
        "Accept": "application/rss+xml, application/atom+xml, application/xml, application/json;"
        "q=0.9, */*;q=0.5",
    }
    if feed.format in API_KEY_HEADERS:
        header, variable = API_KEY_HEADERS[feed.format]
        key = env.get(variable, "").strip()
        if not key:
            raise SourceError(f"feed {feed.name}: {variable} is not set")
        headers[header] = key
    return headers


def _classify(response: httpx.Response) -> SourceError | None:
    status = response.status_code
    if status == 429 or status >= 500:
        return RetryableSourceError(f"HTTP {status} from {response.url.host}")
    if status in (200, 304, 404):
        return None
    return SourceError(f"HTTP {status} from {response.url.host}{response.url.path}")


class LiveNewsTransport:
    """One retrying getter per host, each with the host's shared request budget."""

    def __init__(
        self,
        lock_dir: Path,
        feeds: Sequence[Feed],
        *,
        attempts: int = 3,
        backoff_s: float = 2.0,
        transport: httpx.BaseTransport | None = None,
        requests_per_second: float | None = None,
    ) -> None:
        """`requests_per_second`: one budget for every host instead of the feeds' own."""
        self.lock_dir = lock_dir
        self.rates: dict[str, float] = {}
        for feed in feeds:
            rate = requests_per_second or feed.per_second
            self.rates[feed.host] = min(self.rates.get(feed.host, rate), rate)
        self.attempts, self.backoff_s, self.transport = attempts, backoff_s, transport
        self.getters: dict[str, HttpGetter] = {}

    def _getter(self, host: str) -> HttpGetter:
        if host not in self.getters:
            limiter = CrossProcessRateLimiter(
                self.lock_dir / f"news-{host}", self.rates.get(host, 1.0)
            )
            self.getters[host] = HttpGetter(
                {},
                limiter,
                classify=_classify,
                attempts=self.attempts,
                backoff_s=self.backoff_s,
                timeout_s=20.0,
                transport=self.transport,
            )
        return self.getters[host]

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> FeedResponse:
        exchange = self._getter(httpx.URL(url).host).get(url, dict(headers or {}))
        return FeedResponse(
            url,
            exchange.status,
            exchange.body if exchange.status == 200 else b"",
            exchange.headers.get("etag"),
            exchange.headers.get("last-modified"),
        )
