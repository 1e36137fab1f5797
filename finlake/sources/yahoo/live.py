"""Live chart bytes through yfinance, one ticker at a time.

yfinance keeps Yahoo's cookie/crumb dance and browser-impersonating session working; finlake
calls `Ticker.history` (auto_adjust=False, actions=True, explicitly) and records the raw chart
response from yfinance's request layer, so bronze stores exactly the bytes Yahoo sent and the
same parser as the sample mode reads them. yfinance's frame itself is not used: with
`hide_exceptions = False` an empty result for a ticker raises, which becomes EmptyPayloadError.
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

CHART_PATH = "/v8/finance/chart/"
BASE_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{ticker}"
REQUESTS_PER_SECOND = 2.0  # Yahoo answers 429 to bursts; one budget across the home's processes


class _Recorder:
    """Wraps yfinance's YfData and keeps every chart response that passes through it."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self.responses: list[tuple[dict, Any]] = []

    def _keep(self, url: str, params: dict | None, response: Any) -> Any:
        if CHART_PATH in url and params and "period1" in params:
            self.responses.append((dict(params), response))
        return response

    def get(self, url: str, params: dict | None = None, timeout: int = 30) -> Any:
        return self._keep(url, params, self._data.get(url=url, params=params, timeout=timeout))

    def cache_get(self, url: str, params: dict | None = None, timeout: int = 30) -> Any:
        return self._keep(
            url, params, self._data.cache_get(url=url, params=params, timeout=timeout)
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)


def _default_ticker_factory(ticker: str) -> Any:
    import yfinance as yf

    return yf.Ticker(ticker)


class YFinanceChartTransport:
    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        limiter: CrossProcessRateLimiter | None = None,
        attempts: int = 5,
        backoff_s: float = 2.0,
        timeout_s: int = 20,
        ticker_factory: Callable[[str], Any] = _default_ticker_factory,
    ) -> None:
        import yfinance as yf

        yf.config.debug.hide_exceptions = False  # let per-ticker errors propagate
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            yf.set_tz_cache_location(str(cache_dir))
        self.limiter = limiter  # the budget every process of the home shares; None: unthrottled
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.ticker_factory = ticker_factory

    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableSourceError),
            wait=wait_exponential_jitter(multiplier=self.backoff_s, max=60, jitter=self.backoff_s),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        return retrying(self._once, ticker, period1, period2)

    def _once(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        from yfinance.exceptions import YFRateLimitError, YFTickerMissingError

        if self.limiter is not None:
            self.limiter.acquire()
        handle = self.ticker_factory(ticker)
        recorder = _Recorder(handle._data)
        handle._data = recorder
        start = dt.datetime.fromtimestamp(period1, NY).date()
        end = dt.datetime.fromtimestamp(period2, NY).date()
        try:
            handle.history(
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
        if not recorder.responses:
            raise SourceError(f"{ticker}: yfinance made no chart request")
        params, response = recorder.responses[-1]
        status = int(getattr(response, "status_code", 200))
        if status == 429 or status >= 500:
            raise RetryableSourceError(f"{ticker}: Yahoo answered HTTP {status}")
        if status >= 400:
            raise SourceError(f"{ticker}: Yahoo answered HTTP {status}")
        return HttpExchange(BASE_URL.format(ticker=ticker), params, status, bytes(response.content))
