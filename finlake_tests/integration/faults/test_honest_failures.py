"""Live-mode failures are honest: configuration errors and a dead network fail at once, a bad
response fails only its own request (naming it), and only transient errors are retried."""

from __future__ import annotations

import datetime as dt
import gzip
import time

import dagster as dg
import httpx
import pytest

from finlake.definitions import build_defs
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.pipelines.macro import fetch_macro
from finlake.pipelines.news import fetch_news
from finlake.pipelines.prices import fetch_prices
from finlake.settings import Settings
from finlake.sources.base import RetryableSourceError, SourceUnreachableError
from finlake.sources.fred.client import LiveFredTransport
from finlake.sources.http import CrossProcessRateLimiter, HttpGetter, name_resolution_failed
from finlake.sources.news.client import FeedResponse
from finlake.sources.news.feeds import load_feeds
from finlake.sources.yahoo.live import YahooChartClient, YFinanceWire, recording_session
from finlake.sources.yahoo.provider import YahooProvider
from finlake.universe import DEFAULT_UNIVERSE
from finlake_sample.fred import SampleFred
from finlake_sample.news import SampleNews
from finlake_tests.conftest import after_close

GARBAGE = b"\x1f\x8b this is not gzip at all"
DAY = dt.date(2026, 10, 30)


def gzip_garbage(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=GARBAGE)


def unresolvable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)


def getter(tmp_path, handler, attempts: int = 3) -> HttpGetter:
    return HttpGetter(
        {},
        CrossProcessRateLimiter(tmp_path / "rate", 1000.0),
        classify=lambda response: None,
        attempts=attempts,
        backoff_s=0.01,
        transport=httpx.MockTransport(handler),
    )


# ------------------------------------------------------------------ the HTTP edge
def test_gzip_garbage_is_a_retried_source_error_naming_the_url(tmp_path):
    calls = []

    def handler(request):
        calls.append(request.url)
        return gzip_garbage(request)

    with pytest.raises(RetryableSourceError, match=r"GET https://feeds\.example/x\.rss: .*decoded"):
        getter(tmp_path, handler).get("https://feeds.example/x.rss")
    assert len(calls) == 3  # retried: a corrupt transfer may not repeat


def test_a_host_that_does_not_resolve_fails_at_once(tmp_path):
    calls = []

    def handler(request):
        calls.append(request.url)
        return unresolvable(request)

    started = time.perf_counter()
    with pytest.raises(SourceUnreachableError, match="host name does not resolve"):
        getter(tmp_path, handler, attempts=5).get("https://api.stlouisfed.org/fred/series")
    assert len(calls) == 1 and time.perf_counter() - started < 2


def test_name_resolution_errors_of_every_client_are_recognized():
    import socket

    from curl_cffi.requests.exceptions import DNSError

    assert name_resolution_failed(socket.gaierror(-2, "Name or service not known"))
    curl = "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"
    assert name_resolution_failed(DNSError(curl))
    assert not name_resolution_failed(ConnectionResetError("reset by peer"))


# ------------------------------------------------------------------ one bad response, one failure
class GarbledFeed(SampleNews):
    """The sample news world; the Fed's all-press feed answers gzip garbage through httpx."""

    def __init__(self, clock, tmp_path):
        super().__init__(clock)
        self.edge = getter(tmp_path, gzip_garbage)

    def get(self, url, headers=None):
        if "press_all" in url:
            exchange = self.edge.get(url)
            return FeedResponse(url, exchange.status, exchange.body)
        return super().get(url, headers)


def test_one_garbled_feed_fails_only_itself(lake, tmp_path):
    hour = dt.datetime(2026, 11, 16, 13, tzinfo=dt.UTC)
    clock = hour + dt.timedelta(minutes=59)
    report = fetch_news(
        GarbledFeed(clock, tmp_path),
        lake,
        load_feeds(),
        DEFAULT_UNIVERSE,
        hour,
        clock=clock,
        run_id="r",
        live=False,
        env={},
    )
    [failure] = report.failures
    assert failure["feed"] == "fed_press_all" and "press_all" in failure["error"]
    assert report.changed > 10 and report.retryable


def test_one_garbled_series_fails_only_itself(lake, tmp_path):
    now = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
    world = SampleFred(now)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("series_id") == "UNRATE":
            return gzip_garbage(request)
        endpoint = request.url.path.removeprefix("/fred/")
        answer = world.get(endpoint, dict(request.url.params))
        return httpx.Response(answer.status, content=answer.body)

    fred = LiveFredTransport(
        tmp_path / "fred-rate",
        key="k" * 32,
        attempts=2,
        backoff_s=0.01,
        transport=httpx.MockTransport(handler),
    )
    report = fetch_macro(fred, lake, ["UNRATE", "GDP"], clock=now, run_id="r")
    [failure] = report.failures
    assert failure["series_id"] == "UNRATE" and "decoded" in failure["error"]
    assert "k" * 32 not in failure["error"]  # the key never shows
    assert report.new_vintages["GDP"] > 0


def test_a_dead_network_stops_the_price_fetch_at_the_first_ticker(lake):
    from curl_cffi.requests.exceptions import DNSError

    tried = []

    def dead(method, url, **kwargs):
        raise DNSError(f"curl: (6) Could not resolve host: {url.split('/')[2]}")

    class NoNetwork:
        def get(self, ticker, period1, period2):
            tried.append(ticker)
            wire = YFinanceWire(session=recording_session(dead))
            return YahooChartClient(wire, attempts=5, backoff_s=5.0).get(ticker, period1, period2)

    provider = YahooProvider(NoNetwork(), clock=lambda: after_close(DAY))
    started = time.perf_counter()
    with pytest.raises(SourceUnreachableError, match=r"AAPL: .*does not resolve"):
        fetch_prices(
            provider,
            lake,
            ["AAPL", "MSFT", "NVDA"],
            [DAY],
            run_id="r",
            refetch_sessions=5,
            now=after_close(DAY),
        )
    assert tried == ["AAPL"] and time.perf_counter() - started < 5


# ----------------------------------------------------------- Dagster retries only the transient
def attempts(result: dg.ExecuteInProcessResult, step: str) -> int:
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    return 1 + sum(1 for e in retries if e.step_key == step)


@pytest.mark.parametrize(
    ("job", "step", "env", "message"),
    [
        ("sec_companies_job", "silver__sec_companies", {}, "FINLAKE_SEC_USER_AGENT must be set"),
        ("macro_daily_job", "bronze__fred_payloads", {}, "FRED_API_KEY is not set"),
    ],
)
def test_configuration_errors_fail_at_once_without_a_retry(
    home, monkeypatch, job, step, env, message
):
    monkeypatch.delenv("FINLAKE_SEC_USER_AGENT", raising=False)
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    live = FinlakeResource(home=str(home), source="live")
    defs = build_defs(live)
    with instance_for(Settings.from_env(source="live")) as instance:
        started = time.perf_counter()
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, raise_on_error=False
        )
    assert not result.success
    assert attempts(result, step) == 1
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert message in failure.event_specific_data.error.to_string()
    assert time.perf_counter() - started < 30


def test_a_bad_universe_fails_as_the_definitions_load(home, monkeypatch):
    monkeypatch.setenv("FINLAKE_UNIVERSE", "AAPL,NOT A TICKER")
    with pytest.raises(Exception) as raised:
        build_defs()
    causes = []
    error: BaseException | None = raised.value
    while error is not None:
        causes.append(str(error))
        error = error.__cause__
    assert any("invalid ticker 'NOT A TICKER'" in c for c in causes)


def test_gzip_helper_is_garbage():
    with pytest.raises(OSError):
        gzip.decompress(GARBAGE)
