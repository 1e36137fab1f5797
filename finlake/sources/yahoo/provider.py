"""Yahoo as a PriceProvider: a transport fetches chart bytes, chart.py turns them into rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol

import polars as pl

from finlake.calendar import NY, nyse
from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.sources.base import (
    EmptyPayloadError,
    HttpExchange,
    ParsedPrices,
    PayloadError,
    RawPayload,
)
from finlake.sources.yahoo.chart import ChartBatch, ChartInput, inspect_chart, parse_chart_batch
from finlake.universe import validate_ticker

SOURCE_NAME = "yahoo"


class ChartTransport(Protocol):
    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange: ...


def request_window(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Epoch seconds [period1, period2) covering sessions start..end in New York time."""
    p1 = dt.datetime.combine(start, dt.time(0), NY)
    p2 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), NY)
    return int(p1.timestamp()), int(p2.timestamp())


def _window(payload: RawPayload) -> tuple[dt.datetime, dt.datetime]:
    p1, p2 = request_window(payload.window_start, payload.window_end)
    return dt.datetime.fromtimestamp(p1, dt.UTC), dt.datetime.fromtimestamp(p2, dt.UTC)


def _chart_input(payload: RawPayload) -> ChartInput:
    return ChartInput(payload.exchange.body, payload.ticker, _window(payload), payload.fetched_at)


class YahooProvider:
    name = SOURCE_NAME
    bronze_source = "yahoo_chart"

    def __init__(
        self, transport: ChartTransport, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.transport = transport
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def fetch(self, ticker: str, start: dt.date, end: dt.date, *, reason: str) -> RawPayload:
        validate_ticker(ticker)
        exchange = self.transport.get(ticker, *request_window(start, end))
        payload = RawPayload(
            source=self.bronze_source,
            ticker=ticker,
            window_start=start,
            window_end=end,
            fetched_at=self.clock(),
            reason=reason,
            exchange=exchange,
        )
        try:
            meta, bars = inspect_chart(exchange.body, ticker)
        except PayloadError as exc:
            raise PayloadError(str(exc), payload) from None
        listed = meta.first_trade_date
        expected = [d for d in nyse().sessions_between(start, end) if listed is None or d >= listed]
        if bars == 0 and expected:
            raise EmptyPayloadError(
                f"{ticker}: no bars for {start}..{end} although it is listed (first trade "
                f"{listed}); delisted or a provider outage? Remove it from the universe if it "
                "is delisted."
            )
        return payload

    def parse(self, payloads: Sequence[RawPayload]) -> ParsedPrices:
        return canonical_frames(parse_chart_batch([_chart_input(p) for p in payloads]))


def canonical_frames(batch: ChartBatch) -> ParsedPrices:
    """prices_daily and corporate_actions rows (and rejects) from parsed chart payloads."""
    for meta in batch.metas.values():
        if meta.granularity != "1d":
            raise PayloadError(
                f"{meta.symbol}: payload interval is {meta.granularity or 'unknown'}; "
                "prices_daily needs daily (1d) bars"
            )
    prices = batch.bars.with_columns(
        pl.lit(SOURCE_NAME).alias("source"), pl.col("fetched_at").alias("ingested_at")
    )
    actions = batch.events.with_columns(pl.lit(SOURCE_NAME).alias("source"))
    rejects = batch.rejects.select(
        pl.when(pl.col("kind") == "bar")
        .then(pl.lit(PRICES_DAILY.name))
        .otherwise(pl.lit(CORPORATE_ACTIONS.name))
        .alias("dataset"),
        pl.col("date").cast(pl.String).fill_null("unknown").alias("partition"),
        "row",
        "reason",
        "ticker",
        "date",
        "fetched_at",
    )
    return ParsedPrices(
        prices=prices.select(PRICES_DAILY.column_names),
        actions=actions.select(*CORPORATE_ACTIONS.column_names, "fetched_at"),
        rejects=rejects,
        listing={t: m.first_trade_date for t, m in batch.metas.items()},
    )
