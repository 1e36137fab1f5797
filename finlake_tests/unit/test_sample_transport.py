"""Sample mode runs the live HTTP client: the sample worlds answer behind an httpx transport, so
retries, error classification, conditional GET and secret scrubbing are exercised offline."""

from __future__ import annotations

import datetime as dt

import httpx

from finlake.defs.resources import FinlakeResource
from finlake.sources.fred.client import FRED_ROOT, LiveFredTransport
from finlake.sources.news.client import LiveNewsTransport
from finlake.sources.sec.client import LiveSecTransport
from finlake_sample.sec import SampleEdgar
from finlake_sample.transport import SampleTransport, sec_world

AS_OF = "2026-06-12T20:00:00+00:00"
TICKERS = "https://www.sec.gov/files/company_tickers.json"


def resource(tmp_path) -> FinlakeResource:
    return FinlakeResource(home=str(tmp_path / "home"), source="sample", sample_as_of=AS_OF)


def test_sample_mode_builds_the_live_clients(tmp_path):
    finlake = resource(tmp_path)
    assert isinstance(finlake.transport("sec"), LiveSecTransport)
    assert isinstance(finlake.transport("macro"), LiveFredTransport)
    assert isinstance(finlake.transport("news"), LiveNewsTransport)
    world = SampleEdgar(dt.datetime.fromisoformat(AS_OF))
    assert finlake.transport("sec").get(TICKERS).body == world.get(TICKERS).body


def test_a_transient_error_of_the_sample_world_is_retried_by_the_client(tmp_path):
    world = sec_world(SampleEdgar(dt.datetime.fromisoformat(AS_OF)))
    calls = []

    def flaky(request: httpx.Request):
        calls.append(str(request.url))
        if len(calls) == 1:
            return 503, b"busy", {}
        return world.answer(request)

    client = LiveSecTransport(
        tmp_path / "rate", user_agent="A Tester a@b.example", transport=SampleTransport(flaky),
        backoff_s=0.01, requests_per_second=1000.0,
    )  # fmt: skip
    assert client.get(TICKERS).status == 200 and len(calls) == 2


def test_conditional_get_and_the_fred_key_through_the_client(tmp_path):
    finlake = resource(tmp_path)
    news = finlake.transport("news")
    feed = "https://www.federalreserve.gov/feeds/press_monetary.xml"
    first = news.get(feed)
    assert first.status == 200 and first.etag
    again = news.get(feed, {"If-None-Match": first.etag})
    assert again.status == 304 and again.body == b""
    fred = finlake.transport("macro")
    exchange = fred.get("series", {"series_id": "GDP"})
    assert exchange.status == 200 and "api_key" not in exchange.url
    assert exchange.url.startswith(FRED_ROOT)
