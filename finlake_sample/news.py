"""An offline news world, served as each publisher's own RSS 2.0 / Atom bytes.

Sample mode must run the parser live mode runs (feedparser on the bytes), so this module answers
the registry's RSS URLs with bodies built to the structure of real captures
(../shared/realdata/rss): Yahoo's per-ticker headline RSS, MarketWatch and CNBC market RSS, SEC
press releases, EDGAR's current 8-K Atom page, the Fed's press RSS (and the FOMC statement pages
its items link to, on the real meeting calendar) and BLS's "latest numbers".

The world is synthetic and deterministic: every day (ET) of every stream is generated from its own
seed (random.Random seeded with crc32 of a stable string), lazily and cached, so the same URL at
the same clock gives the same bytes in any process. Stories loosely follow the sample price market
(`finlake_sample.yahoo.history`): a stock's news on a big down day is mostly negative,
earnings stories agree with the next session's move, market wraps quote the SPY/QQQ move, jobs
and CPI stories quote the BLS numbers and FOMC stories the decision in the Fed feed.

Quirks a pipeline must survive are served on purpose (see SampleNews for the list).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import random
import re
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache, lru_cache
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from finlake.calendar import NY, edgar, nyse
from finlake.sources.news.client import FeedResponse
from finlake.sources.news.feeds import DEFAULT_FEEDS, load_feeds
from finlake.sources.sec.eight_k import EIGHT_K_ITEMS
from finlake.universe import DEFAULT_UNIVERSE, InvalidTickerError, Security, validate_ticker
from finlake_sample.fomc import Meeting, fraction, meetings, range_text
from finlake_sample.sec import current_feed_head
from finlake_sample.util import nth_weekday, weekday_on_or_after
from finlake_sample.yahoo import history, profile

UTC = dt.UTC
WORLD_START = dt.date(2005, 1, 1)  # nothing is published before this day
GUID_NAMESPACE = uuid.UUID("6f1c2b1e-4d0a-3c55-9a51-7b0e2d8f4c10")
NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
SIZES = {"yahoo": 20, "mw": 50, "cnbc": 30, "fed": 20, "sec_press": 25, "edgar": 40}
MAX_DAYS_BACK = 400  # how far a feed looks back for items (the Fed's monetary feed is sparse)


# =================================================================================================
# The cast: universe companies, other real companies, fictional companies and people


@dataclass(frozen=True)
class _Company:
    ticker: str
    short: str  # "Apple"
    alias: str  # a second name headlines use ("Google" for Alphabet)
    full: str  # "Apple Inc."
    exchange: str
    products: tuple[str, ...]
    sector: str
    rivals: tuple[str, ...]
    recall: str  # what this company recalls
    earnings: tuple[tuple[int, ...], int, int]  # months, nth weekday (-1 = last), weekday
    filers: tuple[tuple[dt.date, str, int], ...] = ()  # (from, EDGAR name, CIK)
    etf: bool = False


_D = dt.date
_COMPANIES: dict[str, _Company] = {
    c.ticker: c
    for c in (
        _Company(
            "AAPL", "Apple", "Apple", "Apple Inc.", "NASDAQ",
            ("iPhone", "Mac", "services", "Apple Watch", "App Store", "iPad"),
            "smartphone", ("Samsung", "Qualcomm", "Xiaomi"), "batteries in older MacBook models",
            ((1, 4, 7, 10), -1, 3), ((_D(2000, 1, 1), "Apple Inc.", 320193),),
        ),
        _Company(
            "MSFT", "Microsoft", "Microsoft", "Microsoft Corporation", "NASDAQ",
            ("Azure", "Windows", "Xbox", "Office 365", "LinkedIn", "Copilot"),
            "cloud software", ("Oracle", "Salesforce", "IBM"), "Surface power cords",
            ((1, 4, 7, 10), -1, 1), ((_D(2000, 1, 1), "MICROSOFT CORP", 789019),),
        ),
        _Company(
            "GOOGL", "Alphabet", "Google", "Alphabet Inc.", "NASDAQ",
            ("Google Search", "YouTube", "Google Cloud", "Waymo", "Android", "Pixel phones"),
            "online advertising", ("Snap", "Pinterest", "Baidu"), "Nest thermostats",
            ((1, 4, 7, 10), -1, 1),
            ((_D(2000, 1, 1), "Google Inc.", 1288776), (_D(2015, 10, 2), "Alphabet Inc.", 1652044)),
        ),
        _Company(
            "AMZN", "Amazon", "Amazon.com", "Amazon.com, Inc.", "NASDAQ",
            ("AWS", "Prime", "Alexa", "Whole Foods", "advertising business"),
            "e-commerce", ("Walmart", "Shopify", "Target"), "Echo smart speakers",
            ((1, 4, 7, 10), -1, 3), ((_D(2000, 1, 1), "AMAZON COM INC", 1018724),),
        ),
        _Company(
            "NVDA", "Nvidia", "NVIDIA", "NVIDIA Corporation", "NASDAQ",
            ("data-center GPUs", "gaming chips", "CUDA software", "AI accelerators"),
            "semiconductor", ("AMD", "Intel", "Broadcom"), "GPU power adapters",
            ((2, 5, 8, 11), -1, 2), ((_D(2000, 1, 1), "NVIDIA CORP", 1045810),),
        ),
        _Company(
            "META", "Meta", "Meta Platforms", "Meta Platforms, Inc.", "NASDAQ",
            ("Instagram", "WhatsApp", "Facebook", "Reality Labs", "Quest headsets", "Threads"),
            "social media", ("Snap", "Pinterest", "ByteDance"), "Quest headset face covers",
            ((1, 4, 7, 10), -1, 2),
            ((_D(2000, 1, 1), "Facebook Inc", 1326801),
             (_D(2021, 10, 28), "Meta Platforms, Inc.", 1326801)),
        ),
        _Company(
            "TSLA", "Tesla", "Tesla", "Tesla, Inc.", "NASDAQ",
            ("Model Y", "Model 3", "Cybertruck", "Full Self-Driving software", "Megapack"),
            "electric vehicle", ("BYD", "Rivian", "General Motors"),
            "vehicles over a seat-belt issue", ((1, 4, 7, 10), 3, 2),
            ((_D(2000, 1, 1), "Tesla Motors Inc", 1318605),
             (_D(2017, 2, 1), "Tesla, Inc.", 1318605)),
        ),
        _Company(
            "SPY", "SPDR S&P 500 ETF", "SPY", "SPDR S&P 500 ETF Trust", "NYSEARCA",
            ("S&P 500",), "index fund", ("IVV", "VOO"), "", ((), 0, 0), etf=True,
        ),
        _Company(
            "QQQ", "Invesco QQQ Trust", "QQQ", "Invesco QQQ Trust", "NASDAQ",
            ("Nasdaq-100",), "index fund", ("QQQM", "TQQQ"), "", ((), 0, 0), etf=True,
        ),
    )
}  # fmt: skip
_STOCKS = tuple(t for t, c in _COMPANIES.items() if not c.etf)
_PAIRS = tuple((a, b) for i, a in enumerate(_STOCKS) for b in _STOCKS[i + 1 :])

_OTHERS = (  # real companies outside the universe (never charged with wrongdoing here)
    ("Intel", "INTC", "NASDAQ"), ("Walmart", "WMT", "NYSE"), ("Boeing", "BA", "NYSE"),
    ("Netflix", "NFLX", "NASDAQ"), ("Disney", "DIS", "NYSE"), ("JPMorgan Chase", "JPM", "NYSE"),
    ("Goldman Sachs", "GS", "NYSE"), ("Exxon Mobil", "XOM", "NYSE"), ("Pfizer", "PFE", "NYSE"),
    ("Oracle", "ORCL", "NYSE"), ("Salesforce", "CRM", "NYSE"), ("Broadcom", "AVGO", "NASDAQ"),
    ("Costco", "COST", "NASDAQ"), ("Nike", "NKE", "NYSE"), ("Starbucks", "SBUX", "NASDAQ"),
    ("Uber", "UBER", "NYSE"), ("Coca-Cola", "KO", "NYSE"), ("Ford", "F", "NYSE"),
    ("General Motors", "GM", "NYSE"), ("Micron", "MU", "NASDAQ"), ("Qualcomm", "QCOM", "NASDAQ"),
    ("AMD", "AMD", "NASDAQ"), ("Palantir", "PLTR", "NASDAQ"), ("Target", "TGT", "NYSE"),
    ("UnitedHealth", "UNH", "NYSE"), ("Caterpillar", "CAT", "NYSE"), ("FedEx", "FDX", "NYSE"),
    ("Home Depot", "HD", "NYSE"), ("Adobe", "ADBE", "NASDAQ"), ("Visa", "V", "NYSE"),
)  # fmt: skip
_FIRMS = (
    "Morgan Stanley", "Goldman Sachs", "JPMorgan", "Bank of America", "Citi", "Wedbush",
    "Barclays", "UBS", "Bernstein", "Jefferies", "Evercore ISI", "Piper Sandler", "Needham",
    "KeyBanc", "Wells Fargo", "Deutsche Bank", "Mizuho", "Raymond James",
)  # fmt: skip
_CITIES = (
    "Austin", "Seattle", "Atlanta", "Denver", "Raleigh", "Toronto", "London", "Dublin",
    "Singapore", "Bangalore", "Munich", "Tel Aviv", "Phoenix", "Columbus", "Nashville",
)  # fmt: skip
_ISSUES = (
    "app store fees", "data privacy", "ad targeting", "battery claims", "hiring practices",
    "patent infringement", "cloud licensing", "autopilot marketing", "content moderation",
    "subscription cancellations", "chip export rules", "warranty repairs",
)  # fmt: skip
_FICT_FIRST = (
    "Harborview", "Blue Ridge", "Cascadia", "Northwind", "Sable Creek", "Ironwood", "Meridian",
    "Pinecrest", "Redwater", "Silverline", "Auroral", "Keystone Bay", "Lakeshore", "Granite Peak",
    "Evergreen Vale", "Copperleaf", "Beacon Hill", "Crescent Moon", "Tidewater", "Larkspur",
    "Obsidian", "Quillon", "Brightwater", "Stonebridge", "Falcon Ridge", "Verdantis", "Halcyon",
    "Juniper Row", "Kestrel", "Marlowe", "Nimbus", "Orchard Lane", "Pallas", "Riverbend",
    "Saltmarsh", "Thornfield", "Umberton", "Vantage Point", "Willowmere", "Zephyrine",
)  # fmt: skip
_FICT_SECOND = (
    "Therapeutics", "Bancorp", "Holdings", "Energy", "Biosciences", "Technologies",
    "Realty Trust", "Acquisition Corp", "Financial", "Pharmaceuticals", "Semiconductor",
    "Logistics", "Minerals", "Capital", "Robotics", "Foods", "Medical", "Networks", "Industries",
    "Retail Group",
)  # fmt: skip
_FICT_SUFFIX = (" Inc.", " Corp", " Inc", " Corp.", " Ltd.", " Co", ", Inc.", " Group, Inc.")
_FIRST_NAMES = (
    "Alicia", "Brandon", "Carmen", "Derek", "Elena", "Farid", "Gloria", "Howard", "Ingrid",
    "Jonah", "Keisha", "Lionel", "Marta", "Nolan", "Odette", "Pavel", "Quinn", "Rosa", "Stefan",
    "Tamsin", "Ulrich", "Vivian", "Wesley", "Yara",
)  # fmt: skip
_LAST_NAMES = (
    "Abernathy", "Brightman", "Castellano", "Dunmore", "Eastwick", "Fairbanks", "Galloway",
    "Hartigan", "Iverson", "Jessup", "Kowalczyk", "Lindqvist", "Marchetti", "Nakashima",
    "Okonkwo", "Pemberton", "Quintero", "Rasmussen", "Sokolova", "Thackeray", "Underhill",
    "Villanueva", "Whitcombe", "Yardley",
)  # fmt: skip
_FILER_AGENTS = (
    "0001193125", "0001104659", "0001628280", "0000950170", "0001140361", "0001213900",
    "0001437749", "0001558370", "0001641172", "0001640334", "0001683168", "0001493152",
)  # fmt: skip


@dataclass(frozen=True)
class _Fictional:
    index: int
    name: str  # for headlines: "Harborview Robotics"
    edgar_name: str  # conformed name on EDGAR
    cik: int
    ticker: str


@cache
def _fictional(index: int) -> _Fictional:
    """One of 800 invented registrants; CIKs sit far above any real one (3,100,000+)."""
    first, second = _FICT_FIRST[index // 20], _FICT_SECOND[index % 20]
    rng = _rng("fictional", index)
    name = f"{first} {second}"
    suffix = rng.choice(_FICT_SUFFIX)
    edgar_name = name if second.endswith(("Corp", "Trust")) else name + suffix
    if rng.random() < 0.3:  # older registrants file under upper-case conformed names
        plain = re.sub(r"[.,]", "", edgar_name.upper())
        edgar_name = plain + rng.choice(("", " /DE/", " /NV/"))
    letters = re.sub(r"[^A-Z]", "", first.upper())
    ticker = letters[:3] + second[0]
    return _Fictional(index, name, edgar_name, 3_100_000 + index * 100 + rng.randrange(100), ticker)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def _short_name(name: str) -> str:
    return re.sub(r",?\s+(Inc\.?|Corporation|Corp\.?|Co\.?|Ltd\.?|plc|Trust)$", "", name).strip()


@lru_cache(maxsize=256)
def _company(ticker: str, name: str) -> _Company:
    """A universe company, or a plain profile for any other ticker (named by the caller's
    universe, else like the sample price market names it)."""
    if ticker in _COMPANIES:
        return _COMPANIES[ticker]
    rng = _rng("company", ticker)
    short = _short_name(name) if name and name != ticker else f"{ticker} Synthetic"
    full = name if name and name != ticker else f"{ticker} Synthetic Corp."
    return _Company(
        ticker, short, short, full, rng.choice(("NASDAQ", "NYSE")),
        ("flagship product", "services business", "new platform"), "industrial",
        tuple(rng.sample([o[0] for o in _OTHERS], 3)), "products over a safety issue",
        (rng.choice(((1, 4, 7, 10), (2, 5, 8, 11))), rng.choice((-1, 3)), rng.randrange(1, 4)),
    )  # fmt: skip


# =================================================================================================
# Seeds, clocks and the sample market


def _rng(*parts: object) -> random.Random:
    """A generator seeded from stable strings, so every process draws the same world."""
    return random.Random(zlib.crc32("|".join(("finlake-news", *map(str, parts))).encode()))


def _crc(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _et(day: dt.date, seconds: float) -> dt.datetime:
    """`seconds` after midnight ET on `day`, as UTC."""
    s = int(seconds)
    local = dt.datetime(day.year, day.month, day.day, s // 3600, s // 60 % 60, s % 60, tzinfo=NY)
    return local.astimezone(UTC)


def _is_session(day: dt.date) -> bool:
    return nyse().is_session(day)


def _is_business(day: dt.date) -> bool:
    cal = edgar()
    return day <= cal.horizon and cal.is_business_day(day)


@cache
def _moves(ticker: str) -> dict[dt.date, tuple[float, float]]:
    """session -> (split-adjusted return, as-traded close) in the sample price market."""
    h = history(ticker)
    out: dict[dt.date, tuple[float, float]] = {}
    close = h.close.tolist()
    for i in range(1, len(h.sessions)):
        ret = close[i] * h.splits.get(i, 1.0) / close[i - 1] - 1
        out[h.sessions[i]] = (ret, close[i])
    return out


def _session_for(day: dt.date, at: dt.datetime) -> dt.date | None:
    """The session whose move news published at `at` belongs to: today's before the close,
    else the next one."""
    cal = nyse()
    if cal.is_session(day) and at.astimezone(NY).hour < 16:
        return day
    i = bisect.bisect_right(cal.sessions, day)
    return cal.sessions[i] if i < len(cal.sessions) else None


def _move(ticker: str, session: dt.date | None) -> tuple[float, float, float] | None:
    """(return, z-score, close) of `ticker` on `session`, if the market has it."""
    if session is None or ticker not in _COMPANIES:
        return None
    found = _moves(ticker).get(session)
    if found is None:
        return None
    ret, close = found
    return ret, ret / (profile(ticker).vol / math.sqrt(252)), close


def _tone(rng: random.Random, z: float) -> str:
    """pos / neg / neu, leaning with the price move (z-score)."""
    if rng.random() < 0.28:
        return "neu"
    return "neg" if rng.random() < 1 / (1 + math.exp(1.3 * z)) else "pos"


# =================================================================================================
# Stories


@dataclass(frozen=True)
class _Story:
    at: dt.datetime  # true publication time (UTC): visibility and order
    uid: str
    title: str
    summary: str
    publisher: str  # original publisher
    url: str  # canonical URL
    tickers: tuple[str, ...] = ()  # Yahoo headline feeds that carry it
    outlets: tuple[str, ...] = ()  # "mw" / "cnbc" feeds that carry it
    author: str = ""
    section: str = ""
    html: bool = False  # the summary is an HTML fragment
    date_quirk: str = ""  # "" | "none" | "words" | "iso": how the date is (mis)served ...
    quirk_in: str = ""  # ... in this outlet ("yahoo", "mw", "cnbc")
    number: int = 0  # publisher-side id (MarketWatch / CNBC / SEC)


def _slug(title: str, words: int = 99) -> str:
    text = re.sub(r"[’'‘]", "", title.lower())
    return "-".join(re.findall(r"[a-z0-9]+", text)[:words])


def _yahoo_url(title: str, at: dt.datetime, uid: str, kind: str = "news", host: str = "") -> str:
    host = host or "finance.yahoo.com"
    return f"https://{host}/{kind}/{_slug(title, 5)}-{at:%H%M%S}{_crc(uid) % 1000:03d}.html"


def _mw_url(title: str, uid: str) -> str:
    return f"https://www.marketwatch.com/story/{_slug(title, 14)}-{_crc('mw', uid):08x}"


def _cnbc_url(title: str, day: dt.date) -> str:
    return f"https://www.cnbc.com/{day:%Y/%m/%d}/{_slug(title, 12)}.html"


def _ap_url(title: str, uid: str) -> str:
    return f"https://apnews.com/article/{_slug(title, 8)}-{hashlib.md5(uid.encode()).hexdigest()}"


_PARTNERS: dict[str, tuple[str, str]] = {  # publisher -> (Yahoo link kind, <source> url)
    "Reuters": ("news", "https://www.reuters.com/"),
    "Bloomberg": ("news", "https://www.bloomberg.com/"),
    "Associated Press Finance": ("news", "https://apnews.com/"),
    "Associated Press": ("news", "https://apnews.com/"),
    "Motley Fool": ("m", "https://www.fool.com/"),
    "Zacks": ("news", "https://www.zacks.com/"),
    "Simply Wall St.": ("news", "https://simplywall.st/"),
    "Benzinga": ("news", "https://www.benzinga.com/"),
    "TipRanks": ("news", "https://www.tipranks.com/"),
    "Insider Monkey": ("news", "https://www.insidermonkey.com/"),
    "GuruFocus.com": ("news", "https://www.gurufocus.com/"),
    "Barrons.com": ("m", "https://www.barrons.com/"),
    "Investor's Business Daily": ("m", "https://www.investors.com/"),
    "TheStreet.com": ("m", "https://www.thestreet.com/"),
    "MarketWatch": ("m", "https://www.marketwatch.com/"),
    "CNBC": ("news", "https://www.cnbc.com/"),
    "Business Wire": ("news", "https://www.businesswire.com/"),
    "GlobeNewswire": ("news", "https://www.globenewswire.com/"),
    "PR Newswire": ("news", "https://www.prnewswire.com/"),
    "Yahoo Finance": ("news", ""),
    "Yahoo Finance Video": ("video", ""),
    "Fortune": ("news", "https://fortune.com/"),
}
_WIRES = ("Business Wire", "GlobeNewswire", "PR Newswire")
_GROUPS = {
    "news": (
        "Reuters", "Bloomberg", "Associated Press Finance", "Yahoo Finance", "Benzinga",
        "TipRanks", "Insider Monkey", "GuruFocus.com", "Barrons.com",
        "Investor's Business Daily", "TheStreet.com", "Fortune",
    ),
    "fool": ("Motley Fool",),
    "zacks": ("Zacks",),
    "sws": ("Simply Wall St.",),
    "video": ("Yahoo Finance Video",),
}  # fmt: skip

# (group, tone, window, title, summary); window "post" = the week after the company reports,
# "pre" = the days before, "any" = always. Fields: co cos full tk ref cash exch product rival
# firm pt pct amt n q qn sector Sector when city issue units recall person
_COMPANY_NEWS = (
    ("news", "pos", "post", "{co} beats {q} profit estimates as {product} sales jump",
     "{co} reported quarterly results that topped Wall Street forecasts, helped by {product}."),
    ("news", "pos", "any", "{co} shares climb after {firm} upgrades stock to Buy",
     "{firm} analysts said the outlook for {product} is improving and set a ${pt} target."),
    ("news", "pos", "post", "{co} raises full-year outlook; shares rise in extended trading",
     "The company lifted its revenue forecast, citing strong demand for {product}."),
    ("news", "pos", "post", "{co} posts record quarterly revenue of ${amt} billion",
     "Revenue rose on demand for {product}, the company said."),
    ("news", "pos", "any", "Target price for {co} raised to ${pt} at {firm}",
     "{firm} now sees more upside for the shares, citing {product}."),
    ("news", "pos", "any", "{cash} rallies as {product} orders top forecasts",
     "Shares of {co} rose {pct}% as investors cheered stronger orders."),
    ("news", "pos", "any", "{full} ({exch}: {tk}) wins ${amt} billion {sector} contract",
     "The multiyear agreement is one of the largest in the company’s history."),
    ("news", "pos", "any", "{co} unveils ${amt} billion share buyback",
     "The board also approved a higher quarterly dividend."),
    ("news", "pos", "any", "{cos} {product} demand is stronger than expected, analysts say",
     "Supply-chain checks point to solid orders for {product} this quarter."),
    ("fool", "pos", "any", "Why {co} Stock Soared Today",
     "Shares of {co} rose {pct}% after upbeat news about {product}."),
    ("fool", "pos", "any", "Is {co} Stock a Buy Now? Here’s What the Bulls See",
     "The bull case rests on {product} and a strong balance sheet."),
    ("zacks", "pos", "post", "{co} ({tk}) Beats Q{qn} Earnings and Revenue Estimates",
     "{co} delivered a quarterly earnings surprise, topping the Zacks Consensus Estimate."),
    ("zacks", "pos", "any", "{co} ({tk}) Upgraded to Strong Buy: Here's Why",
     "Rising earnings estimates earned {co} a Zacks Rank #1 (Strong Buy)."),
    ("sws", "pos", "post",
     "{full} ({exch}:{tk}) Just Beat Earnings, And Analysts Lifted Their Targets",
     "Analysts raised their price targets after the results."),
    ("video", "pos", "any", "{co} stock hits record high as investors cheer {product}",
     "Yahoo Finance’s markets team breaks down the move in {co} shares."),
    ("news", "neg", "post", "{co} misses revenue estimates; shares slide after the bell",
     "{co} said demand for {product} softened during the quarter."),
    ("news", "neg", "any", "{firm} downgrades {co} to Underweight, citing slowing {product} growth",
     "{firm} cut its price target to ${pt}, warning that margins could shrink."),
    ("news", "neg", "post", "{co} cuts guidance as {product} demand weakens",
     "The company lowered its full-year outlook; shares fell {pct}%."),
    ("news", "neg", "any", "{co} to lay off about {n} employees in restructuring",
     "The cuts are part of a plan to reduce costs, the company said in a memo."),
    ("news", "neg", "any", "{co} recalls {units} {recall}",
     "The recall follows a review by safety regulators, according to a filing."),
    ("news", "neg", "any", "{co} hit with class-action lawsuit over {issue}",
     "The complaint, filed in federal court, seeks unspecified damages."),
    ("news", "neg", "any", "Regulators open antitrust probe into {cos} {product} business",
     "Officials are examining whether the company abused its market position."),
    ("news", "neg", "any", "{ref} stock falls {pct}% — here’s what’s behind the drop",
     "Investors are worried about {product} and competition from {rival}."),
    ("news", "neg", "any", "{co} delays {product} launch amid supply problems",
     "The delay could weigh on sales in the coming quarter, analysts said."),
    ("news", "neg", "any", "EU fines {co} €{amt} billion over {issue}",
     "The European Commission said the company broke competition rules."),
    ("news", "neg", "any", "{firm} slashes {co} price target to ${pt}",
     "{firm} expects slower growth in {product}."),
    ("fool", "neg", "any", "Why {co} Stock Is Sinking Today",
     "Shares of {co} fell {pct}% as investors worried about {product}."),
    ("zacks", "neg", "post", "{co} ({tk}) Q{qn} Earnings Lag Estimates",
     "{co} came up short of the Zacks Consensus Estimate for the quarter."),
    ("sws", "neg", "any", "{full} ({exch}:{tk}) Shares Slide {pct}% — Is It Time To Worry?",
     "The share price has fallen over the last week."),
    ("video", "neg", "any", "{co} stock slides as investors worry about a {product} slowdown",
     "Yahoo Finance’s markets team breaks down the move in {co} shares."),
    ("news", "neu", "pre", "{co} to report {q} results on {when}: what to expect",
     "Analysts expect revenue growth driven by {product}."),
    ("news", "neu", "any", "{co} names new chief financial officer",
     "{person} will join the company next month, {co} said."),
    ("news", "neu", "any", "{co} sets date for annual shareholder meeting",
     "Shareholders will vote on board nominees and several proposals."),
    ("news", "neu", "any", "{co} unveils {product} updates at developer event",
     "The company showed new features for developers and customers."),
    ("news", "neu", "any", "Options traders brace for a big move in {co} shares this week",
     "Implied volatility has risen ahead of several catalysts."),
    ("news", "neu", "any", "{co} opens new engineering hub in {city}",
     "The site will employ several hundred people, the company said."),
    ("news", "neu", "any", "It is now all about {product} for {co} investors",
     "Wall Street’s focus has shifted to {product}."),
    ("news", "neu", "any", "A new era for {co}? What the management shake-up means",
     "{co} reorganized its leadership team this week."),
    ("news", "neu", "any", "{ref}: 3 things to watch this week", ""),
    ("fool", "neu", "any", "{co} vs. {rival}: Which Stock Is the Better Buy?",
     "Both companies compete in the {sector} market."),
    ("sws", "neu", "any", "Is {full} ({exch}:{tk}) Trading At A 25% Discount?",
     "We estimate the intrinsic value using a discounted cash flow model."),
    ("zacks", "neu", "any", "Here's Why You Should Retain {co} ({tk}) Stock for Now", ""),
    ("video", "neu", "any", "What {cos} latest move means for the {sector} industry", ""),
)  # fmt: skip
_SECTOR_NEWS = (  # in the company's feed without naming it
    ("news", "neg", "any", "{Sector} stocks slide as investors rotate out of tech",
     "Investors sold {sector} shares as bond yields rose."),
    ("news", "pos", "any", "{Sector} shares rally as rate-cut hopes build",
     "{Sector} stocks gained as Treasury yields fell."),
    ("news", "neu", "any", "Why {sector} investors are watching the Fed this week", ""),
    ("news", "pos", "any", "{rival} results lift {sector} peers",
     "{rival} reported better-than-expected sales."),
    ("news", "neg", "any", "{rival} warns of slower {sector} spending",
     "{rival} cut its forecast, citing cautious customers."),
    ("video", "neu", "any", "The {sector} trade: what strategists are watching now", ""),
)  # fmt: skip
_ETF_NEWS = (
    ("news", "pos", "any", "{full} draws ${amt} billion in inflows as investors chase the rally",
     "Investors added money to {tk} for a third straight week."),
    ("news", "pos", "any", "{tk} climbs to a record as the tech rally broadens",
     "The fund tracks the {product}."),
    ("news", "neg", "any", "Investors pull ${amt} billion from {full} as volatility spikes",
     "Outflows from {tk} were the largest in months."),
    ("news", "neg", "any", "{tk} slides {pct}% in its worst day in weeks",
     "Losses in large technology stocks weighed on the {product}."),
    ("news", "neu", "any", "{full} options activity jumps ahead of {when}’s data",
     "Traders bought protection ahead of economic releases."),
    ("news", "neu", "any", "What the {product} rebalance means for {tk} holders", ""),
    ("fool", "neu", "any", "$SPY vs. $QQQ: Which Index Fund Fits Your Portfolio?",
     "Both funds are popular, low-cost ways to own large U.S. companies."),
    ("zacks", "neu", "any", "Should You Invest in the {full} ({tk})?", ""),
)  # fmt: skip
_PAIR_TITLES = {
    "pos": (
        "{a} and {b} lead megacap tech rally",
        "{a}, {b} shares jump as the AI spending boom rolls on",
        "{a} strikes cloud partnership with {b}",
    ),
    "neg": (
        "{a}, {b} drag Nasdaq lower as tech selloff deepens",
        "Regulators widen antitrust probe into {a} and {b}",
        "{a} and {b} face new EU rules on {issue}",
    ),
    "neu": (
        "{a} vs. {b}: Which Tech Giant Is the Better Buy?",
        "{a} and {b} report earnings soon: what to watch",
        "How {a} and {b} are spending on AI",
    ),
}


class _Fields(dict):
    """Template fields; a missing one is a bug in a template, so fail loudly."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"template field {key!r}")


def _company_fields(
    co: _Company, rng: random.Random, day: dt.date, move: tuple[float, float, float] | None
) -> _Fields:
    pct = abs(move[0]) * 100 if move else rng.uniform(1, 8)
    close = move[2] if move else rng.uniform(40, 400)
    q = ((day.month - 1) // 3) or 4
    ref = rng.choice(
        (co.short, co.short, co.alias, co.full, f"{co.full} ({co.exchange}: {co.ticker})",
         f"{co.short} ({co.ticker})", f"${co.ticker}")
    )  # fmt: skip
    return _Fields(
        co=co.short if rng.random() < 0.75 else co.alias,
        cos=co.short + rng.choice(("’s", "'s")),
        full=co.full,
        tk=co.ticker,
        ref=ref,
        cash=f"${co.ticker}",
        exch=co.exchange,
        product=rng.choice(co.products),
        rival=rng.choice(co.rivals),
        firm=rng.choice(_FIRMS),
        pt=int(close * rng.uniform(0.8, 1.3)),
        pct=f"{max(pct, 0.3):.1f}",
        amt=rng.choice((1.2, 2.5, 4, 5, 7.5, 10, 15, 20, 25, 40, 50, 70)),
        n=rng.choice(("1,000", "1,800", "2,500", "4,000", "6,000", "10,000", "12,000")),
        q=f"Q{q}",
        qn=q,
        sector=co.sector,
        Sector=co.sector[:1].upper() + co.sector[1:],
        when=(day + dt.timedelta(days=rng.randint(2, 9))).strftime("%A"),
        city=rng.choice(_CITIES),
        issue=rng.choice(_ISSUES),
        units=rng.choice(("about 120,000", "nearly 2 million", "roughly 47,000", "some 360,000")),
        recall=co.recall or "products",
        person=_person(rng),
    )


def _publisher(rng: random.Random, group: str) -> str:
    return rng.choice(_GROUPS[group])


def _story_url(publisher: str, title: str, at: dt.datetime, uid: str) -> str:
    """Where Yahoo's headline feed links a partner story: its own pages, /m/ or /video/."""
    kind = _PARTNERS[publisher][0]
    if kind == "m":
        words = "-".join(title.lower().split()[:3])
        return f"https://finance.yahoo.com/m/{_guid(uid)}/{quote(words, safe='-')}.html"
    return _yahoo_url(title, at, uid, kind)


def _guid(uid: str) -> str:
    return str(uuid.uuid3(GUID_NAMESPACE, uid))


def _moment(rng: random.Random, day: dt.date, trading: bool) -> float:
    """Seconds after midnight ET, most news in working hours."""
    r = rng.random()
    if trading and r < 0.65:
        return rng.uniform(6.5 * 3600, 16 * 3600)
    if r < 0.85:
        return rng.uniform(16 * 3600, 21 * 3600)
    return rng.uniform(5 * 3600, 23.9 * 3600)


# =================================================================================================
# Earnings calendar (shared by company news and EDGAR 8-Ks)


@lru_cache(maxsize=4096)
def _earnings_days(ticker: str, name: str, year: int) -> tuple[dt.date, ...]:
    months, nth, weekday = _company(ticker, name).earnings
    return tuple(nth_weekday(year, m, nth, weekday) for m in months)


def _reports_on(ticker: str, name: str, day: dt.date) -> bool:
    return day in _earnings_days(ticker, name, day.year)


# =================================================================================================
# Company streams (Yahoo per-ticker feeds)


def _window(ticker: str, name: str, day: dt.date) -> str:
    """ "post" in the week after the company reports, "pre" in the ten days before, else ""."""
    for year in (day.year - 1, day.year, day.year + 1):
        for report in _earnings_days(ticker, name, year):
            if 0 <= (day - report).days <= 6:
                return "post"
            if 1 <= (report - day).days <= 10:
                return "pre"
    return ""


def _pick(
    rng: random.Random,
    bank: Sequence[tuple[str, str, str, str, str]],
    tone: str,
    window: str,
    used: set[str],
) -> tuple[str, str, str, str, str]:
    """A template of the tone that fits the earnings window, not yet used that day if possible."""
    fits = [t for t in bank if t[1] == tone and t[2] in ("any", window)] or list(bank)
    fresh = [t for t in fits if t[3] not in used]
    chosen = rng.choice(fresh or fits)
    used.add(chosen[3])
    return chosen


def _make_company_story(
    co: _Company,
    rng: random.Random,
    day: dt.date,
    at: dt.datetime,
    uid: str,
    template: tuple[str, str, str, str, str],
) -> _Story:
    move = _move(co.ticker, _session_for(day, at))
    fields = _company_fields(co, rng, day, move)
    group, _, _, title, summary = template
    publisher = _publisher(rng, group)
    title = title.format_map(fields)
    summary = summary.format_map(fields)
    return _Story(at, uid, title, summary, publisher, _story_url(publisher, title, at, uid))


def _earnings_stories(co: _Company, day: dt.date, rng: random.Random) -> list[_Story]:
    """The after-the-bell package on a report day: wire release, reaction, MarketWatch/CNBC."""
    close = _et(day, 16 * 3600)
    move = _move(co.ticker, _session_for(day, close))
    z = move[1] if move else rng.gauss(0, 1.5)
    beat = z > 0
    q = ((day.month - 1) // 3) or 4
    year = day.year if q < 4 else day.year - 1
    fields = _company_fields(co, rng, day, move)
    out = []
    wire = rng.choice(_WIRES)
    at = _et(day, 16 * 3600 + rng.randint(120, 600))
    uid = f"earn-pr|{co.ticker}|{day}"
    title = (
        f"{co.full} Reports {('First', 'Second', 'Third', 'Fourth')[q - 1]} Quarter {year} Results"
    )
    summary = (
        f"{co.full} ({co.exchange}: {co.ticker}) today announced financial results for its "
        f"fiscal {year} {('first', 'second', 'third', 'fourth')[q - 1]} quarter. "
        f"Revenue was ${rng.uniform(10, 120):.1f} billion &amp; diluted earnings per share "
        f"were ${rng.uniform(0.4, 6):.2f}."
    )
    out.append(
        _Story(at, uid, title, summary, wire, _yahoo_url(title, at, uid), (co.ticker,), html=True)
    )
    at = _et(day, 16 * 3600 + rng.randint(900, 3600))
    uid = f"earn-react|{co.ticker}|{day}"
    if beat:
        title = f"{co.short} tops {fields['q']} estimates on strong {fields['product']} sales"
        summary = f"{co.short} beat analysts’ forecasts and raised its outlook; shares rose late."
    else:
        title = f"{co.short} falls short of {fields['q']} forecasts, guides lower"
        summary = f"{co.short} missed expectations and cut its forecast; shares fell late."
    publisher = rng.choice(("Reuters", "Bloomberg"))
    out.append(_Story(at, uid, title, summary, publisher, _yahoo_url(title, at, uid), (co.ticker,)))
    at = _et(day, 16 * 3600 + rng.randint(1200, 5400))
    uid = f"earn-mw|{co.ticker}|{day}"
    verb = "rises" if beat else "drops"
    title = f"{co.short} stock {verb} after earnings {'beat' if beat else 'miss'}"
    summary = f"{co.full} reported {fields['q']} results after the bell on {day:%A}."
    out.append(
        _Story(
            at, uid, title, summary, "MarketWatch", _mw_url(title, uid), (co.ticker,), ("mw",),
            rng.choice(_MW_AUTHORS), "Earnings",
        )
    )  # fmt: skip
    at = _et(day, 16 * 3600 + rng.randint(300, 1500))
    uid = f"earn-cnbc|{co.ticker}|{day}"
    title = f"{co.short} ({co.ticker}) earnings report {fields['q']} {year}: here are the numbers"
    summary = f"{co.full} reported quarterly results on {day:%A}. Here’s how it did."
    out.append(
        _Story(at, uid, title, summary, "CNBC", _cnbc_url(title, day), (co.ticker,), ("cnbc",))
    )
    return out


def _close_update(co: _Company, day: dt.date, rng: random.Random) -> _Story | None:
    """MarketWatch's automated 'company close update', as Yahoo carries it (real style)."""
    move = _move(co.ticker, day)
    spy = _move("SPY", day)
    if move is None or spy is None:
        return None
    ret, _, close = move
    better = ret > spy[0]
    weekday = f"{day:%A}"
    verb = "rises" if ret > 0 else "falls"
    side = "outperforms" if better else "underperforms"
    title = f"{co.full} stock {verb} {weekday}, {side} market"
    summary = (
        f"COMPANY CLOSE UPDATES  Shares of {co.full} {co.ticker} "
        f"{'advanced' if ret > 0 else 'slid'} {abs(ret) * 100:.2f}% to ${close:,.2f} {weekday}, "
        f"on what proved to be an all-around {'positive' if spy[0] > 0 else 'rough'} trading "
        f"session for the stock market, with the S&P 500 Index "
        f"{'rising' if spy[0] > 0 else 'falling'} {abs(spy[0]) * 100:.2f}%."
    )
    at = _et(day, 16 * 3600 + 25 * 60)
    uid = f"close|{co.ticker}|{day}"
    return _Story(at, uid, title, summary, "MarketWatch", _story_url("MarketWatch", title, at, uid))


@lru_cache(maxsize=16384)
def _company_day(ticker: str, name: str, day: dt.date) -> tuple[_Story, ...]:
    """One ticker's own stories on one ET day."""
    co = _company(ticker, name)
    rng = _rng("company", ticker, name, day)
    trading = _is_session(day)
    stories: list[_Story] = []
    if not co.etf and _reports_on(ticker, name, day):
        stories += _earnings_stories(co, day, rng)
    if trading and not co.etf and rng.random() < 0.4:
        update = _close_update(co, day, rng)
        if update:
            stories.append(update)
    count = rng.randint(1, 4) if trading else rng.randint(0, 2)
    window = "" if co.etf else _window(ticker, name, day)
    used: set[str] = set()
    for i in range(count):
        at = _et(day, _moment(rng, day, trading))
        move = _move(ticker, _session_for(day, at))
        tone = _tone(rng, move[1] if move else 0.0)
        uid = f"co|{ticker}|{name}|{day}|{i}"
        sector = rng.random() < 0.18
        bank = _ETF_NEWS if co.etf else _SECTOR_NEWS if sector else _COMPANY_NEWS
        template = _pick(rng, bank, tone, window, used)
        stories.append(_make_company_story(co, rng, day, at, uid, template))
    stories = [replace(s, tickers=s.tickers or (ticker,)) for s in stories]
    if stories and (day.toordinal() + _crc(ticker)) % 4 == 0:  # served without a pubDate
        stories[-1] = replace(stories[-1], date_quirk="none", quirk_in="yahoo")
    return tuple(stories)


@lru_cache(maxsize=4096)
def _pair_day(day: dt.date) -> tuple[_Story, ...]:
    """Stories about two universe companies, carried by both tickers' Yahoo feeds."""
    rng = _rng("pairs", day)
    weekday = day.weekday() < 5
    count = (1 + (rng.random() < 0.5)) if weekday else int(rng.random() < 0.3)
    out = []
    for i in range(count):
        if i == 0:  # Apple and Microsoft every third day, the other pairs in turn
            ordinal = day.toordinal()
            pair = ("AAPL", "MSFT") if ordinal % 3 == 0 else _PAIRS[ordinal % len(_PAIRS)]
        else:
            pair = rng.choice(_PAIRS)
        a, b = (_COMPANIES[t] for t in pair)
        at = _et(day, _moment(rng, day, _is_session(day)))
        session = _session_for(day, at)
        zs = [m[1] for m in (_move(t, session) for t in pair) if m]
        tone = _tone(rng, sum(zs) / len(zs) if zs else 0.0)
        title = rng.choice(_PAIR_TITLES[tone]).format(
            a=a.short, b=b.short, issue=rng.choice(_ISSUES)
        )
        publisher = _publisher(rng, "news")
        uid = f"pair|{day}|{i}"
        summary = f"Shares of {a.full} and {b.full} were in focus on {day:%A}."
        url = _story_url(publisher, title, at, uid)
        out.append(_Story(at, uid, title, summary, publisher, url, pair))
    return tuple(out)


# =================================================================================================
# Market stream (MarketWatch, CNBC, and the Yahoo feeds that share their stories)

_MW_AUTHORS = (
    "Clara Whitfield", "Marcus Ode", "Priya Raman", "Tom Lindqvist", "Grace Okafor",
    "Daniel Reyes", "Hannah Brill", "Sam Koenig", "Vera Castellanos", "Owen Trask",
)  # fmt: skip
_UP_DRIVERS = (
    "Treasury yields ease", "investors cheer strong earnings", "inflation fears cool",
    "bank stocks rebound", "oil prices retreat", "trade worries fade",
)  # fmt: skip
_DOWN_DRIVERS = (
    "Treasury yields climb", "inflation worries resurface", "oil prices spike",
    "trade tensions flare", "tech shares retreat", "recession fears grow",
)  # fmt: skip
_EVENTS = (  # what markets wait for on a day without a scheduled release
    "a busy week of earnings", "comments from Fed officials", "a key Treasury auction",
    "fresh economic data",
)  # fmt: skip
# (section, title, summary): other real companies, lifestyle pieces (no company, though some
# words look like one) and commodities
_OTHER_NEWS = (
    ("Markets", "{other} stock jumps after earnings beat",
     "{other} reported profit and sales above analysts’ forecasts."),
    ("Markets", "{other} cuts its outlook, and the stock slides",
     "{other} now expects lower full-year sales."),
    ("Markets", "{firm} upgrades {other} to Buy, sees {pct}% upside",
     "{firm} said the selloff in {other} shares was overdone."),
    ("Markets", "{firm} downgrades {other}, warns of margin pressure",
     "{firm} expects costs to rise faster than sales at {other}."),
    ("Markets", "{other} names new chief executive",
     "{person} will take over as CEO of {other} next month."),
    ("Markets", "{other} ({oexch}: {otk}) to hold investor day next month",
     "{other} will update investors on its long-term targets."),
    ("Markets", "{other} shares rally as sales top forecasts",
     "Quarterly sales at {other} rose more than analysts expected."),
    ("Markets", "{other} stock sinks after weak guidance",
     "{other} forecast a slowdown in the current quarter."),
)  # fmt: skip
_LIFESTYLE = (
    ("Personal Finance",
     "‘I don’t want to run out of money’: I’m {age} with ${savings} saved. When can I retire?",
     "A reader asks when it is safe to stop working."),
    ("Personal Finance", "It is now all about the Fed — here’s what that means for your portfolio",
     "Interest-rate expectations are driving stocks and bonds alike."),
    ("Economy & Politics", "A new era for bond investors? Yields top {y}%",
     "Higher yields are changing the math for income investors."),
    ("Markets", "Target price hikes are piling up. Are analysts too bullish?",
     "Strategists say forecasts may be running ahead of earnings."),
    ("Economy & Politics",
     "The Amazon rainforest is drying out — and coffee prices are paying for it",
     "Drought in South America is hitting crops and lifting commodity prices."),
    ("Economy & Politics", "Apple growers brace for a smaller harvest as frost hits orchards",
     "Farmers in Washington state expect lower yields this season."),
    ("Personal Finance", "My brother wants to borrow $20,000 for a food truck. Should I lend it?",
     "Lending money to family can strain relationships, advisers say."),
    ("Personal Finance", "Here’s how much you need to earn to afford a home in {city}",
     "Mortgage rates and prices have pushed up the income needed to buy."),
    ("Markets", "It’s a new era for dealmaking on Wall Street, bankers say",
     "Mergers and IPOs are picking up after a slow stretch."),
    ("Personal Finance", "Should you pay off your mortgage early? Here’s the math",
     "It depends on your rate and what else you could do with the money."),
)  # fmt: skip
_COMMODITIES = (
    ("Markets", "Oil prices rise as OPEC+ signals deeper supply cuts",
     "Crude futures climbed after the producer group’s statement."),
    ("Markets", "Oil prices fall as U.S. inventories swell",
     "Government data showed a larger-than-expected build in crude stocks."),
    ("Markets", "Gold hits a record as investors seek safety",
     "Bullion rose as investors looked for a haven."),
    ("Markets", "Gold slips as the dollar firms",
     "A stronger dollar made gold more expensive for overseas buyers."),
    ("Markets", "Bitcoin tops ${btc} as crypto rally resumes",
     "The largest cryptocurrency extended its gains."),
    ("Markets", "Bitcoin falls below ${btc} as crypto selloff deepens",
     "Crypto assets slid as risk appetite faded."),
    ("Markets", "10-year Treasury yield moves to {y}% ahead of {event}",
     "Bond traders adjusted positions before the next catalyst."),
)  # fmt: skip
_FICT_TITLES = {
    "bankruptcy": ("neg", "{fict} files for Chapter 11 bankruptcy protection"),
    "recall": ("neg", "{fict} recalls {units} heaters over fire risk"),
    "lawsuit": ("neg", "{fict} shareholders sue over accounting irregularities"),
    "record": ("pos", "{fict} reports record revenue, raises outlook"),
    "layoffs": ("neg", "{fict} to cut {n} jobs as sales slump"),
    "merger": ("pos", "{other} agrees to buy {fict} in ${amt} billion deal"),
    "ceo": ("neu", "{fict} names {person} chief executive"),
    "ipo": ("pos", "{fict} ({fexch}: {ftk}) shares soar in market debut"),
}


def _market_fields(rng: random.Random, day: dt.date) -> _Fields:
    other, otk, oexch = rng.choice(_OTHERS)
    return _Fields(
        other=other,
        otk=otk,
        oexch=oexch,
        firm=rng.choice(_FIRMS),
        pct=rng.choice((8, 12, 15, 20, 25, 30)),
        amt=rng.choice((1.1, 2.4, 3.5, 6, 8.2, 12, 18)),
        units=rng.choice(("about 80,000", "nearly 400,000", "roughly 1.2 million")),
        n=rng.choice(("300", "450", "800", "1,200", "2,000")),
        person=_person(rng),
        age=rng.randint(55, 68),
        savings=rng.choice(("600,000", "850,000", "1.2 million", "2 million")),
        y=f"{rng.uniform(2.2, 5.1):.2f}",
        city=rng.choice(_CITIES),
        btc=rng.choice(("30,000", "45,000", "60,000", "80,000", "100,000")),
        event=_day_event(day, rng),
        weekday=f"{day:%A}",
    )


@lru_cache(maxsize=4096)
def _fict_events(day: dt.date) -> tuple[tuple[int, str, dt.datetime], ...]:
    """Fictional companies' news events (also filed as 8-Ks on EDGAR business days)."""
    if not _is_business(day):
        return ()
    rng = _rng("fictional-events", day)
    out = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(tuple(_FICT_TITLES))
        out.append((rng.randrange(800), kind, _et(day, rng.uniform(7 * 3600, 18 * 3600))))
    return tuple(out)


def _day_event(day: dt.date, rng: random.Random) -> str:
    """The scheduled release markets wait for on `day`, if any."""
    releases = _bls_month(day.year, day.month)
    if _local_day(releases["payrolls"][0]) == day:
        return "the jobs report"
    if _local_day(releases["cpi"][0]) == day:
        return "inflation data"
    if any(m.day == day for m in meetings(day.year)):
        return "the Fed decision"
    return rng.choice(_EVENTS)


def _chair(day: dt.date) -> str:
    if day < dt.date(2014, 2, 3):
        return "Bernanke"
    return "Yellen" if day < dt.date(2018, 2, 5) else "Powell"


def _index_wrap(day: dt.date, rng: random.Random, outlet: str) -> _Story | None:
    spy, qqq = _move("SPY", day), _move("QQQ", day)
    if spy is None or qqq is None:
        return None
    ret, _, close = spy
    pts = f"{abs(ret) * close * 69:,.0f}"
    spx, ndx = f"{abs(ret) * 100:.1f}", f"{abs(qqq[0]) * 100:.1f}"
    if ret > 0.003:
        choices = (
            f"Stocks close higher as {rng.choice(_UP_DRIVERS)}; S&P 500 gains {spx}%",
            f"Dow jumps {pts} points as {rng.choice(_UP_DRIVERS)}",
            f"Nasdaq leads rally as tech shares rebound, up {ndx}%",
        )
    elif ret < -0.003:
        choices = (
            f"Stocks fall as {rng.choice(_DOWN_DRIVERS)}; Dow drops {pts} points",
            f"S&P 500 slides {spx}% as {rng.choice(_DOWN_DRIVERS)}",
            f"Nasdaq tumbles {ndx}% as chip stocks sink",
        )
    else:
        choices = (
            f"Stocks end little changed as investors await {rng.choice(_EVENTS)}",
            f"Dow edges {'up' if ret > 0 else 'down'} in choppy trading",
        )
    title = rng.choice(choices)
    summary = (
        f"The S&P 500 {'rose' if ret > 0 else 'fell'} {spx}% and the Nasdaq Composite "
        f"{'gained' if qqq[0] > 0 else 'lost'} {ndx}% on {day:%A}."
    )
    uid = f"wrap|{outlet}|{day}"
    at = _et(day, 16 * 3600 + rng.randint(240, 1500))
    if outlet == "mw":
        return _Story(
            at, uid, title, summary, "MarketWatch", _mw_url(title, uid), ("SPY", "QQQ"), ("mw",),
            rng.choice(_MW_AUTHORS), "Markets",
        )  # fmt: skip
    return _Story(at, uid, title, summary, "CNBC", _cnbc_url(title, day), (), ("cnbc",))


def _macro_stories(day: dt.date, rng: random.Random) -> list[_Story]:
    """CPI, jobs, FOMC and minutes days, quoting the BLS and Fed feeds' own numbers."""
    out = []
    for kind, at, title, summary in _macro_headlines(day, rng):
        for outlet in ("mw", "cnbc"):
            uid = f"macro|{kind}|{outlet}|{day}"
            when = at + dt.timedelta(seconds=rng.randint(60, 900))
            if outlet == "mw":
                story = _Story(
                    when, uid, title, summary, "MarketWatch", _mw_url(title, uid), (), ("mw",),
                    rng.choice(_MW_AUTHORS), "Economy & Politics",
                )  # fmt: skip
            else:
                cnbc_title = title.replace("U.S.", "US")
                url = _cnbc_url(cnbc_title, day)
                story = _Story(when, uid, cnbc_title, summary, "CNBC", url, (), ("cnbc",))
            out.append(story)
    return out


def _macro_headlines(day: dt.date, rng: random.Random) -> list[tuple[str, dt.datetime, str, str]]:
    out = []
    month = (day.replace(day=1) - dt.timedelta(days=1)).strftime("%B")
    releases = _bls_month(day.year, day.month)
    cpi = releases.get("cpi")
    if cpi and _local_day(cpi[0]) == day:
        value = cpi[2]
        direction = "up" if value >= 0 else "down"
        title = (
            f"Consumer prices rose {value:.1f}% in {month}, hotter than expected"
            if value >= 0.3
            else f"Inflation cooled in {month}: CPI {direction} {abs(value):.1f}%"
        )
        out.append(
            ("cpi", cpi[0], title, f"The consumer price index moved {value:+.1f}% in {month}.")
        )
    jobs = releases.get("payrolls")
    if jobs and _local_day(jobs[0]) == day:
        change = int(jobs[2])
        unemployment = releases["ur"][2]
        verb = "added" if change >= 0 else "lost"
        title = (
            f"U.S. economy {verb} {abs(change):,} jobs in {month}; "
            f"unemployment rate at {unemployment:.1f}%"
        )
        out.append(("jobs", jobs[0], title, f"Nonfarm payrolls changed by {change:+,} in {month}."))
    for meeting in meetings(day.year):
        if meeting.day == day:
            bps = meeting.change
            if bps > 0:
                title = f"Fed raises interest rates by {_bps_words(bps)}, signals more to come"
            elif bps < 0:
                title = f"Fed cuts interest rates by {_bps_words(-bps)} as economy cools"
            else:
                title = f"Fed holds rates steady; {_chair(day)} says policy is well positioned"
            summary = f"The Federal Reserve set its federal funds target at {meeting.range_text}."
            out.append(("fomc", _et(day, 14 * 3600), title, summary))
        if meeting.minutes == day:
            title = "Fed minutes show officials divided over the path for interest rates"
            summary = f"Minutes of the {meeting.day:%B} meeting were released on {day:%A}."
            out.append(("minutes", _et(day, 14 * 3600), title, summary))
    return out


def _local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(NY).date()


def _bps_words(bps: int) -> str:
    return {25: "a quarter point", 50: "half a point", 75: "three-quarters of a point"}.get(
        bps, f"{bps} basis points"
    )


def _outlet_story(
    rng: random.Random, day: dt.date, outlet: str, uid: str, title: str, summary: str, **kw: object
) -> _Story:
    """A MarketWatch or CNBC story published at a random time of `day`."""
    at = kw.pop("at", None) or _et(day, _moment(rng, day, _is_session(day)))
    if outlet == "mw":
        section = kw.pop("section", "Markets")
        return _Story(
            at, uid, title, summary, "MarketWatch", _mw_url(title, uid), outlets=("mw",),
            author=rng.choice(_MW_AUTHORS), section=section, **kw,
        )  # fmt: skip
    kw.pop("section", None)
    return _Story(at, uid, title, summary, "CNBC", _cnbc_url(title, day), outlets=("cnbc",), **kw)


def _shared_stories(day: dt.date, rng: random.Random) -> list[_Story]:
    """Every day: a MarketWatch and a CNBC story that Yahoo also carries, an AP story on both
    MarketWatch and CNBC (and Yahoo), and a Reuters story Yahoo syndicates under two URLs."""
    out = []
    picks = rng.sample(_STOCKS, 4)
    for k, outlet in enumerate(("mw", "cnbc")):
        co = _COMPANIES[picks[k]]
        at = _et(day, _moment(rng, day, _is_session(day)))
        move = _move(co.ticker, _session_for(day, at))
        fields = _company_fields(co, rng, day, move)
        tone = _tone(rng, move[1] if move else 0.0)
        news = [t for t in _COMPANY_NEWS if t[0] == "news"]
        template = _pick(rng, news, tone, _window(co.ticker, "", day), set())
        title, summary = (text.format_map(fields) for text in template[3:])
        uid = f"shared|{outlet}|{day}"
        story = _outlet_story(rng, day, outlet, uid, title, summary, at=at, tickers=(co.ticker,))
        out.append(story)
    co = _COMPANIES[picks[2]]
    at = _et(day, _moment(rng, day, _is_session(day)))
    fields = _company_fields(co, rng, day, _move(co.ticker, _session_for(day, at)))
    title = f"{co.short} faces questions over {fields['issue']} as scrutiny grows"
    uid = f"ap|{day}"
    summary = f"{co.full} is under pressure from lawmakers over {fields['issue']}."
    out.append(
        _Story(
            at, uid, title, summary, "Associated Press", _ap_url(title, uid), (co.ticker,),
            ("mw", "cnbc"), "", "Business",
        )
    )  # fmt: skip
    co = _COMPANIES[picks[3]]
    at = _et(day, _moment(rng, day, _is_session(day)))
    fields = _company_fields(co, rng, day, _move(co.ticker, _session_for(day, at)))
    title = f"{co.short} weighs {fields['product']} expansion in {fields['city']}, sources say"
    summary = f"(Reuters) - {co.full} is considering a larger {fields['product']} push."
    later = at + dt.timedelta(minutes=7)
    if later.date() != at.date():  # both copies on one UTC day, like a real syndication burst
        later = at - dt.timedelta(minutes=7)
    for k, (host, when) in enumerate((("finance.yahoo.com", at), ("uk.finance.yahoo.com", later))):
        uid = f"syndicated|{day}|{k}"
        url = _yahoo_url(title, when, uid, host=host)
        out.append(_Story(when, uid, title, summary, "Reuters", url, (co.ticker,)))
    return out


def _scheduled_stories(day: dt.date, rng: random.Random) -> list[_Story]:
    """Trading-day fixtures: closing wraps, futures previews, movers and analyst calls."""
    out = [w for outlet in ("mw", "cnbc") if (w := _index_wrap(day, rng, outlet))]
    spy = _move("SPY", day)
    up = spy is not None and spy[0] > 0
    event = _day_event(day, rng)
    title = f"Stock futures {'edge higher' if up else 'slip'} ahead of {event}"
    at = _et(day, rng.uniform(6 * 3600, 9.2 * 3600))
    summary = f"U.S. stock-index futures were {'higher' if up else 'lower'} early {day:%A}."
    out.append(_outlet_story(rng, day, "mw", f"futures|mw|{day}", title, summary, at=at))
    title = f"Dow futures {'rise' if up else 'fall'} as investors look to {event}"
    at = _et(day, rng.uniform(6 * 3600, 9.2 * 3600))
    out.append(_outlet_story(rng, day, "cnbc", f"futures|cnbc|{day}", title, summary, at=at))
    names = [_COMPANIES[t].short for t in rng.sample(_STOCKS, 2)] + [rng.choice(_OTHERS)[0]]
    rng.shuffle(names)
    title = f"Stocks making the biggest moves midday: {', '.join(names)} and more"
    at = _et(day, rng.uniform(12 * 3600, 13.5 * 3600))
    summary = "These are the stocks posting the largest moves in midday trading."
    out.append(_outlet_story(rng, day, "cnbc", f"movers|{day}", title, summary, at=at))
    names = [rng.choice(_OTHERS)[0], _COMPANIES[rng.choice(_STOCKS)].short, "$NVDA"]
    title = f"Here are {day:%A}’s biggest analyst calls: {', '.join(names)} & more"
    at = _et(day, rng.uniform(7 * 3600, 9 * 3600))
    summary = "<p>Here are the biggest calls on Wall Street on <b>" + f"{day:%A}</b>.</p>"
    out.append(_outlet_story(rng, day, "cnbc", f"calls|{day}", title, summary, at=at, html=True))
    return out


def _fict_stories(day: dt.date, rng: random.Random) -> list[_Story]:
    out = []
    for k, (index, kind, at) in enumerate(_fict_events(day)):
        f = _fictional(index)
        fields = _market_fields(rng, day)
        fields.update(fict=f.name, ftk=f.ticker, fexch=rng.choice(("NASDAQ", "NYSE")))
        tone, template = _FICT_TITLES[kind]
        title = template.format_map(fields)
        summary = f"{f.name} disclosed the news in a regulatory filing on {day:%A}."
        outlet = rng.choice(("mw", "cnbc"))
        when = at + dt.timedelta(minutes=rng.randint(10, 50))
        section = "Markets" if tone != "neg" else "Industries"
        uid = f"fict|{day}|{k}"
        out.append(_outlet_story(rng, day, outlet, uid, title, summary, at=when, section=section))
    return out


def _filler(day: dt.date, rng: random.Random, outlet: str, k: int, used: set[str]) -> _Story:
    """A market story with no other feed attached: company, lifestyle or commodities news."""
    fields = _market_fields(rng, day)
    uid = f"fill|{outlet}|{day}|{k}"
    r = rng.random()
    if r < 0.22:
        co = _COMPANIES[rng.choice(_STOCKS)]
        at = _et(day, _moment(rng, day, _is_session(day)))
        move = _move(co.ticker, _session_for(day, at))
        tone = _tone(rng, move[1] if move else 0.0)
        cfields = _company_fields(co, rng, day, move)
        news = [t for t in _COMPANY_NEWS if t[0] == "news"]
        template = _pick(rng, news, tone, _window(co.ticker, "", day), used)
        title, summary = (text.format_map(cfields) for text in template[3:])
        return _outlet_story(rng, day, outlet, uid, title, summary, at=at, section="Tech")
    bank = _OTHER_NEWS if r < 0.55 else _LIFESTYLE if r < 0.78 else _COMMODITIES
    fresh = [t for t in bank if t[1] not in used] or list(bank)
    section, title, summary = rng.choice(fresh)
    used.add(title)
    title, summary = title.format_map(fields), summary.format_map(fields)
    return _outlet_story(rng, day, outlet, uid, title, summary, section=section)


@lru_cache(maxsize=4096)
def _market_day(day: dt.date) -> tuple[_Story, ...]:
    """MarketWatch and CNBC stories of one ET day, plus the Yahoo stories they share."""
    rng = _rng("market", day)
    stories: list[_Story] = []
    if _is_session(day):
        stories += _scheduled_stories(day, rng)
    stories += _macro_stories(day, rng)
    stories += _fict_stories(day, rng)
    stories += _shared_stories(day, rng)
    busy = day.weekday() < 5
    targets = {o: rng.randint(18, 28) if busy else rng.randint(8, 14) for o in ("mw", "cnbc")}
    counts = {o: sum(o in s.outlets for s in stories) for o in targets}
    k = 0
    used: dict[str, set[str]] = {o: set() for o in targets}
    while (outlet := max(targets, key=lambda o: targets[o] - counts[o])) and (
        counts[outlet] < targets[outlet]
    ):
        stories.append(_filler(day, rng, outlet, k, used[outlet]))
        counts[outlet] += 1
        k += 1
    stories.sort(key=lambda s: (s.at, s.uid))
    base = (day - WORLD_START).days * 100
    stories = [replace(s, number=base + i) for i, s in enumerate(stories)]
    mw = [i for i, s in enumerate(stories) if "mw" in s.outlets]
    for i, quirk in zip(rng.sample(mw, 2), ("words", "iso"), strict=True):
        stories[i] = replace(stories[i], date_quirk=quirk, quirk_in="mw")
    cnbc = [i for i, s in enumerate(stories) if "cnbc" in s.outlets and not s.date_quirk]
    for i in rng.sample(cnbc, 2):
        stories[i] = replace(stories[i], date_quirk="none", quirk_in="cnbc")
    return tuple(reversed(stories))


@lru_cache(maxsize=4096)
def _outlet_day(day: dt.date) -> tuple[_Story, ...]:
    """Everything MarketWatch and CNBC published on `day`, newest first."""
    extra = []
    for k, ticker in enumerate(_STOCKS):
        for j, s in enumerate(x for x in _company_day(ticker, "", day) if x.outlets):
            extra.append(replace(s, number=(day - WORLD_START).days * 100 + 60 + k * 4 + j))
    merged = list(_market_day(day)) + extra
    return tuple(sorted(merged, key=lambda s: (s.at, s.uid), reverse=True))


@lru_cache(maxsize=16384)
def _yahoo_day(ticker: str, name: str, day: dt.date) -> tuple[_Story, ...]:
    """What Yahoo's headline feed for `ticker` gains on `day`, newest first."""
    own = list(_company_day(ticker, name, day))
    if ticker in _COMPANIES:
        own += [s for s in _outlet_day(day) if ticker in s.tickers and s not in own]
        own += [s for s in _market_day(day) if ticker in s.tickers and not s.outlets]
        own += [s for s in _pair_day(day) if ticker in s.tickers]
    unique = {s.uid: s for s in own}
    return tuple(sorted(unique.values(), key=lambda s: (s.at, s.uid), reverse=True))


# =================================================================================================
# The Federal Reserve


def _span(first: dt.date, last: dt.date) -> str:
    """'March 18', 'January 29-30' or 'January 31-February 1', as the Fed names meetings."""
    if first == last:
        return f"{last:%B} {last.day}"
    if first.month == last.month:
        return f"{first:%B} {first.day}-{last.day}"
    return f"{first:%B} {first.day}-{last:%B} {last.day}"


_FED_CATEGORIES = {
    "monetary": "Monetary Policy",
    "bcreg": "Banking and Consumer Regulatory Policy",
    "enforcement": "Enforcement Actions",
    "orders": "Orders on Banking Applications",
    "other": "Other Announcements",
}
_FED_TITLES = {
    "bcreg": (
        "Federal Reserve Board announces final rule that establishes data standards for "
        "certain information collections",
        "Agencies issue joint statement on managing liquidity risk",
        "Federal Reserve Board invites comment on proposal to simplify capital requirements for "
        "community banks",
        "Agencies announce dollar thresholds for smaller loan exemption from appraisal "
        "requirements",
        "Federal Reserve Board announces it will extend the comment period on its proposal to "
        "revise Regulation II",
    ),
    "enforcement": (
        "Federal Reserve Board announces termination of enforcement action with {bank}",
        "Federal Reserve Board announces enforcement action against {bank}",
        "Federal Reserve Board fines {bank} ${amt} million for inadequate risk controls",
    ),
    "orders": (
        "Federal Reserve Board announces approval of application by {bank}",
        "Federal Reserve Board announces approval of proposal by {bank} to acquire {bank2}",
    ),
    "other": (
        "Federal Reserve Board announces {person} as director of the Division of Supervision "
        "and Regulation",
        "Federal Reserve Board issues semiannual Financial Stability Report",
        "Federal Reserve Board announces it will extend the operating hours of the Fedwire "
        "Funds Service",
        "Federal Reserve Board releases Supervision and Regulation Report",
    ),
}


def _fed_link(kind: str, day: dt.date, letter: str) -> str:
    return f"https://www.federalreserve.gov/newsevents/pressreleases/{kind}{day:%Y%m%d}{letter}.htm"


def _bank(rng: random.Random) -> str:
    return _fictional(rng.randrange(40) * 20 + rng.choice((1, 8, 13))).name  # Bancorp/Fin./Cap.


@lru_cache(maxsize=64)
def _fed_year(year: int) -> tuple[_Story, ...]:
    """Every Federal Reserve press release of a year, newest first."""
    rng = _rng("fed", year)
    drafts: list[tuple[dt.datetime, str, str]] = []  # (at, kind, title)
    for m in meetings(year):
        drafts.append((m.at.astimezone(dt.UTC), "monetary", _STATEMENT_TITLE))
        if m.unscheduled:  # its minutes come with the next meeting's
            continue
        if m.projections:
            title = (
                "Federal Reserve Board and Federal Open Market Committee release economic "
                f"projections from the {_span(m.first, m.day)} FOMC meeting"
            )
            drafts.append((m.at.astimezone(dt.UTC) + dt.timedelta(seconds=1), "monetary", title))
        title = f"Minutes of the Federal Open Market Committee, {_span(m.first, m.day)}, {year}"
        drafts.append((_et(m.minutes, 14 * 3600), "monetary", title))
    for month in range(1, 13):
        day = nth_weekday(year, month, 2, 1)
        if _is_business(day):
            d1 = day - dt.timedelta(days=rng.choice((28, 35)))
            d2 = d1 + dt.timedelta(days=rng.choice((7, 14)))
            first = f"{d1:%B} {d1.day}" + (f", {d1.year}," if d1.year != d2.year else "")
            title = (
                f"Minutes of the Board's discount rate meetings on {first} and "
                f"{d2:%B} {d2.day}, {d2.year}"
            )
            drafts.append((_et(day, 14 * 3600), "monetary", title))
    day = dt.date(year, 1, 1)
    while day.year == year:
        if _is_business(day):
            for _ in range(rng.choices((0, 1, 2), (0.55, 0.35, 0.10))[0]):
                kind = rng.choice(("bcreg", "bcreg", "enforcement", "orders", "other"))
                fields = {
                    "bank": _bank(rng), "bank2": _bank(rng), "person": _person(rng),
                    "amt": rng.choice((1.5, 3, 7.2, 15, 60)),
                }  # fmt: skip
                title = rng.choice(_FED_TITLES[kind]).format(**fields)
                hour = rng.choice((10, 11, 14, 15, 16, 16.5))
                drafts.append((_et(day, hour * 3600), kind, title))
        day += dt.timedelta(days=1)
    # a statement on a discount-rate-minutes day (a Tuesday meeting) takes the later letter, so
    # that the other releases keep their links
    drafts.sort(key=lambda d: (d[0], d[1], d[2] == _STATEMENT_TITLE, d[2]))
    letters: dict[tuple[str, dt.date], int] = {}
    out = []
    for at, kind, title in drafts:
        local = _local_day(at)
        n = letters.get((kind, local), 0)
        letters[(kind, local)] = n + 1
        link = _fed_link(kind, local, "abcdefghij"[n])
        out.append(_Story(at, link, title, title, "Federal Reserve", link, section=kind))
    return tuple(reversed(out))


# =================================================================================================
# FOMC statement pages, laid out as federalreserve.gov serves them (old statements included)

_STATEMENT_TITLE = "Federal Reserve issues FOMC statement"
_RANGE_START = dt.date(2008, 12, 16)  # the first decision stated as a target range
_STATEMENT_URL = re.compile(
    r"https://www\.federalreserve\.gov/newsevents/pressreleases/monetary(\d{8})[a-j]\.htm"
)
_LEADERS = (  # (until, chair, vice chair), listed first in every vote
    (dt.date(2006, 2, 1), "Alan Greenspan, Chairman", "Timothy F. Geithner, Vice Chairman"),
    (dt.date(2009, 1, 27), "Ben S. Bernanke, Chairman", "Timothy F. Geithner, Vice Chairman"),
    (dt.date(2014, 2, 3), "Ben S. Bernanke, Chairman", "William C. Dudley, Vice Chairman"),
    (dt.date(2018, 2, 5), "Janet L. Yellen, Chair", "William C. Dudley, Vice Chairman"),
    (dt.date(2018, 6, 18), "Jerome H. Powell, Chair", "William C. Dudley, Vice Chairman"),
    (dt.date.max, "Jerome H. Powell, Chair", "John C. Williams, Vice Chair"),
)
_OUTLOOKS = (
    "Recent indicators suggest that economic activity has continued to expand at a solid pace. "
    "Job gains have remained solid, and the unemployment rate has stayed low. Inflation remains "
    "somewhat elevated.",
    "Recent indicators suggest that growth of economic activity has moderated. Job gains have "
    "slowed, and the unemployment rate has moved up but remains low. Inflation has eased over "
    "the past year but remains elevated.",
    "Information received since the Committee met indicates that the labor market has continued "
    "to strengthen and that economic activity has been rising at a moderate rate. Inflation has "
    "continued to run below the Committee's 2 percent longer-run objective.",
)


@lru_cache(maxsize=64)
def _members(year: int) -> tuple[str, ...]:
    """The year's other voting members, alphabetical as the statements list them. Invented,
    like the world's other people, so that no real official casts an invented dissent."""
    rng = _rng("fomc-members", year)
    return tuple(
        f"{rng.choice(_FIRST_NAMES)} {rng.choice('ABCDEFGHJKLMPRSTW')}. {last}"
        for last in sorted(rng.sample(_LAST_NAMES, rng.randint(8, 10)))
    )


def _votes(m: Meeting) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(voting for, voting against, what the dissenters preferred); about one meeting in five
    has one or two dissents."""
    chair, vice = next((chair, vice) for until, chair, vice in _LEADERS if m.day < until)
    members = _members(m.day.year)
    rng = _rng("fomc-vote", m.day)
    against: tuple[str, ...] = ()
    if rng.random() < 0.2:
        against = tuple(sorted(rng.sample(members, rng.choice((1, 1, 2))), key=members.index))
    preference = _preference(m, rng) if against else ""
    return (chair, vice, *(n for n in members if n not in against)), against, preference


def _preference(m: Meeting, rng: random.Random) -> str:
    before = (round(m.low - m.change / 100, 2), round(m.high - m.change / 100, 2))
    if m.day <= _RANGE_START:
        if m.change:
            return "preferred no change in the federal funds rate target at this meeting"
        return "preferred an increase of 25 basis points in the federal funds rate target"
    quarter = "the target range for the federal funds rate by 1/4 percentage point at this meeting"
    if m.change == 0:
        lower = before[0] and rng.random() < 0.5
        return f"preferred to {'lower' if lower else 'raise'} {quarter}"
    if abs(m.change) > 25 and rng.random() < 0.5:
        return f"preferred to {'raise' if m.change > 0 else 'lower'} {quarter}"
    target = range_text(*before)
    return f"preferred to maintain the target range for the federal funds rate at {target}"


def _decision(m: Meeting) -> str:
    """The decision sentence in the wording of the meeting's era."""
    if m.day < _RANGE_START:
        target = fraction(m.high)
        if not m.change:
            return (
                "The Federal Open Market Committee decided today to keep its target for the "
                f"federal funds rate at {target} percent."
            )
        verb, by = "raise" if m.change > 0 else "lower", "by " if m.day.year < 2007 else ""
        return (
            f"The Federal Open Market Committee decided today to {verb} its target for the "
            f"federal funds rate {by}{abs(m.change)} basis points to {target} percent."
        )
    if m.day == _RANGE_START:
        return (
            "The Federal Open Market Committee decided today to establish a target range for the "
            f"federal funds rate of {m.range_text}."
        )
    if not m.change:
        if m.day.year < 2012:
            return (
                "The Committee will maintain the target range for the federal funds rate at "
                f"{m.range_text}."
            )
        return (
            "In support of its goals, the Committee decided to maintain the target range for the "
            f"federal funds rate at {m.range_text}."
        )
    size = abs(m.change)
    verb = "raise" if m.change > 0 else "lower"
    if m.day.year < 2024 and m.day != dt.date(2020, 3, 3):  # the real statements gave no size
        return (
            f"In support of these goals, the Committee decided to {verb} the target range for "
            f"the federal funds rate to {m.range_text}."
        )
    points = f"{fraction(size / 100)} percentage point{'s' if size > 100 else ''}"
    return (
        f"In support of its goals, the Committee decided to {verb} the target range for the "
        f"federal funds rate by {points} to {m.range_text}."
    )


def _voting(m: Meeting) -> str:
    voters, against, preference = _votes(m)
    subject = "monetary policy action were"
    if m.day.year < 2017:
        subject = f"FOMC {subject}:"
    text = f"Voting for the {subject} {'; '.join(voters[:-1])}; and {voters[-1]}."
    if against:
        lead = "Voting against"
        if m.day >= _RANGE_START:  # the wordings of the real statements, by era
            lead += (
                " the monetary policy action"
                if m.day.year >= 2026
                else " this action"
                if m.day.year >= 2019
                else " the action"
            )
        verb = "were" if len(against) > 1 else "was"
        text += f" {lead} {verb} {' and '.join(against)}, who {preference}."
    return text


def _statement_page(m: Meeting) -> bytes:
    at = m.at.astimezone(NY)
    date = f"{m.day:%B %d, %Y}"
    outlook = _OUTLOOKS[_rng("fomc-outlook", m.day).randrange(3)]
    if m.change:  # a move follows a strong or a softening economy
        outlook = _OUTLOOKS[0 if m.change > 0 else 1]
    assess = (
        "In assessing the appropriate stance of monetary policy, the Committee will continue to "
        "monitor the implications of incoming information for the economic outlook."
    )
    if m.day <= _RANGE_START:
        paragraphs = [_decision(m), outlook, assess]
    elif m.day.year < 2012:
        monitor = (
            "The Committee will continue to monitor the economic outlook and financial "
            "developments and will employ its policy tools as necessary to promote economic "
            "recovery and price stability."
        )
        paragraphs = [outlook, f"{_decision(m)} {monitor}", assess]
    else:
        goals = (
            "The Committee seeks to achieve maximum employment and inflation at the rate of "
            f"2 percent over the longer run. {_decision(m)} In considering the extent and timing "
            "of additional adjustments to the target range for the federal funds rate, the "
            "Committee will carefully assess incoming data, the evolving outlook, and the "
            "balance of risks."
        )
        paragraphs = [outlook, goals, assess]
    paragraphs.append(_voting(m))
    body = "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in paragraphs)
    if m.day.year >= 2012:
        body += (
            '<p>For media inquiries, please email <a href="mailto:media@frb.gov">media@frb.gov'
            "</a> or call 202-452-2955.</p>\n"
        )
    if m.day >= dt.date(2015, 12, 16):  # the first implementation note
        body += (
            f'<p><a href="/newsevents/pressreleases/monetary{m.day:%Y%m%d}a1.htm">'
            f"Implementation Note issued {date}</a></p>\n"
        )
    release = "For immediate release"
    if m.day >= dt.date(2013, 3, 20) or m.unscheduled:  # a stated time since then
        release = f"For release at {at:%-I:%M} {'a.m.' if at.hour < 12 else 'p.m.'} {at:%Z}"
    made_up = (
        "the wording and the votes are" if m.real else "the decision, its wording and votes are"
    )
    origin = (
        "finlake sample world: "
        + ("the decision is the real record (fomc_decisions.csv); " if m.real else "")
        + f"{made_up} synthetic"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="generator" content="{origin}">\n'
        f"<title>Federal Reserve Board - {_STATEMENT_TITLE}</title>\n</head>\n<body>\n"
        '<div id="content" class="container container__main" role="main">\n'
        '<div class="row">\n<div id="article">\n'
        '<div class="heading col-xs-12 col-sm-8 col-md-8">\n'
        f'<p class="article__time">{date}</p>\n'
        f'<h3 class="title"><em>{_STATEMENT_TITLE}</em></h3>\n'
        f'<p class="releaseTime">{release}</p>\n</div>\n'
        '<div class="col-xs-12 col-sm-4 col-md-4 hidden-sm"></div>\n'
        f'<div class="col-xs-12 col-sm-8 col-md-8">\n{body}</div>\n</div>\n</div>\n'
        f'<div id="lastUpdate" class="lastUpdate">Last Update: {date}</div>\n'
        "</div>\n</body>\n</html>\n"
    ).encode()


def _render_statement(url: str, as_of: dt.datetime) -> Rendered | None:
    """The page behind an FOMC statement link of the Fed feeds, once it is out."""
    match = _STATEMENT_URL.fullmatch(url)
    if match is None:
        return None
    try:
        day = dt.datetime.strptime(match[1], "%Y%m%d").date()
    except ValueError:
        return None
    if not WORLD_START <= day <= _local_day(as_of):
        return None
    story = next((s for s in _fed_year(day.year) if s.url == url), None)
    if story is None or story.title != _STATEMENT_TITLE or story.at > as_of:
        return None
    meeting = next(m for m in meetings(day.year) if m.day == day)
    return _statement_page(meeting), story.at


# =================================================================================================
# SEC press releases

_SEC_TITLES = (
    "SEC Charges {fict} and Former CEO with Accounting Fraud",
    "SEC Charges {person} in ${amt} Million Offering Fraud",
    "SEC Obtains Final Judgment Against {person}",
    "SEC Halts Alleged Crypto Asset Scheme Targeting Retail Investors",
    "SEC Adopts Amendments to {rule}",
    "SEC Proposes Rules on {rule}",
    "SEC Announces Agenda for Investor Advisory Committee Meeting",
    "SEC Awards More Than ${amt} Million to Whistleblower",
    "SEC Names {person} Director of the Division of Enforcement",
    "{fict} to Pay ${amt} Million to Settle SEC Charges",
    "SEC Charges {n} Investment Advisers for Recordkeeping Failures",
    "SEC Suspends Trading in {fict} Amid Questions About Its Disclosures",
    "SEC Charges {fict} for Misleading Investors About Its Business",
)
_SEC_RULES = (
    "Cybersecurity Incident Disclosure", "Climate-Related Disclosures", "Treasury Clearing",
    "Private Fund Reporting", "Shareholder Proposals", "Money Market Fund Liquidity",
    "Beneficial Ownership Reporting", "Form N-PORT", "Broker-Dealer Net Capital",
)  # fmt: skip
_STOPWORDS = {"a", "an", "and", "the", "of", "to", "in", "for", "with", "its", "about", "on"}


@lru_cache(maxsize=64)
def _sec_year(year: int) -> tuple[_Story, ...]:
    """The SEC's press releases of a year, numbered YYYY-N, newest first."""
    rng = _rng("sec-press", year)
    out = []
    number = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        if _is_business(day):
            count = rng.choices((0, 1, 2), (0.45, 0.40, 0.15))[0]
            for at in sorted(_et(day, rng.uniform(9 * 3600, 17.5 * 3600)) for _ in range(count)):
                number += 1
                fields = {
                    "fict": _fictional(rng.randrange(800)).name, "person": _person(rng),
                    "amt": rng.choice((1.2, 3, 4.5, 10, 18, 37, 100)), "n": rng.randint(3, 16),
                    "rule": rng.choice(_SEC_RULES),
                }  # fmt: skip
                if rng.random() < 0.015:
                    co = _COMPANIES[rng.choice(_STOCKS)]
                    title = f"{co.short} to Pay ${fields['amt']} Million to Settle SEC Charges"
                else:
                    title = rng.choice(_SEC_TITLES).format(**fields)
                release = f"{year}-{number}"
                if day >= dt.date(2024, 10, 1):
                    words = [w for w in _slug(title).split("-") if w not in _STOPWORDS][:9]
                    link = (
                        f"https://www.sec.gov/newsroom/press-releases/{release}-{'-'.join(words)}"
                    )
                else:
                    link = f"https://www.sec.gov/news/press-release/{release}"
                summary = (
                    f"Washington D.C., {day:%b}. {day.day}, {year} — The Securities and Exchange "
                    f"Commission today announced: {title}."
                )
                node = 100_000 + (year - 2000) * 1000 + number
                out.append(_Story(at, release, title, summary, "SEC", link, number=node))
        day += dt.timedelta(days=1)
    return tuple(reversed(out))


# =================================================================================================
# EDGAR current 8-K filings

_ITEM_MIXES = (  # (weight, items) of a typical 8-K
    (14, ("2.02", "9.01")), (12, ("5.02",)), (10, ("5.02", "9.01")), (12, ("7.01", "9.01")),
    (14, ("8.01", "9.01")), (8, ("8.01",)), (9, ("1.01", "9.01")), (5, ("1.01", "2.03", "9.01")),
    (5, ("1.01", "3.02", "9.01")), (7, ("5.07",)), (2, ("3.01",)), (1, ("4.01", "9.01")),
    (3, ("5.03", "9.01")), (2, ("2.01", "9.01")), (1, ("1.02",)), (1, ("2.05", "9.01")),
)  # fmt: skip
_EVENT_ITEMS = {
    "bankruptcy": ("1.03", "7.01", "9.01"), "recall": ("8.01",), "lawsuit": ("8.01",),
    "record": ("2.02", "9.01"), "layoffs": ("2.05", "9.01"), "merger": ("1.01", "9.01"),
    "ceo": ("5.02", "9.01"),
}  # fmt: skip


@dataclass(frozen=True)
class _Filing:
    accepted: dt.datetime
    form: str
    name: str
    cik: int
    accession: str
    items: tuple[str, ...]
    size_kb: int
    no_updated: bool = False


def _filer(co: _Company, day: dt.date) -> tuple[str, int]:
    name, cik = co.filers[0][1:]
    for start, n, c in co.filers:
        if day >= start:
            name, cik = n, c
    return name, cik


@lru_cache(maxsize=2048)
def _edgar_day(day: dt.date) -> tuple[_Filing, ...]:
    """The 8-Ks accepted on one day (06:00-22:00 ET on EDGAR business days), newest first."""
    if not _is_business(day):
        return ()
    rng = _rng("edgar", day)
    drafts: list[tuple[dt.datetime, str, str, int, tuple[str, ...], bool]] = []
    for ticker in _STOCKS:
        co = _COMPANIES[ticker]
        name, cik = _filer(co, day)
        if _reports_on(ticker, "", day):
            at = _et(day, 16 * 3600 + rng.randint(60, 2000))
            drafts.append((at, "8-K", name, cik, ("2.02", "9.01"), True))
        elif rng.random() < 0.012:
            at = _et(day, rng.uniform(7 * 3600, 17 * 3600))
            items = rng.choice((("8.01", "9.01"), ("7.01", "9.01"), ("5.02",), ("5.07",)))
            drafts.append((at, "8-K", name, cik, items, True))
    for index, kind, at in _fict_events(day):
        if kind in _EVENT_ITEMS:
            f = _fictional(index)
            filed = max(at - dt.timedelta(minutes=rng.randint(5, 45)), _et(day, 6 * 3600))
            drafts.append((filed, "8-K", f.edgar_name, f.cik, _EVENT_ITEMS[kind], False))
    weights = [w for w, _ in _ITEM_MIXES]
    for _ in range(rng.randint(120, 260)):
        f = _fictional(rng.randrange(800))
        r = rng.random()
        hour = rng.uniform(6, 8) if r < 0.1 else rng.uniform(16, 17.5) if r < 0.45 else None
        if hour is None:
            hour = rng.uniform(17.5, 22) if rng.random() < 0.15 else rng.uniform(8, 16)
        items = rng.choices(_ITEM_MIXES, weights)[0][1]
        form = "8-K/A" if rng.random() < 0.08 else "8-K"
        drafts.append((_et(day, hour * 3600), form, f.edgar_name, f.cik, items, False))
    drafts.sort(key=lambda d: (d[0], d[3]))
    yy = day.year % 100
    out = []
    for j, (at, form, name, cik, items, own) in enumerate(drafts):
        agent = f"{cik:010d}" if own else rng.choice(_FILER_AGENTS)
        accession = f"{agent}-{yy:02d}-{day.timetuple().tm_yday * 600 + j:06d}"
        size = int(math.exp(rng.uniform(math.log(20), math.log(9000))))
        out.append(_Filing(at, form, name, cik, accession, items, size, j % 37 == 0))
    return tuple(reversed(out))


# =================================================================================================
# BLS "latest numbers"

_UR_ANCHORS = (
    (2005, 1, 5.3), (2007, 1, 4.6), (2008, 6, 5.6), (2009, 10, 10.0), (2010, 1, 9.8),
    (2011, 1, 9.1), (2012, 1, 8.3), (2013, 1, 8.0), (2014, 1, 6.6), (2015, 1, 5.7),
    (2016, 1, 4.8), (2017, 1, 4.7), (2018, 1, 4.0), (2019, 1, 4.0), (2020, 2, 3.5),
    (2020, 4, 14.8), (2020, 6, 11.0), (2020, 12, 6.7), (2021, 6, 5.9), (2021, 12, 3.9),
    (2022, 6, 3.6), (2023, 6, 3.6), (2024, 6, 4.1), (2025, 6, 4.1), (2026, 5, 4.3),
    (2027, 12, 4.4),
)  # fmt: skip
_CPI_MEAN = {2008: 0.25, 2021: 0.5, 2022: 0.6, 2023: 0.3}


def _months(year: int, month: int) -> int:
    return year * 12 + month - 1


@cache
def _unemployment(year: int, month: int) -> float:
    t = _months(year, month)
    points = [(_months(y, m), v) for y, m, v in _UR_ANCHORS]
    i = bisect.bisect_right([p[0] for p in points], t)
    if i == 0 or i == len(points):
        base = points[min(i, len(points) - 1)][1]
    else:
        (t0, v0), (t1, v1) = points[i - 1], points[i]
        base = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return round(base + _rng("ur", year, month).gauss(0, 0.05), 1)


def _bls_value(series: str, year: int, period: int) -> float:
    rng = _rng("bls", series, year, period)
    if series == "ur":
        return _unemployment(year, period)
    if series == "payrolls":
        prev = (year, period - 1) if period > 1 else (year - 1, 12)
        change = _unemployment(year, period) - _unemployment(*prev)
        return round((170_000 - 1_500_000 * change + rng.gauss(0, 60_000)) / 1000) * 1000
    if series == "cpi":
        return round(rng.gauss(_CPI_MEAN.get(year, 0.2), 0.15), 1)
    if series == "ppi":
        return round(rng.gauss(_CPI_MEAN.get(year, 0.2), 0.4), 1)
    if series == "ahe":
        return round(rng.gauss(0.09, 0.04), 2)
    if series == "eci":
        return round(rng.gauss(0.9, 0.2), 1)
    if series == "prod":
        return round(rng.gauss(1.6, 1.8), 1)
    return round(rng.gauss(0.1, 0.6), 1)  # import / export prices


def _business_on_or_before(day: dt.date) -> dt.date:
    while not _is_business(day) and day > WORLD_START:
        day -= dt.timedelta(days=1)
    return day


@lru_cache(maxsize=1024)
def _bls_month(year: int, month: int) -> dict[str, tuple[dt.datetime, str, float, str]]:
    """Releases in a month: series -> (release time, reference period, value, revision mark)."""
    ref_year, ref_month = (year, month - 1) if month > 1 else (year - 1, 12)
    ref = dt.date(ref_year, ref_month, 1).strftime("%b %Y")
    out: dict[str, tuple[dt.datetime, str, float, str]] = {}
    jobs = _business_on_or_before(nth_weekday(year, month, 1, 4))
    cpi = weekday_on_or_after(dt.date(year, month, 10), 2)
    for series, day in (
        ("ur", jobs), ("payrolls", jobs), ("ahe", jobs), ("cpi", cpi),
        ("ppi", cpi + dt.timedelta(days=1)), ("imp", cpi + dt.timedelta(days=6)),
        ("exp", cpi + dt.timedelta(days=6)),
    ):  # fmt: skip
        out[series] = (_et(day, 8.5 * 3600), ref, _bls_value(series, ref_year, ref_month), "")
    quarter = (month - 1) // 3  # the quarter that ended before this one, 0 = Q4 last year
    q_year, q = (year, quarter) if quarter else (year - 1, 4)
    q_label = f"{('1st', '2nd', '3rd', '4th')[q - 1]} Qtr of {q_year}"
    if month in (1, 4, 7, 10):
        at = _et(nth_weekday(year, month, -1, 3), 8.5 * 3600)
        out["eci"] = (at, q_label, _bls_value("eci", q_year, q), "")
    if month % 3 != 1:
        at = _et(nth_weekday(year, month, 1, 3), 8.5 * 3600)
        mark = "(p)" if month % 3 == 2 else "(r)"
        value = _bls_value("prod", q_year, q) + (0.2 if mark == "(r)" else 0.0)
        out["prod"] = (at, q_label, round(value, 1), mark)
    return out


_BLS_SERIES = (  # (key, label, span title, release page, series id, output view, indent)
    ("cpi", "Consumer Price Index (CPI)", "All items, U.S. city average, all urban consumers, "
     "1982-84=100, 1-month percent change, seasonally adjusted", "cpi", "CUSR0000SA0",
     "pct_1mth", 13),
    ("ur", "Unemployment Rate", "In percent, seasonally adjusted", "empsit", "LNS14000000", "", 35),
    ("payrolls", "Payroll Employment", "Number of jobs, 1-month net change, seasonally adjusted",
     "empsit", "CES0000000001", "net_1mth", 28),
    ("ahe", "Average Hourly Earnings", "For all employees, seasonally adjusted", "empsit",
     "CES0500000003", "net_1mth", 28),
    ("ppi", "Producer Price Index - Final Demand", "Final Demand, 1-month percent change, "
     "seasonally adjusted", "ppi", "WPSFD4", "pct_1mth", 35),
    ("eci", "Employment Cost Index (ECI)", "Compensation, all civilian workers, quarterly "
     "percent change, seasonally adjusted", "eci", "CIS1010000000000Q", "", 35),
    ("prod", "Productivity", "Output per hour, nonfarm business, percent change from previous "
     "quarter at annual rate, seasonally adjusted", "prod2", "PRS85006092", "", 35),
    ("imp", "U.S. Import Price Index", "All imports, 1-month percent change, not seasonally "
     "adjusted", "ximpim", "EIUIR", "pct_1mth", 35),
    ("exp", "U.S. Export Price Index", "All exports, 1-month percent change, not seasonally "
     "adjusted", "ximpim", "EIUIQ", "pct_1mth", 28),
)  # fmt: skip


def _bls_text(key: str, value: float, mark: str) -> str:
    if key == "ur":
        return f"{value:.1f}%"
    if key == "payrolls":
        return f"{value:+,.0f}(p)"
    if key == "ahe":
        return f"{'+' if value >= 0 else '-'}${abs(value):.2f}(p)"
    return f"{value:+.1f}%" + ("(p)" if key == "ppi" else mark)


def _bls_latest(
    as_of: dt.datetime,
) -> tuple[dict[str, tuple[dt.datetime, str, float, str]], dt.datetime | None]:
    """The newest release of every series at `as_of`, and when the page last changed."""
    latest: dict[str, tuple[dt.datetime, str, float, str]] = {}
    local = as_of.astimezone(NY)
    year, month = local.year, local.month
    for _ in range(5):
        for key, release in _bls_month(year, month).items():
            if release[0] <= as_of and (key not in latest or latest[key][0] < release[0]):
                latest[key] = release
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if not latest:
        return latest, None
    newest = max(v[0] for v in latest.values())
    return latest, newest + dt.timedelta(seconds=_rng("bls-lag", newest).randint(45, 900))


# =================================================================================================
# Renderers: each publisher's own bytes

_WORDS_WEEKDAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORDS_MONTH = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _date_text(s: _Story, outlet: str, good: Callable[[dt.datetime], str]) -> str | None:
    """The date an outlet prints for a story: normally `good`, else the story's quirk."""
    if s.quirk_in != outlet or not s.date_quirk:
        return good(s.at)
    local = s.at.astimezone(NY)
    if s.date_quirk == "words":
        weekday, month = _WORDS_WEEKDAY[local.weekday()], _WORDS_MONTH[local.month - 1]
        return f"{weekday} {_ordinal(local.day)} of {month}"
    if s.date_quirk == "iso":
        return f"{local.year}-13-45"
    return None


def _gmt(at: dt.datetime) -> str:
    return format_datetime(at.astimezone(UTC), usegmt=True)


def _plus0000(at: dt.datetime) -> str:
    return format_datetime(at.astimezone(UTC))


def _eastern(at: dt.datetime) -> str:
    return format_datetime(at.astimezone(NY))


def _x(text: str) -> str:
    return escape(text, quote=False)


def _ncr(text: str) -> str:
    """MarketWatch escapes every non-ASCII character as a hex character reference."""
    return "".join(c if ord(c) < 128 else f"&#x{ord(c):04x};" for c in _x(text))


def _host_of(url: str) -> str:
    return urlsplit(url).netloc


def _yahoo_link(s: _Story) -> str:
    """Yahoo's link: its own pages with ?.tsrc=rss (a few cut short, as seen live); shared
    stories point at the original with a varying scheme, host case and trailing slash."""
    k = _crc("link", s.uid)
    if _host_of(s.url).endswith("yahoo.com"):
        return s.url + ("?.tsrc=rs" if k % 29 == 0 else "?.tsrc=rss")
    parts = urlsplit(s.url)
    variant = k % 4
    if variant == 1:
        return f"http://{parts.netloc}{parts.path}?.tsrc=rss"
    if variant == 2:
        return f"https://{parts.netloc.upper()}{parts.path}/"
    if variant == 3:
        return f"{s.url}/?.tsrc=rss"
    return f"{s.url}?.tsrc=rss"


def _yahoo_item(s: _Story) -> str:
    link = _yahoo_link(s)
    title = _x(s.title).replace("'", "&amp;#39;")
    if s.html:
        image = hashlib.md5(s.uid.encode()).hexdigest()
        alt = escape(s.title)
        fragment = (
            f'<p><a href="{escape(link)}"><img src="https://s.yimg.com/uu/api/res/1.2/'
            f"{image[:22]}--/YXBwaWQ9eXRhY2h5b247aD04Njt3PTEzMDs-/https://media.zenfs.com/en/"
            f'{_slug(s.publisher)}/{image}" width="130" height="86" alt="{alt}" align="left" '
            f'title="{alt}" border="0" ></a>{s.summary}</p><br clear="all">'
        )
        description = _x(fragment)
    else:
        summary = s.summary
        if summary and s.publisher == "Bloomberg":
            summary = f"(Bloomberg) -- {summary}"
        elif summary and s.publisher == "Reuters" and not summary.startswith("(Reuters)"):
            summary = f"(Reuters) - {summary}"
        description = _x(summary)
        if s.publisher != "Reuters":
            description = description.replace("'", "&amp;#39;")
    lines = [
        "        <item>\n",
        f"            <description>{description}</description>\n",
        f'            <guid isPermaLink="false">{_guid(s.uid)}</guid>\n',
        f"            <link>{_x(link)}</link>\n",
    ]
    date = _date_text(s, "yahoo", _plus0000)
    if date is not None:
        lines.append(f"            <pubDate>{date}</pubDate>\n")
    source = _PARTNERS.get(s.publisher, ("", ""))[1]
    if source:
        lines.append(f'            <source url="{source}">{_x(s.publisher)}</source>\n')
    lines.append(f"            <title>{title}</title>\n        </item>\n")
    return "".join(lines)


def _yahoo_body(symbols: str, stories: Sequence[_Story], as_of: dt.datetime) -> bytes:
    built = stories[0].at if stories else as_of
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<rss version="2.0">\n'
        "    <channel>\n"
        f"        <copyright>Copyright (c) {as_of.year} Yahoo! Inc. All rights reserved."
        "</copyright>\n"
        f"        <description>Latest Financial News for {symbols}</description>\n"
        + "".join(_yahoo_item(s) for s in stories)
        + "        <language>en-US</language>\n"
        f"        <lastBuildDate>{_plus0000(built)}</lastBuildDate>\n"
        f"        <link>http://finance.yahoo.com/q/h?s={symbols}</link>\n"
        f"        <title>Yahoo! Finance: {symbols} News</title>\n"
        "    </channel>\n"
        "</rss>\n"
    ).encode()


def _mw_item(s: _Story) -> str:
    if _host_of(s.url) == "www.marketwatch.com":
        link = f"{s.url}?mod=mw_rss_topstories"
    else:
        link = f"{s.url}?utm_source=rss&utm_medium=feed"
    lines = [
        "<item>\n",
        f'<guid isPermaLink="false">WP-MKTW-{5_000_000 + s.number:010d}</guid>\n',
        f"<title>{_ncr(s.title)}</title>\n",
        f"<description>{_ncr(s.summary)}</description>\n",
        f"<link>{_x(link)}</link>\n",
    ]
    date = _date_text(s, "mw", _gmt)
    if date is not None:
        lines.append(f"<pubDate>{date}</pubDate>\n")
    lines.append(f"<dc:creator>{_ncr(s.author or s.publisher)}</dc:creator>\n")
    if s.section:
        lines.append(f"<category>{_x(s.section)}</category>\n")
    k = _crc("image", s.uid)
    if k % 5 < 3:
        lines.append(
            f'<media:content url="https://images.mktw.net/im-{k % 90_000_000 + 10_000_000}" '
            'medium="image" type="image/jpeg"><media:credit>Getty Images</media:credit>'
            "</media:content>\n"
        )
    lines.append("</item>\n")
    return "".join(lines)


def _mw_body(stories: Sequence[_Story], as_of: dt.datetime) -> bytes:
    built = stories[0].at if stories else as_of
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"'
        ' version="2.0">\n<channel>\n'
        "<title>MarketWatch.com - Top Stories</title>\n"
        "<link>https://www.marketwatch.com</link>\n"
        "<description>MarketWatch.com - Top Stories</description>\n"
        "<image><url>https://www.marketwatch.com/rss/marketwatch.gif</url>"
        "<title>MarketWatch.com - Top Stories</title><link>https://www.marketwatch.com</link>"
        "</image>\n"
        "<language>en-US</language>\n"
        f"<copyright>Copyright {as_of.year} MarketWatch, Inc. All rights reserved.</copyright>\n"
        f"<lastBuildDate>{_gmt(built)}</lastBuildDate>\n"
        + "".join(_mw_item(s) for s in stories)
        + "</channel>\n</rss>\n"
    ).encode()


def _cnbc_item(s: _Story) -> str:
    own = _host_of(s.url) == "www.cnbc.com"
    link = s.url if own else f"{s.url}?utm_source=rss&utm_medium=feed&utm_campaign=cnbc"
    number = 100_000_000 + s.number
    lines = [
        "    <item>\n",
        f"      <link>{_x(link)}</link>\n",
        f'      <guid isPermaLink="false">{number}</guid>\n',
        f"      <metadata:type>{'cnbcnewsstory' if own else 'wirestory'}</metadata:type>\n",
        f"      <metadata:id>{number}</metadata:id>\n",
        "      <metadata:sponsored>false</metadata:sponsored>\n",
        f"      <title>{_x(s.title)}</title>\n",
        f"      <description><![CDATA[{s.summary}]]></description>\n",
    ]
    date = _date_text(s, "cnbc", _gmt)
    if date is not None:
        lines.append(f"      <pubDate>{date}</pubDate>\n")
    lines.append("    </item>\n")
    return "".join(lines)


CNBC_CHANNEL = "https://www.cnbc.com/id/20910258/device/rss/rss.html"


def _cnbc_body(stories: Sequence[_Story], as_of: dt.datetime) -> bytes:
    built = stories[0].at if stories else as_of
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss xmlns:media="http://search.yahoo.com/mrss/" xmlns:metadata="https://www.cnbc.com/"'
        ' version="2.0">\n  <channel>\n'
        f"    <link>{CNBC_CHANNEL}</link>\n"
        "    <title>Economy</title>\n"
        "    <description>CNBC is the world leader in business news and real-time financial "
        "market coverage.</description>\n"
        f"    <lastBuildDate>{_gmt(built)}</lastBuildDate>\n"
        "    <language>en-us</language>\n"
        "    <image>\n      <url>https://static-redesign.cnbcfm.com/dist/a54b41835a8b60db28c2.svg"
        f"</url>\n      <title>Economy</title>\n      <link>{CNBC_CHANNEL}</link>\n    </image>\n"
        + "".join(_cnbc_item(s) for s in stories)
        + "  </channel>\n</rss>\n"
    ).encode()


_FED_CHANNELS = {
    "fed_press_all": (
        "FRB: Press Release - All Releases",
        "All recent press releases from the Federal Reserve Board",
    ),
    "fed_press_monetary": (
        "FRB: Press Release - Monetary Policy",
        "Monetary policy press releases from the Federal Reserve Board",
    ),
}


def _fed_date(at: dt.datetime) -> str:
    """The Fed prints the day of the month without a leading zero: 'Tue, 9 Jun 2026'."""
    return re.sub(r"^(\w{3}), 0", r"\1, ", _gmt(at))


def _fed_body(name: str, stories: Sequence[_Story]) -> bytes:
    title, description = _FED_CHANNELS[name]
    items = "".join(
        "        <item>\n"
        f"            <title>{_x(s.title)}</title>\n"
        f"            <link><![CDATA[{s.url}]]></link>\n"
        f"            <guid><![CDATA[{s.url}]]></guid>\n"
        f"            <description><![CDATA[{s.summary}]]></description>\n"
        f"            <category>{_x(_FED_CATEGORIES[s.section])}</category>\n"
        f"            <pubDate><![CDATA[{_fed_date(s.at)}]]></pubDate>    \n"
        "        </item>\n"
        for s in stories
    )
    return (
        '\ufeff<?xml version="1.0" encoding="utf-8" ?>\n'
        '<rss version="2.0">\n'
        "    <channel>\n"
        f"        <title>{title}</title>\n"
        "        <link><![CDATA[https://www.federalreserve.gov/feeds/feeds.htm]]></link>\n"
        f"        <description><![CDATA[{description}]]></description>\n"
        "        <language>en</language>\n"
        f"{items}"
        "    </channel>\n"
        "</rss>\n"
    ).encode()


def _sec_body(stories: Sequence[_Story]) -> bytes:
    items = "".join(
        "    <item>\n"
        f"  <title>{_x(s.title)}</title>\n"
        f"  <link>{_x(s.url)}</link>\n"
        f"  <description>{_x(s.summary)}</description>\n"
        f"  <pubDate>{_eastern(s.at)}</pubDate>\n"
        " <dc:creator>Office of Public Affairs</dc:creator>\n"
        f' <guid isPermaLink="false">{s.number} at https://www.sec.gov</guid>\n'
        "    </item>\n"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xml:base="https://www.sec.gov/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        "    <title>Press Releases</title>\n"
        "    <link>https://www.sec.gov/newsroom/press-releases</link>\n"
        "    <description>Press releases from the U.S. Securities and Exchange Commission"
        "</description>\n"
        "    <language>en</language>\n"
        f"{items}"
        "  </channel>\n"
        "</rss>\n"
    ).encode()


def _feed_size(kb: int) -> str:
    return f"{kb} KB" if kb < 1024 else f"{round(kb / 1024)} MB"


def _edgar_entry(f: _Filing) -> str:
    local = f.accepted.astimezone(NY)
    filed = edgar().filing_date(f.accepted, f.form)
    items = "".join(f"\n&lt;br&gt;Item {i}: {_x(_x(EIGHT_K_ITEMS[i]))}" for i in f.items)
    title = escape(f"{f.form} - {f.name} ({f.cik:010d}) (Filer)").replace("&#x27;", "&#39;")
    folder = f.accession.replace("-", "")
    updated = "" if f.no_updated else f"<updated>{local.isoformat()}</updated>\n"
    return (
        "<entry>\n"
        f"<title>{title}</title>\n"
        '<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/'
        f'{f.cik}/{folder}/{f.accession}-index.htm"/>\n'
        '<summary type="html">\n'
        f" &lt;b&gt;Filed:&lt;/b&gt; {filed} &lt;b&gt;AccNo:&lt;/b&gt; {f.accession} "
        f"&lt;b&gt;Size:&lt;/b&gt; {_feed_size(f.size_kb)}{items}\n"
        "</summary>\n"
        f"{updated}"
        f'<category scheme="https://www.sec.gov/" label="form type" term="{f.form}"/>\n'
        f"<id>urn:tag:sec.gov,2008:accession-number={f.accession}</id>\n"
        "</entry>\n"
    )


def _edgar_body(filings: Sequence[_Filing], as_of: dt.datetime) -> bytes:
    text = current_feed_head(as_of) + "".join(_edgar_entry(f) for f in filings) + "</feed>\n"
    return text.encode("latin-1", errors="xmlcharrefreplace")


def _bls_body(as_of: dt.datetime) -> tuple[bytes, dt.datetime | None]:
    latest, changed = _bls_latest(as_of)
    blocks = []
    for key, label, span, page, series, view, indent in _BLS_SERIES:
        if key not in latest:
            continue
        _, ref, value, mark = latest[key]
        query = f"data_tool=latest_numbers&amp;series_id={series}"
        if view:
            query += f"&amp;output_view={view}"
        blocks.append(
            "\t" * indent + f"<p>{label}:" + "\t" * 8 + "<br>\r\n" + "\t" * 21
            + f'<strong><span title="{span}" class="data">{_bls_text(key, value, mark)}  in '
            f"{ref}</span></strong><br>" + "\t" * 13
            + f'<a href="https://www.bls.gov/news.release/{page}.toc.htm">News Release</a><br>'
            + "\t\t\r\n" + "\t" * (26 if view else 18)
            + f'<a href="https://data.bls.gov/pdq/SurveyOutputServlet?{query}">Historical Data'
            "</a>\r\n\t\t\t\t\t\t\t</p>\r\n"
        )  # fmt: skip
    item = ""
    if changed is not None:
        item = (
            "\t\t<item>\r\n"
            "\t\t\t<title>Major Economic Indicators Latest Numbers</title>\r\n"
            "\t\t\t<link>https://www.bls.gov/bls/</link>\r\n"
            "\t\t\t<description><![CDATA[" + "".join(blocks) + "\t" * 25
            + "<p><strong>p</strong>- preliminary</p>\t\t\t\t]]></description>\r\n"
            f"\t\t\t<pubDate>{_eastern(changed)}</pubDate>\r\n"
            "\t\t\t<dc:creator>U.S. Bureau of Labor Statistics</dc:creator>\r\n"
            "\t\t</item>\r\n"
        )  # fmt: skip
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\r\n'
        '<rss version="2.0" xml:base="https://www.bls.gov/feeds" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\r\n'
        "\t<channel>\r\n"
        "\t\t<title>Major Economic Indicators Latest Numbers</title>\r\n"
        "\t\t<link>https://www.bls.gov/bls/</link>\r\n"
        "\t\t<description>Latest Numbers for Major Economic Indicators, U.S. Bureau of Labor "
        "Statistics</description>\r\n"
        "\t\t<language>en</language>\r\n"
        f"{item}"
        "\t</channel>\r\n"
        "</rss>"
    )
    return body.encode(), changed


# =================================================================================================
# Feeds at a clock


def _newest_by_day(
    source: Callable[[dt.date], Sequence],
    at: Callable[[object], dt.datetime],
    as_of: dt.datetime,
    n: int,
) -> list:
    """The newest `n` items at or before `as_of`, walking back one ET day at a time."""
    out: list = []
    day = _local_day(as_of)
    for _ in range(MAX_DAYS_BACK):
        if len(out) >= n or day < WORLD_START:
            break
        out += [x for x in source(day) if at(x) <= as_of]
        day -= dt.timedelta(days=1)
    return out[:n]


def _newest_by_year(
    source: Callable[[int], Sequence[_Story]],
    as_of: dt.datetime,
    n: int,
    keep: Callable[[_Story], bool],
) -> list[_Story]:
    out: list[_Story] = []
    year = _local_day(as_of).year
    while len(out) < n and year >= WORLD_START.year:
        out += [s for s in source(year) if s.at <= as_of and keep(s)]
        year -= 1
    return out[:n]


def _story_time(s: _Story) -> dt.datetime:
    return s.at


def _filing_time(f: _Filing) -> dt.datetime:
    return f.accepted


Rendered = tuple[bytes, dt.datetime | None]  # body, newest item time


def _render_mw(as_of: dt.datetime) -> Rendered:
    def mw(day: dt.date) -> list[_Story]:
        return [s for s in _outlet_day(day) if "mw" in s.outlets]

    stories = _newest_by_day(mw, _story_time, as_of, SIZES["mw"])
    return _mw_body(stories, as_of), stories[0].at if stories else None


def _render_cnbc(as_of: dt.datetime) -> Rendered:
    def cnbc(day: dt.date) -> list[_Story]:
        return [s for s in _outlet_day(day) if "cnbc" in s.outlets]

    stories = _newest_by_day(cnbc, _story_time, as_of, SIZES["cnbc"])
    return _cnbc_body(stories, as_of), stories[0].at if stories else None


def _render_fed(name: str) -> Callable[[dt.datetime], Rendered]:
    def render(as_of: dt.datetime) -> Rendered:
        monetary = name == "fed_press_monetary"
        stories = _newest_by_year(
            _fed_year, as_of, SIZES["fed"], lambda s: not monetary or s.section == "monetary"
        )
        return _fed_body(name, stories), stories[0].at if stories else None

    return render


def _render_sec(as_of: dt.datetime) -> Rendered:
    stories = _newest_by_year(_sec_year, as_of, SIZES["sec_press"], lambda s: True)
    return _sec_body(stories), stories[0].at if stories else None


def _render_edgar(as_of: dt.datetime) -> Rendered:
    filings = _newest_by_day(_edgar_day, _filing_time, as_of, SIZES["edgar"])
    return _edgar_body(filings, as_of), filings[0].accepted if filings else None


_RENDERERS: dict[str, Callable[[dt.datetime], Rendered]] = {
    "marketwatch_top": _render_mw,
    "cnbc_markets": _render_cnbc,
    "fed_press_all": _render_fed("fed_press_all"),
    "fed_press_monetary": _render_fed("fed_press_monetary"),
    "sec_press": _render_sec,
    "sec_current_8k": _render_edgar,
    "bls_latest": _bls_body,
}


@cache
def _routes() -> tuple[dict[str, str], str]:
    """Exact URLs of the registry's single feeds, and the Yahoo headline endpoint."""
    feeds = [f for f in load_feeds(DEFAULT_FEEDS) if f.format == "rss"]
    exact = {f.url: f.name for f in feeds if not f.per_ticker and f.name in _RENDERERS}
    yahoo = next(f.url for f in feeds if f.name == "yahoo_headlines").split("?")[0]
    return exact, yahoo


def _yahoo_symbols(url: str) -> tuple[str, ...] | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}{parts.path}" != _routes()[1]:
        return None
    raw = parse_qs(parts.query).get("s", [""])[0]
    try:
        symbols = tuple(validate_ticker(t.strip()) for t in raw.split(","))
    except InvalidTickerError:
        return None
    return tuple(dict.fromkeys(symbols))


def _not_modified(headers: Mapping[str, str] | None, etag: str, newest: dt.datetime | None) -> bool:
    """If-None-Match wins over If-Modified-Since, as RFC 9110 says."""
    if not headers:
        return False
    lowered = {k.lower(): v for k, v in headers.items()}
    if (match := lowered.get("if-none-match")) is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since_text = lowered.get("if-modified-since")
    if not since_text or newest is None:
        return False
    try:
        since = parsedate_to_datetime(since_text)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return newest.replace(microsecond=0) <= since


class SampleNews:
    """Answers the news registry's RSS/Atom URLs from the synthetic world at a fixed clock.

    Served: Yahoo headline RSS for any valid ticker (also several, `s=MSFT,GOOG`; universe
    tickers get the shared world, others a world of their own named after the caller's
    universe), MarketWatch top stories, CNBC, SEC press releases, EDGAR current 8-Ks (Atom),
    the Fed's press_all / press_monetary, the FOMC statement page behind each statement link of
    those feeds (HTML as federalreserve.gov serves it, once released) and BLS latest numbers.
    Anything else is a 404.
    Responses carry a quoted ETag (body hash) and Last-Modified (newest item); a matching
    If-None-Match or an If-Modified-Since at or after the newest item gives a 304.

    Quirks served on purpose: the same story in several feeds (two tickers' Yahoo feeds; Yahoo
    and MarketWatch/CNBC with ?.tsrc=rss / ?mod= / utm_* parameters, http vs https, upper-case
    host, trailing slash); one Reuters story a day under two Yahoo URLs (same title, publisher);
    Yahoo titles with double-escaped apostrophes (&amp;#39;); HTML descriptions (escaped on
    Yahoo, CDATA on CNBC) with <p>, <a>, <img>, <b> and entities; MarketWatch's hex character
    references; curly quotes and em dashes; items without pubDate (Yahoo, CNBC), a malformed
    MarketWatch date each day ("Thursday 11th of June" or "2026-13-45", which feedparser turns
    into January 1 of the next year); EDGAR entries that have <updated> but no <published> and
    one a day with neither; headline words that only look like companies (Target price, It, A
    new era, the Amazon rainforest, Apple growers).
    """

    def __init__(self, as_of: dt.datetime, universe: Sequence[Security] = DEFAULT_UNIVERSE) -> None:
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise ValueError("SampleNews needs a timezone-aware as_of")
        self.as_of = as_of.astimezone(UTC)
        self.universe = tuple(universe)
        self._names = {s.ticker: s.name for s in self.universe}

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> FeedResponse:
        rendered = self._render(url)
        if rendered is None:
            return FeedResponse(url, 404, NOT_FOUND, None, None)
        body, newest = rendered
        etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        last_modified = _gmt(newest) if newest else None
        if _not_modified(headers, etag, newest):
            return FeedResponse(url, 304, b"", etag, last_modified)
        return FeedResponse(url, 200, body, etag, last_modified)

    def _render(self, url: str) -> Rendered | None:
        name = _routes()[0].get(url)
        if name is not None:
            return _RENDERERS[name](self.as_of)
        if (statement := _render_statement(url, self.as_of)) is not None:
            return statement
        symbols = _yahoo_symbols(url)
        if symbols is None:
            return None
        merged: dict[str, _Story] = {}
        for ticker in symbols:
            name = "" if ticker in _COMPANIES else self._names.get(ticker, "")

            def day_stories(day: dt.date, ticker: str = ticker, name: str = name) -> tuple:
                return _yahoo_day(ticker, name, day)

            for s in _newest_by_day(day_stories, _story_time, self.as_of, SIZES["yahoo"]):
                merged.setdefault(s.uid, s)
        stories = sorted(merged.values(), key=lambda s: (s.at, s.uid), reverse=True)
        stories = stories[: SIZES["yahoo"]]
        body = _yahoo_body(",".join(symbols), stories, self.as_of)
        return body, stories[0].at if stories else None
