"""Transports that misbehave on purpose, wrapping the sample market."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from finlake.calendar import NY
from finlake.sources.base import HttpExchange
from finlake_sample.yahoo import SampleChartTransport


def bar_index(doc: dict, day: dt.date) -> int:
    result = doc["chart"]["result"][0]
    dates = [dt.datetime.fromtimestamp(ts, NY).date() for ts in result["timestamp"]]
    return dates.index(day)


class FaultyTransport:
    """Serves the sample market, letting `fault(ticker, doc)` rewrite a response.

    `fault` returns a new document (dict), raw bytes, or None to leave the response alone."""

    def __init__(
        self, as_of: dt.datetime, fault: Callable[[str, dict], dict | bytes | None]
    ) -> None:
        self.inner = SampleChartTransport(as_of)
        self.fault = fault

    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        exchange = self.inner.get(ticker, period1, period2)
        changed = self.fault(ticker, json.loads(exchange.body))
        if changed is None:
            return exchange
        body = changed if isinstance(changed, bytes) else json.dumps(changed).encode()
        return HttpExchange(exchange.url, exchange.params, exchange.status, body)


def set_field(ticker: str, day: dt.date, field: str, value) -> Callable[[str, dict], dict | None]:
    def fault(name: str, doc: dict) -> dict | None:
        if name != ticker:
            return None
        quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
        quote[field][bar_index(doc, day)] = value
        return doc

    return fault


def drop_bar(ticker: str, day: dt.date) -> Callable[[str, dict], dict | None]:
    def fault(name: str, doc: dict) -> dict | None:
        if name != ticker:
            return None
        result = doc["chart"]["result"][0]
        i = bar_index(doc, day)
        result["timestamp"].pop(i)
        for values in result["indicators"]["quote"][0].values():
            values.pop(i)
        result["indicators"]["adjclose"][0]["adjclose"].pop(i)
        return doc

    return fault


def duplicate_bar(ticker: str, day: dt.date) -> Callable[[str, dict], dict | None]:
    def fault(name: str, doc: dict) -> dict | None:
        if name != ticker:
            return None
        result = doc["chart"]["result"][0]
        i = bar_index(doc, day)
        result["timestamp"].insert(i, result["timestamp"][i])
        for values in result["indicators"]["quote"][0].values():
            values.insert(i, values[i])
        adj = result["indicators"]["adjclose"][0]["adjclose"]
        adj.insert(i, adj[i])
        return doc

    return fault


def body_for(ticker: str, body: bytes) -> Callable[[str, dict], bytes | None]:
    return lambda name, doc: body if name == ticker else None


def stray_bar(ticker: str, day: dt.date) -> Callable[[str, dict], dict | None]:
    """Append a bar dated `day` (a holiday or weekend), copied from the ticker's last bar."""

    def fault(name: str, doc: dict) -> dict | None:
        if name != ticker:
            return None
        result = doc["chart"]["result"][0]
        opened = dt.datetime.combine(day, dt.time(9, 30), NY)
        at = next(i for i, ts in enumerate(result["timestamp"]) if ts > opened.timestamp())
        result["timestamp"].insert(at, int(opened.timestamp()))
        for values in result["indicators"]["quote"][0].values():
            values.insert(at, values[at - 1])
        adj = result["indicators"]["adjclose"][0]["adjclose"]
        adj.insert(at, adj[at - 1])
        return doc

    return fault


def add_split(ticker: str, day: dt.date, ratio: int) -> Callable[[str, dict], dict | None]:
    """Add a split event on `day` without touching the bars (a phantom split)."""

    def fault(name: str, doc: dict) -> dict | None:
        if name != ticker:
            return None
        result = doc["chart"]["result"][0]
        ts = result["timestamp"][bar_index(doc, day)]
        splits = result.setdefault("events", {}).setdefault("splits", {})
        splits[str(ts)] = {
            "date": ts,
            "numerator": ratio,
            "denominator": 1,
            "splitRatio": f"{ratio}:1",
        }
        return doc

    return fault
