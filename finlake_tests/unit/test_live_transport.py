"""The live path offline: yfinance's request layer is substituted, everything else is real."""

import datetime as dt
import json

import pytest

from finlake.sources.base import EmptyPayloadError, RetryableSourceError
from finlake.sources.yahoo.live import YFinanceChartTransport
from finlake.sources.yahoo.provider import YahooProvider

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"


class Response:
    def __init__(self, body: bytes, status: int = 200) -> None:
        self.content, self.text, self.status_code = body, body.decode(), status
        self.url = "https://query2.finance.yahoo.com/v8/finance/chart/AAPL?crumb=secret"

    def json(self):
        return json.loads(self.text)


class FakeData:
    """Scripted answers for yfinance's YfData.get / cache_get."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def get(self, url, params=None, timeout=30):
        self.calls.append(dict(params or {}))
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    cache_get = get


@pytest.fixture
def yf(tmp_path):
    yfinance = pytest.importorskip("yfinance")
    yfinance.set_tz_cache_location(str(tmp_path))
    return yfinance


def transport(yf, data: FakeData) -> YFinanceChartTransport:
    def factory(ticker):
        handle = yf.Ticker(ticker)
        handle._data = data
        return handle

    return YFinanceChartTransport(attempts=3, backoff_s=0.01, ticker_factory=factory)


def test_records_the_raw_chart_body_and_parses_like_sample(yf, realdata):
    body = (realdata / AAPL).read_bytes()
    data = FakeData([Response(body)])
    provider = YahooProvider(transport(yf, data))
    payload = provider.fetch("AAPL", dt.date(2020, 8, 31), dt.date(2020, 11, 6), reason="test")
    assert payload.exchange.body == body  # bronze keeps exactly the bytes received
    assert "crumb" not in payload.exchange.url and "crumb" not in payload.exchange.params
    history_call = [c for c in data.calls if "period1" in c][-1]
    assert history_call["interval"] == "1d" and history_call["events"] == "div,splits,capitalGains"
    parsed = provider.parse([payload])
    assert parsed.prices.height == 49
    assert parsed.actions.select("split_ratio").to_series().max() == 4.0


def test_rate_limit_is_retried_with_backoff(yf, realdata):
    from yfinance.exceptions import YFRateLimitError

    body = (realdata / AAPL).read_bytes()
    data = FakeData([YFRateLimitError(), Response(body)])
    exchange = transport(yf, data).get("AAPL", 1598846400, 1604725200)
    assert exchange.body == body


def test_persistent_rate_limit_becomes_a_retryable_failure(yf):
    from yfinance.exceptions import YFRateLimitError

    with pytest.raises(RetryableSourceError, match="rate limit"):
        transport(yf, FakeData([YFRateLimitError()])).get("AAPL", 1598846400, 1604725200)


def test_empty_answer_for_a_ticker_is_an_error(yf):
    empty = {
        "chart": {
            "result": [
                {
                    "meta": {
                        "symbol": "ZZZZ",
                        "exchangeTimezoneName": "America/New_York",
                        "dataGranularity": "1d",
                    },
                    "indicators": {"quote": [{}]},
                }
            ],
            "error": None,
        }
    }
    data = FakeData([Response(json.dumps(empty).encode())])
    with pytest.raises(EmptyPayloadError):
        transport(yf, data).get("ZZZZ", 1598846400, 1604725200)


def test_live_yahoo_shares_the_cross_process_limiter_of_the_home(tmp_path):
    from finlake.defs.resources import FinlakeResource
    from finlake.sources.http import CrossProcessRateLimiter

    provider = FinlakeResource(home=str(tmp_path / "home"), source="live").price_provider()
    limiter = provider.transport.limiter
    assert isinstance(limiter, CrossProcessRateLimiter)  # the class SEC, FRED and news use
    assert limiter.path == tmp_path / "home" / ".locks" / "yahoo-rate"
    assert limiter.interval == 0.5
