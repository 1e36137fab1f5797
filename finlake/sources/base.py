"""What every price provider gives finlake: raw bytes in, one canonical schema out.

A provider fetches one ticker's raw payload for a window of sessions (`fetch`) and turns a batch
of payloads into canonical frames (`parse`). Assets only talk to this interface, so a second
provider plugs in without touching them; live and sample modes differ only in the transport that
produces the bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import orjson
import polars as pl


class SourceError(RuntimeError):
    """A provider could not deliver usable data. `payload` holds the bytes when there were any,
    so they can be kept for debugging. `retryable` says whether trying again later can help;
    only such errors are retried, by the transport and by Dagster."""

    retryable = False

    def __init__(self, message: str, payload: RawPayload | None = None) -> None:
        super().__init__(message)
        self.payload = payload


class PayloadError(SourceError):
    """The bytes are not a valid payload of the expected kind (not retryable)."""


class EmptyPayloadError(SourceError):
    """A listed ticker came back without any data; an error, never a silent success."""


class ConfigurationError(SourceError):
    """finlake is not set up for this source (a missing API key or User-Agent, a bad universe):
    the same request fails the same way until the configuration changes, so it fails at once."""


class SourceUnreachableError(SourceError):
    """The provider's host name does not resolve (no network, DNS down): every request to it
    would fail the same way, so the fetch stops at the first one instead of backing off."""


class RetryableSourceError(SourceError):
    """Rate limiting, a 5xx or a network failure: worth retrying after a backoff (at least
    `retry_after` seconds when the server said so)."""

    retryable = True

    def __init__(
        self, message: str, payload: RawPayload | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, payload)
        self.retry_after = retry_after


def stops_the_fetch(exc: BaseException) -> bool:
    """Whether an error means no other request of the fetch can succeed either."""
    return isinstance(exc, ConfigurationError | SourceUnreachableError)


@dataclass(frozen=True)
class HttpExchange:
    """One request and the bytes that came back, as the transport saw them."""

    url: str
    params: dict[str, object]
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # response validators (ETag, ...)


@dataclass(frozen=True)
class RawPayload:
    """A raw payload as received, with what is needed to rebuild silver from it later."""

    source: str
    ticker: str
    window_start: dt.date
    window_end: dt.date
    fetched_at: dt.datetime
    reason: str
    exchange: HttpExchange
    run_id: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.exchange.body).hexdigest()

    def bronze_row(self) -> dict[str, object]:
        return {
            "source": self.source,
            "ticker": self.ticker,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "fetched_at": self.fetched_at,
            "run_id": self.run_id,
            "reason": self.reason,
            "request": orjson.dumps(
                {"url": self.exchange.url, "params": self.exchange.params}
            ).decode(),
            "status": self.exchange.status,
            "sha256": self.sha256,
            "body": self.exchange.body,
        }

    @classmethod
    def from_bronze_row(cls, row: dict) -> RawPayload:
        request = orjson.loads(row["request"])
        return cls(
            source=row["source"],
            ticker=row["ticker"],
            window_start=row["window_start"],
            window_end=row["window_end"],
            fetched_at=row["fetched_at"],
            reason=row["reason"],
            run_id=row["run_id"],
            exchange=HttpExchange(
                url=request["url"], params=request["params"], status=row["status"], body=row["body"]
            ),
        )


@dataclass
class ParsedPrices:
    """Canonical frames parsed from a batch of payloads, plus what was rejected on the way.

    `prices` follows prices_daily; `actions` follows corporate_actions plus `fetched_at`;
    `rejects` has dataset, partition, row (JSON), reason, ticker, date and fetched_at. Rows keep
    the fetch time of their payload so a caller can tell payloads of one ticker apart.
    `listing` maps each ticker to its first trade date (None when the provider does not say).
    """

    prices: pl.DataFrame
    actions: pl.DataFrame
    rejects: pl.DataFrame
    listing: dict[str, dt.date | None] = field(default_factory=dict)


REJECT_SCHEMA: dict[str, pl.DataType] = {
    "dataset": pl.String,
    "partition": pl.String,
    "row": pl.String,
    "reason": pl.String,
}


class PriceProvider(Protocol):
    name: str
    bronze_source: str

    def fetch(self, ticker: str, start: dt.date, end: dt.date, *, reason: str) -> RawPayload:
        """One ticker's raw payload covering sessions start..end (inclusive)."""
        ...

    def parse(self, payloads: Sequence[RawPayload]) -> ParsedPrices:
        """Canonical prices_daily and corporate_actions rows from a batch of payloads."""
        ...
