"""Parse Yahoo Finance chart API v8 JSON (`/v8/finance/chart/<symbol>`) into bar and event frames.

The same parser reads live bodies (captured from yfinance's request layer), sample bodies and
payloads a user hands to `finlake parse yahoo-chart`. It works on a batch at once: JSON decoding
is per payload, everything else is one vectorized Polars pass over all bars of the batch.

Semantics (verified against yfinance's own parsing in the tests):
- `timestamp` is the bar start in UTC (the session open for daily bars); the bar's date is that
  instant's date in `meta.exchangeTimezoneName`.
- `quote` OHLC are split-adjusted as of the fetch, not dividend-adjusted; `adjclose` is Yahoo's
  split+dividend adjusted close and is kept only for cross-checks.
- `events.dividends` amounts are split-adjusted cash per share; `events.splits` carry
  numerator/denominator (4:1 gives ratio 4.0).
A bar is rejected (with its reason) when every field is null, when it lies outside the requested
window (Yahoo appends a live bar after `period2`), or when its session had not closed at fetch
time. Structurally broken payloads raise PayloadError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
import polars as pl

from finlake.calendar import nyse
from finlake.sources.base import PayloadError
from finlake.universe import InvalidTickerError, validate_ticker

PRICE_FIELDS = ("open", "high", "low", "close")
DEFAULT_TZ = "America/New_York"


@dataclass(frozen=True)
class ChartInput:
    body: bytes
    ticker: str | None = None  # the symbol the payload must be for
    window: tuple[dt.datetime, dt.datetime] | None = None  # [period1, period2) as requested
    fetched_at: dt.datetime | None = None


@dataclass(frozen=True)
class ChartMeta:
    symbol: str
    granularity: str
    timezone: str
    first_trade_date: dt.date | None
    currency: str | None
    instrument_type: str | None


@dataclass
class ChartBatch:
    # every frame also carries fetched_at, the fetch time of the payload the row came from
    bars: pl.DataFrame  # ticker, timestamp, date, open, high, low, close, volume, adjclose
    events: pl.DataFrame  # ticker, date, dividend, split_ratio
    rejects: pl.DataFrame  # ticker, date, kind (bar|event), row (JSON), reason
    metas: dict[str, ChartMeta]


def _label(item: ChartInput, index: int) -> str:
    return item.ticker or f"payload #{index}"


def decode_chart(body: bytes, label: str = "payload") -> dict:
    """The first chart result of a body, or a PayloadError saying clearly what the bytes are."""
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise PayloadError(f"{label}: empty response body")
    if stripped[:1] == b"<":
        snippet = stripped[:80].decode("utf-8", "replace")
        raise PayloadError(
            f"{label}: got an HTML/XML page instead of chart JSON (a block or error page served "
            f"with HTTP 200?): {snippet!r}"
        )
    try:
        doc = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"{label}: malformed JSON ({exc})") from None
    chart = doc.get("chart") if isinstance(doc, dict) else None
    if not isinstance(chart, dict):
        raise PayloadError(f"{label}: not a Yahoo chart payload (no 'chart' object)")
    if err := chart.get("error"):
        code = err.get("code") if isinstance(err, dict) else err
        desc = err.get("description") if isinstance(err, dict) else ""
        raise PayloadError(f"{label}: Yahoo returned an error: {code}: {desc}")
    result = chart.get("result")
    if not isinstance(result, list) or not result or not isinstance(result[0], dict):
        raise PayloadError(f"{label}: chart.result is empty")
    return result[0]


def _meta(result: dict, label: str, expected: str | None) -> ChartMeta:
    meta = result.get("meta")
    if not isinstance(meta, dict):
        raise PayloadError(f"{label}: chart result has no meta object")
    try:
        symbol = validate_ticker(meta.get("symbol"))
    except InvalidTickerError as exc:
        raise PayloadError(f"{label}: {exc}") from None
    if expected is not None and symbol != expected:
        raise PayloadError(f"{label}: payload is for {symbol}, expected {expected}")
    first = meta.get("firstTradeDate")
    tz = meta.get("exchangeTimezoneName") or DEFAULT_TZ
    first_date = None
    if isinstance(first, int | float):
        first_date = dt.datetime.fromtimestamp(first, dt.UTC).astimezone(_zone(tz)).date()
    return ChartMeta(
        symbol=symbol,
        granularity=str(meta.get("dataGranularity") or ""),
        timezone=tz,
        first_trade_date=first_date,
        currency=meta.get("currency"),
        instrument_type=meta.get("instrumentType"),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PayloadError(f"unknown exchange timezone {name!r}") from None


def _series(block: dict, key: str, n: int, label: str) -> list:
    values = block.get(key)
    if values is None:
        return [None] * n
    if not isinstance(values, list) or len(values) != n:
        raise PayloadError(f"{label}: indicators.{key} has {len(values)} values for {n} timestamps")
    return values


def inspect_chart(body: bytes, ticker: str) -> tuple[ChartMeta, int]:
    """Validate one payload's structure without building frames: its meta and bar count.

    Raises PayloadError exactly where parse_chart_batch would, at a fraction of the cost, so a
    fetch can reject bad bytes one ticker at a time and parse the good ones in one batch."""
    result = decode_chart(body, ticker)
    meta = _meta(result, ticker, ticker)
    ts = result.get("timestamp") or []
    if not isinstance(ts, list):
        raise PayloadError(f"{ticker}: timestamp is not a list")
    indicators = result.get("indicators") or {}
    quote = (indicators.get("quote") or [{}])[0] or {}
    adj = (indicators.get("adjclose") or [{}])[0] or {}
    for key in (*PRICE_FIELDS, "volume"):
        _series(quote, key, len(ts), ticker)
    _series(adj, "adjclose", len(ts), ticker)
    return meta, len(ts)


def parse_chart_batch(inputs: Sequence[ChartInput]) -> ChartBatch:
    cols: dict[str, list] = {k: [] for k in ("idx", "ts", *PRICE_FIELDS, "volume", "adjclose")}
    ev: dict[str, list] = {k: [] for k in ("idx", "ts", "dividend", "split_ratio")}
    payloads: dict[str, list] = {
        k: [] for k in ("idx", "ticker", "tz", "gran", "p1", "p2", "fetched")
    }
    metas: dict[str, ChartMeta] = {}
    for i, item in enumerate(inputs):
        label = _label(item, i)
        result = decode_chart(item.body, label)
        meta = _meta(result, label, item.ticker)
        metas[meta.symbol] = meta
        ts = result.get("timestamp") or []
        if not isinstance(ts, list):
            raise PayloadError(f"{label}: timestamp is not a list")
        n = len(ts)
        indicators = result.get("indicators") or {}
        quote = (indicators.get("quote") or [{}])[0] or {}
        adj = (indicators.get("adjclose") or [{}])[0] or {}
        cols["idx"].extend([i] * n)
        cols["ts"].extend(ts)
        for key in (*PRICE_FIELDS, "volume"):
            cols[key].extend(_series(quote, key, n, label))
        cols["adjclose"].extend(_series(adj, "adjclose", n, label))
        events = result.get("events") or {}
        for div in (events.get("dividends") or {}).values():
            ev["idx"].append(i)
            ev["ts"].append(div.get("date"))
            ev["dividend"].append(div.get("amount"))
            ev["split_ratio"].append(None)
        for split in (events.get("splits") or {}).values():
            num, den = split.get("numerator"), split.get("denominator")
            if not num or not den or num <= 0 or den <= 0:
                raise PayloadError(f"{label}: invalid split {split}")
            ev["idx"].append(i)
            ev["ts"].append(split.get("date"))
            ev["dividend"].append(None)
            ev["split_ratio"].append(num / den)
        window = item.window or (None, None)
        payloads["idx"].append(i)
        payloads["ticker"].append(meta.symbol)
        payloads["tz"].append(meta.timezone)
        payloads["gran"].append(meta.granularity)
        payloads["p1"].append(window[0])
        payloads["p2"].append(window[1])
        payloads["fetched"].append(item.fetched_at)
    return _assemble(cols, ev, payloads, metas)


def parse_chart(item: ChartInput) -> ChartBatch:
    return parse_chart_batch([item])


UTC_TS = pl.Datetime("us", "UTC")
PAYLOAD_SCHEMA = {
    "idx": pl.Int64,
    "ticker": pl.String,
    "tz": pl.String,
    "gran": pl.String,
    "p1": UTC_TS,
    "p2": UTC_TS,
    "fetched": UTC_TS,
}


def _local_date(ts: pl.Expr, zones: list[str]) -> pl.Expr:
    """The exchange-local date of a UTC timestamp, per payload time zone."""
    expr = pl.lit(None, dtype=pl.Date)
    for zone in zones:
        expr = (
            pl.when(pl.col("tz") == zone)
            .then(ts.dt.convert_time_zone(zone).dt.date())
            .otherwise(expr)
        )
    return expr


def _assemble(cols: dict, ev: dict, payloads: dict, metas: dict[str, ChartMeta]) -> ChartBatch:
    info = pl.DataFrame(payloads, schema=PAYLOAD_SCHEMA)
    zones = info.get_column("tz").unique().to_list()
    bars = _dated(
        pl.DataFrame(
            {
                "idx": pl.Series(cols["idx"], dtype=pl.Int64),
                "ts": pl.Series(cols["ts"], dtype=pl.Int64, strict=False),
                **{k: pl.Series(cols[k], dtype=pl.Float64, strict=False) for k in PRICE_FIELDS},
                "volume": pl.Series(cols["volume"], dtype=pl.Int64, strict=False),
                "adjclose": pl.Series(cols["adjclose"], dtype=pl.Float64, strict=False),
            }
        ),
        info,
        zones,
    )
    bars = bars.join(_session_closes(bars.get_column("date")), on="date", how="left")
    all_null = pl.all_horizontal([pl.col(c).is_null() for c in (*PRICE_FIELDS, "volume")])
    outside = pl.col("p1").is_not_null() & (
        (pl.col("timestamp") < pl.col("p1")) | (pl.col("timestamp") >= pl.col("p2"))
    )
    live = (
        (pl.col("gran") == "1d")
        & pl.col("fetched_at").is_not_null()
        & pl.col("close_at").is_not_null()
        & (pl.col("close_at") > pl.col("fetched_at"))
    )
    bars = bars.with_columns(
        pl.when(pl.col("ts").is_null())
        .then(pl.lit("bar without a timestamp"))
        .when(all_null)
        .then(pl.lit("all-null bar (no open/high/low/close/volume)"))
        .when(outside)
        .then(pl.lit("outside the requested window (bar appended after period2?)"))
        .when(live)
        .then(pl.lit("session had not closed when the payload was fetched (live bar)"))
        .alias("reason")
    )
    bar_cols = ["ticker", "timestamp", "date", *PRICE_FIELDS, "volume", "adjclose"]
    events = _dated(
        pl.DataFrame(
            {
                "idx": pl.Series(ev["idx"], dtype=pl.Int64),
                "ts": pl.Series(ev["ts"], dtype=pl.Int64, strict=False),
                "dividend": pl.Series(ev["dividend"], dtype=pl.Float64, strict=False),
                "split_ratio": pl.Series(ev["split_ratio"], dtype=pl.Float64),
            }
        ),
        info,
        zones,
    ).with_columns(
        pl.when(pl.col("ts").is_null())
        .then(pl.lit("event without a date"))
        .when(outside)
        .then(pl.lit("event outside the requested window"))
        .alias("reason")
    )
    good_events = (
        events.filter(pl.col("reason").is_null())
        .group_by("ticker", "date", "fetched_at", maintain_order=True)
        .agg(
            pl.col("dividend").sum().alias("dividend"),
            pl.col("split_ratio").fill_null(1.0).product().alias("split_ratio"),
        )
        .sort("ticker", "date")
    )
    event_cols = ["ticker", "timestamp", "date", "dividend", "split_ratio"]
    return ChartBatch(
        bars=bars.filter(pl.col("reason").is_null()).select(*bar_cols, "fetched_at"),
        events=good_events,
        rejects=pl.concat([_rejects(bars, "bar", bar_cols), _rejects(events, "event", event_cols)]),
        metas=metas,
    )


def _rejects(frame: pl.DataFrame, kind: str, cols: list[str]) -> pl.DataFrame:
    return frame.filter(pl.col("reason").is_not_null()).select(
        "ticker",
        "date",
        "fetched_at",
        pl.lit(kind).alias("kind"),
        pl.struct(cols).struct.json_encode().alias("row"),
        "reason",
    )


def _dated(frame: pl.DataFrame, info: pl.DataFrame, zones: list[str]) -> pl.DataFrame:
    """Join payload attributes and derive the UTC timestamp and the exchange-local date."""
    return (
        frame.join(info, on="idx", how="left")
        .with_columns(
            pl.from_epoch("ts", time_unit="s").dt.replace_time_zone("UTC").alias("timestamp")
        )
        .with_columns(_local_date(pl.col("timestamp"), zones).alias("date"))
        .rename({"fetched": "fetched_at"})
    )


def _session_closes(dates: pl.Series) -> pl.DataFrame:
    cal = nyse()
    unique = [d for d in dates.unique().drop_nulls().to_list() if cal.is_session(d)]
    return pl.DataFrame(
        {"date": unique, "close_at": [cal.session_close(d) for d in unique]},
        schema={"date": pl.Date, "close_at": UTC_TS},
    )
