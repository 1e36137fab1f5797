"""The HTTP edge shared by providers: a cross-process rate limiter and a retrying GET.

Rate limits like SEC's 10 requests/s apply to the user, not to one process: Dagster runs steps
in separate processes, so the limiter keeps its schedule in a file under a file lock and every
process using the same file shares one budget.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
from filelock import FileLock
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from finlake.sources.base import (
    HttpExchange,
    RetryableSourceError,
    SourceError,
    SourceUnreachableError,
)

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
        """Reserve the next slot and sleep until it; returns the slot (epoch seconds)."""
        with self._lock:
            text = self.path.read_text() if self.path.exists() else ""
            slot = max(time.time(), float(text or 0.0))
            self.path.write_text(repr(slot + self.interval))
        wait = slot - time.time()
        if wait > 0:
            time.sleep(wait)
        return slot


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The server's Retry-After (seconds or an HTTP date), if it sent one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max((parsedate_to_datetime(value) - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


_UNRESOLVED = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "could not resolve host",
    "no address associated with hostname",
)


def name_resolution_failed(exc: BaseException) -> bool:
    """Whether an error (or one it was raised from) says the host name did not resolve."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror) or type(seen).__name__ == "DNSError":
            return True
        if any(text in str(seen).lower() for text in _UNRESOLVED):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def transport_error(exc: Exception, what: str, detail: str) -> SourceError:
    """The source error of one failed request (`what` names it: the URL, feed, series or
    ticker), classified: a host that does not resolve fails at once, a body that cannot be
    decoded (garbage under Content-Encoding: gzip) or a dropped connection is retried, a
    redirect loop or a bad URL is not."""
    kind = type(exc).__name__
    if name_resolution_failed(exc):
        return SourceUnreachableError(
            f"{what}: the host name does not resolve ({detail}); no network, or DNS is down"
        )
    if isinstance(exc, httpx.DecodingError):
        return RetryableSourceError(
            f"{what}: the response body could not be decoded ({kind}: {detail}); a corrupt "
            "Content-Encoding?"
        )
    if isinstance(exc, httpx.TransportError | OSError):  # OSError: curl_cffi's, sockets
        return RetryableSourceError(f"{what}: {kind}: {detail}")
    return SourceError(f"{what}: {kind}: {detail}")


class HttpGetter:
    """GET with a declared User-Agent, a shared rate limit and retries with backoff + jitter,
    never sooner than a Retry-After the server sent.

    `classify` turns a response into a RetryableSourceError (rate limited, server error), a
    SourceError, or None to accept it; 404s are returned to the caller to judge. Query
    parameters named in `secret_params` (API keys) are sent but never appear in the returned
    exchange or in error messages."""

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
        secret_params: frozenset[str] = frozenset(),
    ) -> None:
        self.client = httpx.Client(
            headers=headers, timeout=timeout_s, follow_redirects=True, transport=transport
        )
        self.limiter = limiter
        self.classify = classify
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.secret_params = secret_params
        self._backoff = wait_exponential_jitter(multiplier=backoff_s, max=120, jitter=backoff_s)

    def _wait(self, state: RetryCallState) -> float:
        hint = getattr(state.outcome.exception(), "retry_after", None) if state.outcome else None
        return max(self._backoff(state), hint or 0.0)

    def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> HttpExchange:
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableSourceError),
            wait=self._wait,
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        return retrying(self._once, url, headers or {}, dict(params or {}))

    def _once(self, url: str, headers: dict[str, str], params: dict[str, str]) -> HttpExchange:
        public = {k: v for k, v in params.items() if k not in self.secret_params}
        shown = f"{url}?{urlencode(sorted(public.items()))}" if public else url
        self.limiter.acquire()
        try:
            response = self.client.get(url, headers=headers, params=params or None)
        except httpx.HTTPError as exc:  # from None: the cause's text may hold the key
            raise transport_error(exc, f"GET {shown}", self._scrub(str(exc), params)) from None
        if (problem := self.classify(response)) is not None:
            problem.args = (self._scrub(str(problem), params),)
            if isinstance(problem, RetryableSourceError) and problem.retry_after is None:
                problem.retry_after = retry_after_seconds(response)
            raise problem
        kept = {k: response.headers[k] for k in VALIDATORS if k in response.headers}
        return HttpExchange(shown, public, response.status_code, response.content, kept)

    def _scrub(self, message: str, params: Mapping[str, str]) -> str:
        for name in self.secret_params:
            if params.get(name):
                message = message.replace(params[name], "***")
        return message
