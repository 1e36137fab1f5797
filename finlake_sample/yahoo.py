"""An offline stand-in for Yahoo: deterministic synthetic bars served as real chart JSON.

Each ticker gets one fixed as-traded history (a random walk bridged to a plausible price level,
with real historical splits, a few synthetic later ones and regular dividends), generated once per
process. A request is answered the way Yahoo answers it: bars and events inside
[period1, period2), only sessions that have closed by the market's clock, prices and dividends
split-adjusted as of that clock, Yahoo's adjclose, float32-rounded values and a full `meta` block.
The bytes then go through exactly the parser the live mode uses.

The data is synthetic: real tickers and split dates, invented prices. Splits on or after
2025-01-01 are invented too, so any recent two-year window contains at least one split.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import orjson

from finlake.calendar import NY, nyse
from finlake.sources.base import HttpExchange

CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{ticker}"
ANCHOR = dt.date(2026, 11, 20)  # the bridged walk reaches `anchor_price` on this session
DIVIDEND_MONTHS = {"FMAN": (2, 5, 8, 11), "MJSD": (3, 6, 9, 12)}


@dataclass(frozen=True)
class Profile:
    ticker: str
    name: str
    kind: str  # EQUITY | ETF
    listed: dt.date
    price0: float  # as-traded close on the first session
    anchor_price: float  # as-traded close on ANCHOR
    vol: float  # annualized volatility
    volume: float  # typical daily volume in today's share units
    splits: tuple[tuple[dt.date, int, int], ...] = ()
    dividend_since: dt.date | None = None
    dividend_yield_q: float = 0.0  # quarterly cash yield
    dividend_months: str = "FMAN"
    dividend_day: int = 10
    exchange: tuple[str, str] = ("NMS", "NasdaqGS")


D = dt.date
PROFILES: dict[str, Profile] = {
    p.ticker: p
    for p in (
        Profile(
            "AAPL",
            "Apple Inc.",
            "EQUITY",
            D(1980, 12, 12),
            111.94,
            268.0,
            0.33,
            55e6,
            (
                (D(2000, 6, 21), 2, 1),
                (D(2005, 2, 28), 2, 1),
                (D(2014, 6, 9), 7, 1),
                (D(2020, 8, 31), 4, 1),
            ),
            D(2012, 8, 9),
            0.0015,
            "FMAN",
            9,
        ),
        Profile(
            "MSFT",
            "Microsoft Corporation",
            "EQUITY",
            D(1986, 3, 13),
            116.56,
            478.0,
            0.28,
            24e6,
            ((D(2003, 2, 18), 2, 1),),
            D(2003, 2, 19),
            0.0021,
            "FMAN",
            15,
        ),
        Profile(
            "GOOGL",
            "Alphabet Inc.",
            "EQUITY",
            D(2004, 8, 19),
            100.34,
            292.0,
            0.30,
            32e6,
            ((D(2014, 4, 3), 2, 1), (D(2022, 7, 18), 20, 1)),
            D(2024, 6, 10),
            0.0010,
            "MJSD",
            9,
        ),
        Profile(
            "AMZN",
            "Amazon.com, Inc.",
            "EQUITY",
            D(1997, 5, 15),
            89.38,
            224.0,
            0.40,
            44e6,
            ((D(2022, 6, 6), 20, 1), (D(2028, 6, 5), 3, 1)),
        ),
        Profile(
            "NVDA",
            "NVIDIA Corporation",
            "EQUITY",
            D(1999, 1, 22),
            94.0,
            182.0,
            0.50,
            210e6,
            (
                (D(2000, 6, 27), 2, 1),
                (D(2001, 9, 17), 2, 1),
                (D(2006, 4, 7), 2, 1),
                (D(2007, 9, 11), 3, 2),
                (D(2021, 7, 20), 4, 1),
                (D(2024, 6, 10), 10, 1),
                (D(2027, 6, 7), 4, 1),
            ),
            D(2012, 11, 20),
            0.0001,
            "MJSD",
            5,
        ),
        Profile(
            "META",
            "Meta Platforms, Inc.",
            "EQUITY",
            D(2012, 5, 18),
            38.23,
            152.0,
            0.38,
            15e6,
            ((D(2026, 6, 8), 4, 1),),
            D(2024, 2, 22),
            0.0009,
            "MJSD",
            14,
        ),
        Profile(
            "TSLA",
            "Tesla, Inc.",
            "EQUITY",
            D(2010, 6, 29),
            23.89,
            205.0,
            0.55,
            95e6,
            ((D(2020, 8, 31), 5, 1), (D(2022, 8, 25), 3, 1), (D(2025, 8, 25), 2, 1)),
        ),
        Profile(
            "SPY",
            "SPDR S&P 500 ETF Trust",
            "ETF",
            D(1993, 1, 29),
            145.44,
            662.0,
            0.18,
            68e6,
            (),
            D(2000, 3, 17),
            0.0035,
            "MJSD",
            17,
            ("PCX", "NYSEArca"),
        ),
        Profile(
            "QQQ",
            "Invesco QQQ Trust",
            "ETF",
            D(1999, 3, 10),
            184.0,
            598.0,
            0.26,
            42e6,
            ((D(2000, 3, 20), 2, 1),),
            D(2003, 3, 21),
            0.0015,
            "MJSD",
            20,
        ),
    )
}


def synthetic_profile(ticker: str) -> Profile:
    """A deterministic profile for tickers outside the curated sample universe."""
    rng = np.random.default_rng(zlib.crc32(ticker.encode()))
    price0 = float(rng.uniform(15, 150))
    years = (ANCHOR - D(2000, 1, 3)).days / 365.25
    splits: tuple[tuple[dt.date, int, int], ...] = ()
    if rng.random() < 0.25:
        day = D(2000, 1, 3) + dt.timedelta(days=int(rng.integers(400, 9000)))
        splits = ((nyse().next_session(day), int(rng.choice([2, 3, 4])), 1),)
    pays = rng.random() < 0.6
    return Profile(
        ticker=ticker,
        name=f"{ticker} Synthetic Corp.",
        kind="EQUITY",
        listed=D(1995, 1, 3),
        price0=price0,
        anchor_price=float(price0 * np.exp(rng.normal(0.06, 0.04) * years)),
        vol=float(rng.uniform(0.18, 0.55)),
        volume=float(rng.uniform(1e6, 5e7)),
        splits=splits,
        dividend_since=D(2000, 1, 3) if pays else None,
        dividend_yield_q=float(rng.uniform(0.001, 0.008)) if pays else 0.0,
        dividend_months="FMAN" if rng.random() < 0.5 else "MJSD",
        dividend_day=int(rng.integers(1, 25)),
    )


def profile(ticker: str) -> Profile:
    return PROFILES.get(ticker) or synthetic_profile(ticker)


@dataclass(frozen=True)
class History:
    """One ticker's full as-traded history on NYSE sessions."""

    sessions: list[dt.date]
    open_ts: np.ndarray  # session open, epoch seconds
    close_ts: np.ndarray  # session close, epoch seconds
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    splits: dict[int, float] = field(default_factory=dict)  # session index -> ratio
    dividends: dict[int, float] = field(default_factory=dict)  # session index -> as-traded cash


def _product_after(values: np.ndarray) -> np.ndarray:
    """out[t] = product of values[s] for s > t."""
    out = np.ones_like(values)
    out[:-1] = np.cumprod(values[::-1])[::-1][1:]
    return out


def _cents_up(x: np.ndarray) -> np.ndarray:
    return np.ceil(x * 100 - 1e-9) / 100


def _cents_down(x: np.ndarray) -> np.ndarray:
    return np.maximum(np.floor(x * 100 + 1e-9) / 100, 0.01)


@cache
def history(ticker: str) -> History:
    p = profile(ticker)
    cal = nyse()
    first = max(p.listed, cal.sessions[0])
    sessions = cal.sessions_between(first, cal.horizon)
    n = len(sessions)
    rng = np.random.default_rng(zlib.crc32(f"finlake-sample:{ticker}".encode()))
    index = {d: i for i, d in enumerate(sessions)}
    split_at = {index[s]: num / den for s, num, den in p.splits if s in index and s > first}
    # ratio of all splits after each session: as-traded price = split-adjusted-forever x this
    ratios = np.ones(n)
    for i, ratio in split_at.items():
        ratios[i] = ratio
    after = _product_after(ratios)

    daily = p.vol / np.sqrt(252)
    shocks = rng.standard_t(df=4, size=n) * daily / np.sqrt(2.0)
    walk = np.concatenate([[0.0], np.cumsum(shocks[1:])])
    k = index.get(cal.sessions_back(ANCHOR, 1)[0], n - 1)
    target = np.log((p.anchor_price / after[k]) / (p.price0 / after[0]))
    steps = np.arange(n)
    bridged = np.where(
        steps <= k, walk - steps / max(k, 1) * (walk[k] - target), walk - walk[k] + target
    )
    base = (p.price0 / after[0]) * np.exp(bridged)  # split-adjusted forever, before dividends

    dividends: dict[int, float] = {}
    if p.dividend_since is not None and p.dividend_yield_q > 0:
        for year in range(p.dividend_since.year, cal.horizon.year + 1):
            for month in DIVIDEND_MONTHS[p.dividend_months]:
                day = D(year, month, p.dividend_day)
                if day < max(p.dividend_since, first) or day > cal.horizon:
                    continue
                ex = day if cal.is_session(day) else cal.next_session(day)
                if ex in index and index[ex] > 0:
                    dividends[index[ex]] = p.dividend_yield_q
    drop = np.ones(n)
    for i, y in dividends.items():
        drop[i] = 1 - y
    drop = np.cumprod(drop)
    close = np.round(base * drop * after, 2)
    close = np.maximum(close, 0.01)
    cash = {i: round(float(y * close[i - 1]), 4) for i, y in dividends.items()}

    gap = np.exp(rng.normal(0, daily * 0.3, n))
    open_ = np.round(np.concatenate([[close[0]], close[:-1]]) * gap, 2)
    open_ = np.maximum(open_, 0.01)
    wick = np.abs(rng.normal(0, daily * 0.5, (2, n)))
    high = _cents_up(np.maximum(open_, close) * np.exp(wick[0]))
    low = _cents_down(np.minimum(open_, close) * np.exp(-wick[1]))
    activity = np.exp(rng.normal(0, 0.3, n)) * (1 + 2 * np.abs(shocks) / daily / 3)
    volume = np.round(p.volume * activity / after).astype(np.int64)

    opens, closes = _session_times()
    offset = cal.index(first)
    return History(
        sessions, opens[offset:], closes[offset:], open_, high, low, close, volume, split_at, cash
    )


@cache
def _session_times() -> tuple[np.ndarray, np.ndarray]:
    cal = nyse()
    opens = np.array([t.timestamp() for t in cal.opens], dtype=np.int64)
    closes = np.array([t.timestamp() for t in cal.closes], dtype=np.int64)
    return opens, closes


def _f32(values: np.ndarray) -> list[float]:
    """Yahoo stores quotes as float32; serve them the same way."""
    return values.astype(np.float32).astype(np.float64).tolist()


def chart_json(ticker: str, period1: int, period2: int, as_of: dt.datetime) -> bytes:
    """The chart body Yahoo would return for `ticker` between two epoch seconds at `as_of`."""
    p = profile(ticker)
    h = history(ticker)
    now = int(as_of.timestamp())
    known = h.close_ts <= now  # sessions closed by the clock
    # split factor still to be applied as of `now`: splits after t that have happened by now
    ratios = np.ones(len(h.sessions))
    for i, ratio in h.splits.items():
        if h.open_ts[i] <= now:
            ratios[i] = ratio
    pending = _product_after(ratios)
    sel = np.flatnonzero(known & (h.open_ts >= period1) & (h.open_ts < period2))
    close_adj = h.close / pending
    served = {
        "open": _f32(h.open[sel] / pending[sel]),
        "high": _f32(h.high[sel] / pending[sel]),
        "low": _f32(h.low[sel] / pending[sel]),
        "close": _f32(close_adj[sel]),
        "volume": np.round(h.volume[sel] * pending[sel]).astype(np.int64).tolist(),
    }
    # Yahoo's adjclose: CRSP multipliers over every dividend known at `now`
    factors = np.ones(len(h.sessions))
    for i, cash in h.dividends.items():
        if h.open_ts[i] <= now and known[i - 1]:
            factors[i] = 1 - (cash / pending[i]) / close_adj[i - 1]
    mult = _product_after(factors)
    events: dict[str, dict] = {}
    divs = {
        str(h.open_ts[i]): {"amount": round(float(cash / pending[i]), 6), "date": int(h.open_ts[i])}
        for i, cash in sorted(h.dividends.items())
        if period1 <= h.open_ts[i] < period2 and h.open_ts[i] <= now
    }
    splits = {
        str(h.open_ts[i]): {
            "date": int(h.open_ts[i]),
            "numerator": _ratio_parts(ratio)[0],
            "denominator": _ratio_parts(ratio)[1],
            "splitRatio": "{}:{}".format(*_ratio_parts(ratio)),
        }
        for i, ratio in sorted(h.splits.items())
        if period1 <= h.open_ts[i] < period2 and h.open_ts[i] <= now
    }
    if divs:
        events["dividends"] = divs
    if splits:
        events["splits"] = splits
    meta = _meta(p, h, known, pending, period1, as_of)
    result: dict[str, object] = {"meta": meta}
    if len(sel):
        result["timestamp"] = h.open_ts[sel].tolist()
        if events:
            result["events"] = events
        result["indicators"] = {
            "quote": [served],
            "adjclose": [{"adjclose": _f32(close_adj[sel] * mult[sel])}],
        }
    else:
        result["indicators"] = {"quote": [{}], "adjclose": [{}]}
    return orjson.dumps({"chart": {"result": [result], "error": None}})


def _ratio_parts(ratio: float) -> tuple[int, int]:
    return (3, 2) if abs(ratio - 1.5) < 1e-9 else (round(ratio), 1)


def _meta(
    p: Profile, h: History, known: np.ndarray, pending: np.ndarray, period1: int, as_of: dt.datetime
) -> dict:
    close_adj = h.close / pending
    last = int(np.flatnonzero(known)[-1]) if known.any() else 0
    before = np.flatnonzero(known & (h.open_ts < period1))
    local = as_of.astimezone(NY)
    offset = int(local.utcoffset().total_seconds()) if local.utcoffset() else -18000
    first_trade = int(dt.datetime.combine(p.listed, dt.time(9, 30), NY).timestamp())
    year_ago = max(0, last - 251)
    return {
        "currency": "USD",
        "symbol": p.ticker,
        "exchangeName": p.exchange[0],
        "fullExchangeName": p.exchange[1],
        "instrumentType": p.kind,
        "firstTradeDate": first_trade,
        "regularMarketTime": int(h.close_ts[last]),
        "hasPrePostMarketData": True,
        "gmtoffset": offset,
        "timezone": local.tzname(),
        "exchangeTimezoneName": "America/New_York",
        "regularMarketPrice": float(close_adj[last]),
        "fiftyTwoWeekHigh": float(np.max((h.high / pending)[year_ago : last + 1])),
        "fiftyTwoWeekLow": float(np.min((h.low / pending)[year_ago : last + 1])),
        "longName": p.name,
        "shortName": p.name,
        "chartPreviousClose": float(close_adj[before[-1]]) if len(before) else None,
        "priceHint": 2,
        "dataGranularity": "1d",
        "range": "",
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    }


class SampleChartTransport:
    """Answers chart requests from the synthetic market; `as_of` is the market clock
    (None = the wall clock at each request)."""

    def __init__(self, as_of: dt.datetime | None = None) -> None:
        self.as_of = as_of

    def get(self, ticker: str, period1: int, period2: int) -> HttpExchange:
        as_of = self.as_of or dt.datetime.now(dt.UTC)
        params: dict[str, object] = {
            "period1": period1,
            "period2": period2,
            "interval": "1d",
            "includePrePost": False,
            "events": "div,splits,capitalGains",
        }
        body = chart_json(ticker, period1, period2, as_of)
        return HttpExchange(CHART_URL.format(ticker=ticker), params, 200, body)
