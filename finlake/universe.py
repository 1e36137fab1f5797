"""The ticker universe and the one validator every user-supplied ticker passes through.

A ticker reaches file paths (hive partitions), provider URLs and SQL, so it is checked against a
strict pattern before it goes anywhere: upper-case letters and digits with an optional share-class
suffix (BRK-B, BF.B). Nothing else — no slashes, quotes, spaces or dots at the start.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

TICKER_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}(?:[.\-][A-Z0-9]{1,4})?$")


class InvalidTickerError(ValueError):
    """A ticker that does not match TICKER_PATTERN."""


def validate_ticker(ticker: object) -> str:
    """Return the ticker unchanged if it is safe to use in a path, URL or SQL; raise otherwise."""
    if not isinstance(ticker, str) or not TICKER_PATTERN.fullmatch(ticker):
        raise InvalidTickerError(
            f"invalid ticker {ticker!r}: expected upper-case letters/digits with an optional "
            "class suffix such as BRK-B (pattern ^[A-Z][A-Z0-9]{0,9}([.-][A-Z0-9]{1,4})?$)"
        )
    return ticker


@dataclass(frozen=True)
class Security:
    ticker: str
    name: str
    kind: str = "stock"  # "stock" or "etf"

    def __post_init__(self) -> None:
        validate_ticker(self.ticker)
        if self.kind not in ("stock", "etf"):
            raise ValueError(f"{self.ticker}: kind must be 'stock' or 'etf', not {self.kind!r}")


DEFAULT_UNIVERSE: tuple[Security, ...] = (
    Security("AAPL", "Apple Inc."),
    Security("MSFT", "Microsoft Corporation"),
    Security("GOOGL", "Alphabet Inc."),
    Security("AMZN", "Amazon.com, Inc."),
    Security("NVDA", "NVIDIA Corporation"),
    Security("META", "Meta Platforms, Inc."),
    Security("TSLA", "Tesla, Inc."),
    Security("SPY", "SPDR S&P 500 ETF Trust", "etf"),
    Security("QQQ", "Invesco QQQ Trust", "etf"),
)


def parse_universe_file(path: Path) -> tuple[Security, ...]:
    """Read a universe file: a CSV with a `ticker` header (optional `name`, `kind` columns),
    or plain text with one ticker per line (`#` starts a comment)."""
    text = path.read_text(encoding="utf-8")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "ticker" in first.lower().split(","):
        rows = csv.DictReader(line for line in text.splitlines() if line.strip())
        return _dedupe(
            Security(
                r["ticker"].strip(),
                (r.get("name") or r["ticker"]).strip(),
                (r.get("kind") or "stock").strip(),
            )
            for r in rows
        )
    tickers = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return _dedupe(Security(t, t) for t in tickers if t)


def _dedupe(securities: Iterable[Security]) -> tuple[Security, ...]:
    seen: dict[str, Security] = {}
    for s in securities:
        seen.setdefault(s.ticker, s)
    if not seen:
        raise ValueError("the universe is empty")
    return tuple(seen.values())


def load_universe(env: Mapping[str, str] = os.environ) -> tuple[Security, ...]:
    """FINLAKE_UNIVERSE (comma-separated tickers) wins over FINLAKE_UNIVERSE_FILE, which wins
    over the default universe. Known tickers keep their names from the default universe."""
    known = {s.ticker: s for s in DEFAULT_UNIVERSE}
    if raw := env.get("FINLAKE_UNIVERSE", "").strip():
        tickers = [t.strip() for t in raw.split(",") if t.strip()]
        return _dedupe(known.get(t) or Security(t, t) for t in tickers)
    if path := env.get("FINLAKE_UNIVERSE_FILE", "").strip():
        return parse_universe_file(Path(path))
    return DEFAULT_UNIVERSE
