"""company_tickers.json and company_tickers_exchange.json -> (cik, ticker, title, exchange)."""

from __future__ import annotations

import orjson
import polars as pl

from finlake.sources.base import PayloadError
from finlake.sources.sec.urls import cik10

SCHEMA = {"cik": pl.String, "ticker": pl.String, "title": pl.String, "exchange": pl.String}


def _load(body: bytes, label: str):
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"{label}: malformed JSON ({exc})") from None


def parse_company_tickers(body: bytes) -> pl.DataFrame:
    """The dict keyed "0", "1", ... of {cik_str, ticker, title}; exchange is unknown here."""
    doc = _load(body, "company_tickers.json")
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise PayloadError("company_tickers.json: expected an object of {cik_str, ticker, title}")
    try:
        rows = [
            (cik10(v["cik_str"]), str(v["ticker"]).strip().upper(), str(v["title"]).strip(), None)
            for v in doc.values()
        ]
    except (KeyError, ValueError) as exc:
        raise PayloadError(f"company_tickers.json: bad entry ({exc})") from None
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def parse_company_tickers_exchange(body: bytes) -> pl.DataFrame:
    """{"fields": ["cik", "name", "ticker", "exchange"], "data": [[...], ...]}."""
    doc = _load(body, "company_tickers_exchange.json")
    fields = doc.get("fields") if isinstance(doc, dict) else None
    if fields != ["cik", "name", "ticker", "exchange"] or not isinstance(doc.get("data"), list):
        raise PayloadError("company_tickers_exchange.json: unexpected layout")
    try:
        rows = [
            (cik10(c), str(t).strip().upper(), str(n).strip(), e or None)
            for c, n, t, e in doc["data"]
        ]
    except (ValueError, TypeError) as exc:
        raise PayloadError(f"company_tickers_exchange.json: bad row ({exc})") from None
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def merge_ticker_files(tickers: pl.DataFrame, exchange: pl.DataFrame | None) -> pl.DataFrame:
    """company_tickers rows with the exchange filled in from the exchange variant."""
    if exchange is None or exchange.is_empty():
        return tickers.unique(["cik", "ticker"], keep="first")
    return (
        tickers.drop("exchange")
        .join(exchange.select("cik", "ticker", "exchange"), on=["cik", "ticker"], how="left")
        .select(list(SCHEMA))
        .unique(["cik", "ticker"], keep="first")
    )
