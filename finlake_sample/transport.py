"""The sample worlds behind the real HTTP client: an httpx transport that answers each request
from a sample world instead of the network.

Sample mode thus runs the live client's code (HttpGetter: headers, the shared rate limiter,
retries with backoff, error classification, conditional GET validators); only where the bytes
come from differs. The worlds keep their own `get` for tests that read them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from finlake.sources.base import HttpExchange

SAMPLE_RATE = 100_000.0  # requests/s: the limiter runs, at a budget no sample run reaches
SAMPLE_AGENT = "finlake sample-world sample@finlake.invalid"  # a declared agent for SEC's rules
SAMPLE_KEY = "sample-world-key"  # FRED's key parameter; the sample world ignores it
Answer = tuple[int, bytes, Mapping[str, str]]  # status, body, response headers


class SampleTransport(httpx.BaseTransport):
    def __init__(self, answer: Callable[[httpx.Request], Answer]) -> None:
        self.answer = answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, body, headers = self.answer(request)
        return httpx.Response(status, headers=dict(headers), content=body, request=request)


def news_world(world) -> SampleTransport:
    """SampleNews (feeds and statement pages, with ETag / Last-Modified and 304s)."""

    def answer(request: httpx.Request) -> Answer:
        response = world.get(str(request.url), dict(request.headers))
        headers = {"etag": response.etag, "last-modified": response.last_modified}
        return response.status, response.body, {k: v for k, v in headers.items() if v}

    return SampleTransport(answer)


def sec_world(world) -> SampleTransport:
    """SampleEdgar (indexes, submissions, companyfacts, archive documents)."""
    return SampleTransport(lambda request: _exchange(world.get(str(request.url))))


def fred_world(world, root: str) -> SampleTransport:
    """SampleFred: the endpoint is the path below `root`, the query its parameters."""

    def answer(request: httpx.Request) -> Answer:
        endpoint = str(request.url.copy_with(query=None)).removeprefix(root)
        return _exchange(world.get(endpoint, dict(request.url.params)))

    return SampleTransport(answer)


def _exchange(exchange: HttpExchange) -> Answer:
    return exchange.status, exchange.body, exchange.headers
