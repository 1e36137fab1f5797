"""Where SEC bytes come from: EDGAR over HTTP (live) or the sample world (offline).

Live access follows SEC's fair-access rules: a declared User-Agent ("Name email") from
FINLAKE_SEC_USER_AGENT, checked before any request; at most 8 requests/s across all processes;
429, 5xx and the 403 "Request Rate Threshold Exceeded" page are retried with backoff. Archive
documents are immutable, so they are stored once (in bronze) and never fetched again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import httpx

from finlake.sources.base import (
    ConfigurationError,
    HttpExchange,
    RetryableSourceError,
    SourceError,
)
from finlake.sources.http import CrossProcessRateLimiter, HttpGetter

USER_AGENT_ENV = "FINLAKE_SEC_USER_AGENT"
REQUESTS_PER_SECOND = 8.0  # SEC allows 10; stay clear of the threshold
USER_AGENT = re.compile(r"^\S.*\s\S+@\S+\.\S+$")


class SecConfigError(ConfigurationError):
    """Live SEC access is not configured (no declared User-Agent)."""


class SecTransport(Protocol):
    def get(self, url: str) -> HttpExchange: ...


def declared_user_agent(env: Mapping[str, str] = os.environ) -> str:
    value = env.get(USER_AGENT_ENV, "").strip()
    if not USER_AGENT.fullmatch(value):
        raise SecConfigError(
            f"{USER_AGENT_ENV} must be set to a declared User-Agent like 'Jane Doe "
            f"jane@example.com' before finlake contacts SEC EDGAR (SEC fair-access rules); "
            f"it is {'unset' if not value else 'not of that form'}"
        )
    return value


def _classify(response: httpx.Response) -> SourceError | None:
    status = response.status_code
    if status == 429 or status >= 500:
        return RetryableSourceError(f"SEC answered HTTP {status} for {response.url}")
    if status == 403:
        text = response.text[:2000]
        if "Request Rate Threshold Exceeded" in text or "Undeclared Automated Tool" in text:
            return RetryableSourceError(f"SEC rate threshold page (HTTP 403) for {response.url}")
        return SourceError(f"SEC refused {response.url} (HTTP 403)")
    if status >= 400 and status != 404:
        return SourceError(f"SEC answered HTTP {status} for {response.url}")
    return None


class LiveSecTransport:
    def __init__(
        self,
        limiter_path: Path,
        *,
        user_agent: str | None = None,
        attempts: int = 5,
        backoff_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        requests_per_second: float = REQUESTS_PER_SECOND,
    ) -> None:
        agent = user_agent or declared_user_agent()
        self.getter = HttpGetter(
            {"User-Agent": agent, "Accept-Encoding": "gzip, deflate"},
            CrossProcessRateLimiter(limiter_path, requests_per_second),
            classify=_classify,
            attempts=attempts,
            backoff_s=backoff_s,
            transport=transport,
        )

    def get(self, url: str) -> HttpExchange:
        return self.getter.get(url)
