"""The live path offline: yfinance's request layer is substituted, everything else is real."""

import datetime as dt
import json

import pytest

from finlake.sources.base import EmptyPayloadError, RetryableSourceError
from finlake.sources.yahoo.live import YahooChartClient, YFinanceWire, recording_session
from finlake.sources.yahoo.provider import YahooProvider

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"


def response(body: bytes, status: int = 200, url: str = "https://fc.yahoo.com"):
    from curl_cffi import requests as curl

    answer = curl.Response()
    answer.status_code, answer.content, answer.url = status, body, url
    return answer


class Scripted:
    """The network as yfinance's session sees it: a cookie, a crumb, then scripted chart
    answers (a response or an exception each; the last one repeats)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, method, url, **kwargs):
        if "fc.yahoo.com" in url:
            return response(b"")
        if "getcrumb" in url:
            return response(b"crumb-secret", url=url)
        params = dict(kwargs.get("params") or {})
        self.calls.append(params)
        if "period1" not in params:  # yfinance's time-zone probe (range=1d)
            return response(TZ_PROBE, url=url)
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return response(*answer, url=url) if isinstance(answer, tuple) else answer


TZ_PROBE = json.dumps(
    {
        "chart": {
            "result": [
                {
                    "meta": {"exchangeTimezoneName": "America/New_York", "symbol": "X"},
                    "timestamp": [],
                    "indicators": {"quote": [{}]},
                }
            ],
            "error": None,
        }
    }
).encode()


@pytest.fixture
def yf(tmp_path):
    yfinance = pytest.importorskip("yfinance")
    yfinance.set_tz_cache_location(str(tmp_path))
    return yfinance


def transport(yf, network: Scripted) -> YahooChartClient:
    wire = YFinanceWire(session=recording_session(network))
    return YahooChartClient(wire, attempts=3, backoff_s=0.01)


def test_records_the_raw_chart_body_and_parses_like_sample(yf, realdata):
    body = (realdata / AAPL).read_bytes()
    network = Scripted([(body,)])
    provider = YahooProvider(transport(yf, network))
    payload = provider.fetch("AAPL", dt.date(2020, 8, 31), dt.date(2020, 11, 6), reason="test")
    assert payload.exchange.body == body  # bronze keeps exactly the bytes received
    assert "crumb" not in payload.exchange.url and "crumb" not in payload.exchange.params
    history_call = [c for c in network.calls if "period1" in c][-1]
    assert history_call["interval"] == "1d" and history_call["events"] == "div,splits,capitalGains"
    parsed = provider.parse([payload])
    assert parsed.prices.height == 49
    assert parsed.actions.select("split_ratio").to_series().max() == 4.0


def test_rate_limit_is_retried_with_backoff(yf, realdata):
    body = (realdata / AAPL).read_bytes()
    network = Scripted([(b"Too Many Requests", 429), (body,)])
    exchange = transport(yf, network).get("AAPL", 1598846400, 1604725200)
    assert exchange.body == body


def test_persistent_rate_limit_becomes_a_retryable_failure(yf):
    with pytest.raises(RetryableSourceError, match="rate limit"):
        transport(yf, Scripted([(b"Too Many Requests", 429)])).get("AAPL", 1598846400, 1604725200)


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
    network = Scripted([(json.dumps(empty).encode(),)])
    with pytest.raises(EmptyPayloadError):
        transport(yf, network).get("ZZZZ", 1598846400, 1604725200)


def test_live_yahoo_shares_the_cross_process_limiter_of_the_home(tmp_path):
    from finlake.defs.resources import FinlakeResource
    from finlake.sources.http import CrossProcessRateLimiter

    provider = FinlakeResource(home=str(tmp_path / "home"), source="live").transport("prices")
    limiter = provider.transport.limiter
    assert isinstance(limiter, CrossProcessRateLimiter)  # the class SEC, FRED and news use
    assert limiter.path == tmp_path / "home" / ".locks" / "yahoo-rate"
    assert limiter.interval == 0.5
