"""Live EDGAR access offline: httpx's transport is substituted, everything else is real."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import time
from pathlib import Path

import httpx
import pytest

from finlake.lake import Lake
from finlake.sources.base import RetryableSourceError, SourceError
from finlake.sources.http import CrossProcessRateLimiter
from finlake.sources.sec import urls
from finlake.sources.sec.client import LiveSecTransport, SecConfigError, declared_user_agent
from finlake.sources.sec.source import SecSource

AGENT = "Jane Doe jane@example.com"
THRESHOLD_PAGE = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head>"
    b"<body>Request Rate Threshold Exceeded</body></html>"
)


class Script:
    """Answers requests in order (the last answer repeats) and records them."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        return httpx.Response(status, content=body)


def live(tmp_path: Path, script: Script, attempts: int = 3) -> LiveSecTransport:
    return LiveSecTransport(
        tmp_path / "rate",
        user_agent=AGENT,
        attempts=attempts,
        backoff_s=0.01,
        transport=httpx.MockTransport(script),
    )


@pytest.mark.parametrize("value", ["", "finlake", "jane@example.com", "Jane Doe"])
def test_missing_or_undeclared_user_agent_fails_before_any_request(tmp_path, value):
    env = {"FINLAKE_SEC_USER_AGENT": value} if value else {}
    with pytest.raises(SecConfigError, match="FINLAKE_SEC_USER_AGENT"):
        declared_user_agent(env)


def test_transport_without_user_agent_never_sends(tmp_path, monkeypatch):
    monkeypatch.delenv("FINLAKE_SEC_USER_AGENT", raising=False)
    script = Script((200, b"{}"))
    with pytest.raises(SecConfigError):
        LiveSecTransport(tmp_path / "rate", transport=httpx.MockTransport(script))
    assert script.requests == []


def test_declared_user_agent_is_sent(tmp_path):
    script = Script((200, b"{}"))
    live(tmp_path, script).get(urls.submissions(320193))
    headers = script.requests[0].headers
    assert headers["User-Agent"] == AGENT
    assert "gzip" in headers["Accept-Encoding"]


@pytest.mark.parametrize(
    "first", [(403, THRESHOLD_PAGE), (429, b"slow down"), (503, b"busy"), (500, b"oops")]
)
def test_rate_threshold_429_and_5xx_are_retried(tmp_path, first):
    script = Script(first, (200, b'{"ok": true}'))
    exchange = live(tmp_path, script).get(urls.company_tickers())
    assert exchange.status == 200 and exchange.body == b'{"ok": true}'
    assert len(script.requests) == 2


def test_retries_give_up_with_a_clear_error(tmp_path):
    script = Script((429, b"slow down"))
    with pytest.raises(RetryableSourceError, match="HTTP 429"):
        live(tmp_path, script, attempts=2).get(urls.company_tickers())
    assert len(script.requests) == 2


def test_plain_403_is_not_retried_and_404_is_returned(tmp_path):
    script = Script((403, b"<html>Forbidden</html>"))
    with pytest.raises(SourceError, match="refused"):
        live(tmp_path, script).get(urls.company_tickers())
    assert len(script.requests) == 1
    missing = live(tmp_path, Script((404, b"not found"))).get(urls.daily_index(dt.date(2024, 5, 1)))
    assert missing.status == 404  # the caller decides (a daily index not published yet)


def test_archive_documents_are_fetched_once(tmp_path):
    script = Script((200, b"<ownershipDocument/>"))
    lake = Lake(tmp_path / "lake")
    for _ in range(3):
        source = SecSource(live(tmp_path, script), lake)
        body = source.archive("0000320193", "0000320193-20-000086", "wf-form4.xml")
        assert body == b"<ownershipDocument/>"
    assert len(script.requests) == 1
    assert (
        script.requests[0].url.path == "/Archives/edgar/data/320193/000032019320000086/wf-form4.xml"
    )


def _take(path: str, count: int, out) -> None:
    limiter = CrossProcessRateLimiter(Path(path), rate=20)
    for _ in range(count):
        slot = limiter.acquire()
        out.put((slot, time.time()))


def test_rate_limit_is_shared_across_processes(tmp_path):
    """Two processes, 10 requests each, one budget of 20/s: the 20 reserved slots are >= 0.05 s
    apart (checked on the slots, which a busy machine cannot blur), and no request went out
    before its slot."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_take, args=(str(tmp_path / "rate"), 10, out)) for _ in range(2)]
    for p in procs:
        p.start()
    taken = sorted(out.get(timeout=30) for _ in range(20))
    for p in procs:
        p.join(timeout=30)
    slots = [slot for slot, _ in taken]
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert slots[-1] - slots[0] >= 19 * 0.05 - 1e-6
    assert min(gaps) >= 0.05 - 1e-6
    assert all(sent >= slot for slot, sent in taken)
