"""Where FRED bytes come from: api.stlouisfed.org (live) or the sample world (offline).

Live requests carry the key from FRED_API_KEY as FRED requires (a query parameter), so the key is
marked secret: it is sent but kept out of every stored URL, exchange and error message. FRED has
limited clients per second since mid-2026 (429 above ~2 requests/s, sometimes inside a JSON body
with HTTP 200): every process of a home shares one schedule of at most 1.5 requests/s, and a 429
or 5xx is retried with exponential backoff, never sooner than the server's Retry-After.

fredapi (the usual client) is not the transport: it requests XML, drops ALFRED's realtime_end and
has no throttle or retry. finlake asks the same endpoints for JSON so that live and sample bytes
go through one parser (`finlake.sources.fred.payloads`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import httpx

from finlake.sources.base import ConfigurationError, HttpExchange, SourceError
from finlake.sources.fred.payloads import fred_error
from finlake.sources.http import CrossProcessRateLimiter, HttpGetter

FRED_ROOT = "https://api.stlouisfed.org/fred/"
API_KEY_ENV = "FRED_API_KEY"
REQUESTS_PER_SECOND = 1.5
ENDPOINTS = frozenset({"series", "series/observations", "series/vintagedates"})


class FredConfigError(ConfigurationError):
    """Live FRED access is not configured (no API key)."""


class FredTransport(Protocol):
    def get(self, endpoint: str, params: Mapping[str, str]) -> HttpExchange: ...


def api_key(env: Mapping[str, str] = os.environ) -> str:
    key = env.get(API_KEY_ENV, "").strip()
    if not key:
        raise FredConfigError(
            f"{API_KEY_ENV} is not set: live FRED access needs an API key "
            "(free at https://fred.stlouisfed.org/docs/api/api_key.html)"
        )
    return key


def _classify(response: httpx.Response) -> SourceError | None:
    """A FRED error from the status or the JSON body; the URL (with the key) is never quoted."""
    return fred_error(response.content, response.status_code)


class LiveFredTransport:
    def __init__(
        self,
        limiter_path: Path,
        *,
        key: str | None = None,
        attempts: int = 5,
        backoff_s: float = 2.0,
        transport: httpx.BaseTransport | None = None,
        requests_per_second: float = REQUESTS_PER_SECOND,
    ) -> None:
        self._key = key or api_key()
        self.getter = HttpGetter(
            {"Accept": "application/json", "User-Agent": "finlake (+https://github.com/finlake)"},
            CrossProcessRateLimiter(limiter_path, requests_per_second),
            classify=_classify,
            attempts=attempts,
            backoff_s=backoff_s,
            transport=transport,
            secret_params=frozenset({"api_key"}),
        )

    def get(self, endpoint: str, params: Mapping[str, str]) -> HttpExchange:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown FRED endpoint {endpoint!r}")
        query = {**params, "file_type": "json", "api_key": self._key}
        return self.getter.get(FRED_ROOT + endpoint, params=query)

    def __repr__(self) -> str:  # never show the key
        return "LiveFredTransport(api_key=***)"
