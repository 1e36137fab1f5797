"""The HTTP edge shared by providers: a cross-process rate limiter and a retrying GET.

Rate limits like SEC's 10 requests/s apply to the user, not to one process: Dagster runs steps
in separate processes, so the limiter keeps its schedule in a file under a file lock and every
process using the same file shares one budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
from filelock import FileLock
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from finlake.sources.base import HttpExchange, RetryableSourceError, SourceError

VALIDATORS = ("etag", "last-modified")  # response headers kept for conditional GETs


class CrossProcessRateLimiter:
    """At most `rate` acquisitions per second across all processes sharing `path`."""

    def __init__(self, path: Path, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.interval = 1.0 / rate
        self._lock = FileLock(str(self.path) + ".lock")

    def acquire(self) -> float:
        """Reserve the next slot and sleep until it; returns the seconds waited."""
        with self._lock:
            text = self.path.read_text() if self.path.exists() else ""
            slot = max(time.time(), float(text or 0.0))
            self.path.write_text(repr(slot + self.interval))
        wait = slot - time.time()
        if wait > 0:
            time.sleep(wait)
        return max(wait, 0.0)


class HttpGetter:
    """GET with a declared User-Agent, a shared rate limit and retries with backoff + jitter.

    `classify` turns a response into a RetryableSourceError (rate limited, server error), a
    SourceError, or None to accept it; 404s are returned to the caller to judge."""

    def __init__(
        self,
        headers: dict[str, str],
        limiter: CrossProcessRateLimiter,
        *,
        classify: Callable[[httpx.Response], SourceError | None],
        attempts: int = 5,
        backoff_s: float = 2.0,
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.client = httpx.Client(
            headers=headers, timeout=timeout_s, follow_redirects=True, transport=transport
        )
        self.limiter = limiter
        self.classify = classify
        self.attempts = attempts
        self.backoff_s = backoff_s

    def get(self, url: str, headers: dict[str, str] | None = None) -> HttpExchange:
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableSourceError),
            wait=wait_exponential_jitter(multiplier=self.backoff_s, max=120, jitter=self.backoff_s),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        return retrying(self._once, url, headers or {})

    def _once(self, url: str, headers: dict[str, str]) -> HttpExchange:
        self.limiter.acquire()
        try:
            response = self.client.get(url, headers=headers)
        except httpx.TransportError as exc:
            raise RetryableSourceError(f"GET {url}: {type(exc).__name__}: {exc}") from exc
        if (problem := self.classify(response)) is not None:
            raise problem
        kept = {k: response.headers[k] for k in VALIDATORS if k in response.headers}
        return HttpExchange(url, {}, response.status_code, response.content, kept)
