"""Yahoo's chart API through one client: a shared rate limit, retries, status classification.

`YahooChartClient` wraps a wire that makes one attempt: live, yfinance (it keeps Yahoo's
cookie/crumb dance and browser-impersonating session working); offline, the sample market. So
sample mode runs the same throttle, retry and error code as live mode.

Live bytes: finlake calls `Ticker.history` (auto_adjust=False, actions=True, explicitly) with a
session of yfinance's own type (the public `session=` argument) that keeps every chart response
it carries, so bronze stores exactly the bytes Yahoo sent and the sample mode's parser reads
them. yfinance's frame itself is not used: with `hide_exceptions = False` an empty result for a
ticker raises, which becomes EmptyPayloadError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from finlake.calendar import NY
from finlake.sources.base import EmptyPayloadError, HttpExchange, RetryableSourceError, SourceError
from finlake.sources.http import CrossProcessRateLimiter, transport_error
from finlake.sources.yahoo.provider import ChartTransport

CHART_PATH = "/v8/finance/chart/"
BASE_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{ticker}"
REQUESTS_PER_SECOND = 2.0  # Yahoo answers 429 to bursts; one budget across the home's processes


class YahooChartClient:
    """Chart requests through `wire` (one attempt each), throttled by `limiter` (None:
    unthrottled), retried with backoff on 429, 5xx and dropped connections."""

    def __init__(
        self,
        wire: ChartTransport,
        *,
        limiter: CrossProcessRateLimiter | None = None,
        attempts: int = 5,
        backoff_s: float = 2.0,
    ) -> None:
        self.wire, self.limiter = wire, limiter
        self.attempts, self.backoff_s = attempts, backoff_s

    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableSourceError),
            wait=wait_exponential_jitter(multiplier=self.backoff_s, max=60, jitter=self.backoff_s),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        return retrying(self._once, ticker, period1, period2)

    def _once(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        if self.limiter is not None:
            self.limiter.acquire()
        exchange = self.wire.get(ticker, period1, period2)
        if exchange.status == 429 or exchange.status >= 500:
            raise RetryableSourceError(f"{ticker}: Yahoo answered HTTP {exchange.status}")
        if exchange.status >= 400:
            raise SourceError(f"{ticker}: Yahoo answered HTTP {exchange.status}")
        return exchange


def recording_session(send: Callable[..., Any] | None = None) -> Any:
    """A session of the type yfinance makes itself (curl_cffi, impersonating Chrome) that keeps
    the chart responses it carries, with their request parameters minus the crumb. `send`
    (method, url, **kwargs) -> response replaces the network, as an httpx transport would."""
    from curl_cffi import requests as curl

    class RecordingSession(curl.Session):
        def __init__(self) -> None:
            super().__init__(impersonate="chrome")
            self.charts: list[tuple[dict, Any]] = []

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if send is None:
                response = super().request(method, url, *args, **kwargs)
            else:
                response = send(method, url, **kwargs)
            params = dict(kwargs.get("params") or {})
            if CHART_PATH in url and "period1" in params:
                params.pop("crumb", None)
                self.charts.append((params, response))
            return response

    return RecordingSession()


def _ticker(ticker: str, session: Any) -> Any:
    import yfinance as yf

    return yf.Ticker(ticker, session=session)


class YFinanceWire:
    """One chart request through yfinance. `session` is the recording session yfinance uses
    (tests pass one whose answers are scripted)."""

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        timeout_s: int = 20,
        session: Any = None,
        ticker_factory: Callable[[str, Any], Any] = _ticker,
    ) -> None:
        import yfinance as yf

        yf.config.debug.hide_exceptions = False  # let per-ticker errors propagate
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            yf.set_tz_cache_location(str(cache_dir))
        self.session = session if session is not None else recording_session()
        self.timeout_s = timeout_s
        self.ticker_factory = ticker_factory

    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        from yfinance.data import YfData
        from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

        # yfinance memoizes chart answers per process (an lru_cache it exposes cache_clear
        # for); a retry or a restatement refetch must be a real request, recorded as it is
        YfData.cache_get.cache_clear()
        start = dt.datetime.fromtimestamp(period1, NY).date()
        end = dt.datetime.fromtimestamp(period2, NY).date()
        self.session.charts.clear()
        try:
            self.ticker_factory(ticker, self.session).history(
                start=start,
                end=end,
                interval="1d",
                auto_adjust=False,
                actions=True,
                back_adjust=False,
                repair=False,
                prepost=False,
                keepna=False,
                rounding=False,
                timeout=self.timeout_s,
            )
        except YFRateLimitError as exc:
            raise RetryableSourceError(f"{ticker}: Yahoo rate limit (HTTP 429): {exc}") from exc
        except YFTickerMissingError as exc:
            raise EmptyPayloadError(f"{ticker}: {exc}") from exc
        except (ConnectionError, TimeoutError, OSError) as exc:  # curl_cffi's errors are OSErrors
            raise transport_error(
                exc, f"{ticker}: GET {BASE_URL.format(ticker=ticker)}", str(exc)
            ) from exc
        if not self.session.charts:
            raise SourceError(f"{ticker}: yfinance made no chart request")
        params, response = self.session.charts[-1]
        status = int(getattr(response, "status_code", 200))
        return HttpExchange(BASE_URL.format(ticker=ticker), params, status, bytes(response.content))


def live_chart_client(
    cache_dir: Path | None = None,
    *,
    limiter: CrossProcessRateLimiter | None = None,
    attempts: int = 5,
    backoff_s: float = 2.0,
    **wire: Any,
) -> YahooChartClient:
    """The live client: yfinance's wire behind the shared limiter and retries."""
    return YahooChartClient(
        YFinanceWire(cache_dir, **wire), limiter=limiter, attempts=attempts, backoff_s=backoff_s
    )
