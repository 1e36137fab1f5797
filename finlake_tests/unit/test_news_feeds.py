"""The feed registry and the live feed transport (httpx's transport substituted)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from finlake.sources.base import RetryableSourceError, SourceError
from finlake.sources.news.client import (
    BROWSER_AGENT,
    FINLAKE_AGENT,
    LiveNewsTransport,
    request_headers,
)
from finlake.sources.news.feeds import Feed, FeedConfigError, load_feeds
from finlake.sources.sec.client import SecConfigError
from finlake.universe import DEFAULT_UNIVERSE, Security

FEEDS = {f.name: f for f in load_feeds()}


def test_default_registry():
    assert {"yahoo_headlines", "sec_press", "fed_press_all", "bls_latest"} <= set(FEEDS)
    assert {f.category for f in FEEDS.values()} == {
        "company",
        "market",
        "regulator",
        "macro",
        "filings",
    }
    yahoo = FEEDS["yahoo_headlines"].requests(DEFAULT_UNIVERSE)
    assert len(yahoo) == len(DEFAULT_UNIVERSE)
    assert yahoo[0] == (
        "AAPL",
        "https://feeds.finance.yahoo.com/rss/2.0/headline?s=AAPL&region=US&lang=en-US",
    )
    assert FEEDS["fed_press_all"].requests(DEFAULT_UNIVERSE) == [
        (None, "https://www.federalreserve.gov/feeds/press_all.xml")
    ]


def test_api_feeds_only_with_their_key_and_only_live():
    newsapi = FEEDS["newsapi"]
    assert not newsapi.active(live=False, env={"NEWSAPI_KEY": "k"})
    assert not newsapi.active(live=True, env={})
    assert newsapi.active(live=True, env={"NEWSAPI_KEY": "k"})
    assert FEEDS["fed_press_all"].active(live=True, env={})
    [(ticker, url)] = newsapi.requests([Security("AAPL", "Apple Inc.")])
    assert ticker == "AAPL" and "q=%22Apple%20Inc.%22" in url and "k" not in url.split("?")[1]


def test_user_registry_file_and_errors(tmp_path: Path, monkeypatch):
    good = tmp_path / "feeds.toml"
    good.write_text(
        '[[feed]]\nname = "mine"\nurl = "https://example.com/rss"\npublisher = "Me"\n'
        'category = "market"\n'
    )
    monkeypatch.setenv("FINLAKE_NEWS_FEEDS_FILE", str(good))
    assert [f.name for f in load_feeds()] == ["mine"]
    head = '[[feed]]\nname = "x"\npublisher = "P"\n'
    for text, message in [
        (head.replace('"x"', '"Bad Name"') + 'url = "https://x/"\ncategory = "market"', "name"),
        (head + 'url = "http://x/"\ncategory = "market"', "https"),
        (head + 'url = "https://x/{nope}"\ncategory = "market"', "placeholders"),
        (head + 'url = "https://x/"\ncategory = "gossip"', "category"),
        (head + 'url = "https://x/"\ncategory = "market"\ncolour = 1', "colour"),
        ("not toml [", "cannot read"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(FeedConfigError, match=message):
            load_feeds(bad)


def test_request_headers_per_agent():
    assert request_headers(FEEDS["fed_press_all"], {})["User-Agent"] == FINLAKE_AGENT
    assert request_headers(FEEDS["yahoo_headlines"], {})["User-Agent"] == BROWSER_AGENT
    with pytest.raises(SecConfigError):
        request_headers(FEEDS["sec_press"], {})
    sec = request_headers(FEEDS["sec_press"], {"FINLAKE_SEC_USER_AGENT": "Jane Doe jane@x.org"})
    assert sec["User-Agent"] == "Jane Doe jane@x.org"
    key = request_headers(FEEDS["finnhub"], {"FINNHUB_API_KEY": "secret-key"})
    assert key["X-Finnhub-Token"] == "secret-key"
    with pytest.raises(SourceError, match="NEWSAPI_KEY"):
        request_headers(FEEDS["newsapi"], {})


class Script:
    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        return httpx.Response(status, content=body, headers=headers)


def live(tmp_path: Path, script: Script) -> LiveNewsTransport:
    feed = Feed("t", "https://feeds.example.com/rss", "P", "market", per_second=100.0)
    return LiveNewsTransport(
        tmp_path, [feed], attempts=3, backoff_s=0.01, transport=httpx.MockTransport(script)
    )


def test_conditional_get_and_validators(tmp_path):
    script = Script(
        (200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Fri, 12 Jun 2026 10:00:00 GMT"}),
        (304, b"", {"ETag": '"v1"'}),
    )
    transport = live(tmp_path, script)
    first = transport.get("https://feeds.example.com/rss", {"User-Agent": "x"})
    assert (first.status, first.etag, first.last_modified) == (
        200,
        '"v1"',
        "Fri, 12 Jun 2026 10:00:00 GMT",
    )
    second = transport.get("https://feeds.example.com/rss", {"If-None-Match": '"v1"'})
    assert (second.status, second.body) == (304, b"")
    assert script.requests[1].headers["If-None-Match"] == '"v1"'


def test_429_and_timeouts_are_retried_then_reported(tmp_path):
    script = Script((429, b"", {}), httpx.ReadTimeout("slow"), (200, b"<rss/>", {}))
    assert live(tmp_path, script).get("https://feeds.example.com/rss").status == 200
    assert len(script.requests) == 3
    always = Script(httpx.ConnectTimeout("down"))
    with pytest.raises(RetryableSourceError, match="ConnectTimeout"):
        live(tmp_path, always).get("https://feeds.example.com/rss")
    forbidden = Script((403, b"no", {}))
    with pytest.raises(SourceError, match="HTTP 403"):
        live(tmp_path, forbidden).get("https://feeds.example.com/rss")
    assert len(forbidden.requests) == 1
