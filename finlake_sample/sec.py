"""An offline EDGAR: a deterministic synthetic world of filings, served as EDGAR's own bytes.

Sample mode must exercise exactly the parsers live mode uses, so this module does not hand out
parsed records: it answers the same URLs as EDGAR (`finlake.sources.sec.urls`) with bodies built
to the structure of real captured payloads (../shared/realdata/sec): company_tickers*.json,
submissions JSON and its pages, companyfacts, daily form/company/master indexes, the current-
filings Atom feed, SGML headers, full-submission text files and primary documents (inline-XBRL
10-K/10-Q/8-K HTML, Form 4 ownership XML, small HTML/XML for everything else).

The world holds nine real issuers (real CIKs, invented numbers) and forty fictional fillers, with
filings from 2010 to a 2027 horizon. It is generated once per process from fixed seeds (numpy
Generators seeded with crc32 of stable strings) and is the same for every clock; the clock
(`as_of`) only decides what a request can see: a filing exists once it is accepted, a daily index
once its day has closed (22:00 ET). Insider trade prices come from the sample price market
(`finlake_sample.yahoo`), so they sit near the as-traded close and share counts follow the
same splits.

Real quirks reproduced on purpose: Apple's (and one filler's) acceptanceDateTime is New York wall
clock labelled "Z" while the SGML header is right; Form 4s accepted after 17:30 keep their day
while other forms move to the next business day; issuers change filing agents over the years; a
restated quarter (RESTATEMENT) appears with two values in companyfacts; one filler (LEAVING) drops
out of company_tickers.json in 2025 while its history stays.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from urllib.parse import parse_qs, urlsplit

import numpy as np
import orjson

from finlake.calendar import NY, edgar, nyse
from finlake.sources.base import HttpExchange
from finlake.sources.sec.eight_k import EIGHT_K_ITEMS
from finlake_sample.util import month_end
from finlake_sample.yahoo import history, profile

UTC = dt.UTC
START = dt.date(2010, 1, 1)  # first filing date of the world
HORIZON = dt.date(2027, 12, 31)  # last filing date of the world
X0508_FROM = dt.date(2023, 4, 1)  # ownership documents use schema X0508 from this date
INDEX_CLOSES = dt.time(22, 0)  # a daily index is complete once EDGAR stops accepting (ET)
SPLIT_REFERENCE = dt.date(2024, 6, 30)  # share counts in _Economics are in this date's units
REVENUE = "RevenueFromContractWithCustomerExcludingAssessedTax"
NOT_FOUND = (
    b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>SEC.gov | File Not Found</title>\n'
    b"</head>\n<body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n"
    b"</body>\n</html>\n"
)


# =================================================================================================
# Data model


@dataclass(frozen=True)
class SampleCompany:
    """One registrant as company_tickers.json describes it."""

    ticker: str
    cik: int
    title: str  # EDGAR conformed name
    exchange: str  # Nasdaq | NYSE | OTC
    kind: str  # operating | etf
    fiscal_year_end: str  # MMDD


@dataclass(frozen=True)
class SampleRestatement:
    """Where the world restates an already reported quarter (for tests and documentation)."""

    ticker: str
    concepts: tuple[str, ...]
    fiscal_year: int
    fiscal_quarter: int
    restated_in: tuple[int, str]  # (fy, fp) of the first filing that reports the new values


@dataclass(frozen=True)
class _Economics:
    """Fundamentals generator parameters (USD; shares in SPLIT_REFERENCE units)."""

    revenue: float  # annual revenue around mid-2024
    growth: float  # annual log growth of revenue
    margin: float  # net margin
    shares: float  # shares outstanding at SPLIT_REFERENCE
    buyback: float  # annual log change of the share count
    season: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)  # fiscal Q1..Q4 weights
    asset_turn: float = 1.0  # assets / annual revenue
    equity_ratio: float = 0.4
    loss_until: dt.date | None = None  # quarters ending before this date lose money
    unit: int = 1_000_000  # reported rounding


@dataclass(frozen=True)
class _Entity:
    """Everything EDGAR knows about a registrant, plus its filing habits and economics."""

    company: SampleCompany
    sic: str = ""
    sic_description: str = ""
    ein: str = ""
    incorporated: str = "DE"
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    file_number: str = ""
    prefix: str = ""  # document-name prefix, e.g. "aapl" -> aapl-20230701.htm
    industry: str = ""  # a phrase for the business description
    category: str = "Large accelerated filer"
    org: str = ""  # ORGANIZATION NAME in SGML headers
    former_names: tuple[tuple[str, str, str], ...] = ()  # (name, from, to)
    extra_tickers: tuple[str, ...] = ()
    agents: tuple[tuple[dt.date, str], ...] = ()  # (last day, agent) eras; afterwards own CIK
    event_agent: str | None = None  # agent for non-earnings 8-Ks
    form4_agent: str | None = None  # None = own CIK
    form4_style: str = "wk"  # wk | form4 | doc4: Form 4 document naming
    local_z: bool = False  # acceptanceDateTime is New York wall clock labelled Z
    premarket: bool = False  # earnings 8-K before the open
    week_calendar: bool = False  # 52/53-week fiscal year ending the last Saturday
    first_filing: dt.date = START
    last_filing: dt.date = HORIZON
    listed_until: dt.date | None = None  # leaves company_tickers.json on this date
    listed_from: dt.date = START
    economics: _Economics | None = None
    filler: str = ""  # "" for the universe; operating | bank | capital

    @property
    def cik(self) -> int:
        return self.company.cik

    @property
    def cik10(self) -> str:
        return f"{self.company.cik:010d}"

    @property
    def name(self) -> str:
        return self.company.title

    @property
    def ticker(self) -> str:
        return self.company.ticker

    def agent(self, day: dt.date) -> str:
        for until, agent in self.agents:
            if day <= until:
                return agent
        return self.cik10


@dataclass(frozen=True)
class _Party:
    """A non-registrant filer: an insider (reporting owner) or an institutional holder."""

    cik: int
    name: str  # EDGAR conformed name ("Lastname Firstname M")
    display: str  # how the person signs
    title: str = ""  # officer title
    director: bool = False
    seller: bool = False  # sells monthly under a 10b5-1 plan
    start: dt.date = START
    grant_usd: float = 0.0  # quarterly RSU grant (annual for directors)
    holding_usd: float = 0.0  # initial common stock


@dataclass(frozen=True)
class _Quarter:
    fy: int
    q: int  # 1..4
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class _Periodic:
    """A 10-Q / 10-K (q == 4) or the earnings 8-K about fiscal quarter `k`."""

    fy: int
    q: int
    k: int  # index into _quarters(cik)


@dataclass(frozen=True)
class _Row:
    """One Form 4 table row."""

    derivative: bool
    security: str
    day: dt.date
    code: str
    shares: int
    price: float | None  # None: the price element carries only a footnote
    acquired: str  # A | D
    owned_after: int
    security_notes: tuple[str, ...] = ()
    price_notes: tuple[str, ...] = ()
    exercise_note: str = ""  # derivative rows: conversion price / dates are footnotes


@dataclass(frozen=True)
class _Ownership:
    insider: _Party
    rows: tuple[_Row, ...]
    plan: bool  # a 10b5-1 plan sale is reported
    original_filed: dt.date | None = None  # for 4/A
    remarks: str = ""


@dataclass(frozen=True)
class _Note:
    """Free-text facts of an 8-K or another simple filing."""

    title: str
    text: str = ""


@dataclass(frozen=True)
class Filing:
    """One submission of the world. `accession` and `film` are set when the world is assembled."""

    cik: int
    form: str
    accepted: dt.datetime  # aware, UTC
    filing_date: dt.date
    report_date: dt.date | None
    agent: str
    document: str  # as listed in the submissions JSON (may carry an XSL folder)
    description: str
    act: str
    file_number: str
    items: str = ""
    xbrl: bool = False
    parties: tuple[tuple[_Party, str], ...] = ()  # other filers: (party, Reporting | Filed by)
    detail: object = None
    accession: str = ""
    film: str = ""

    @property
    def local(self) -> dt.datetime:
        return self.accepted.astimezone(NY)

    @property
    def folder(self) -> str:
        return self.accession.replace("-", "")

    @property
    def raw_document(self) -> str:
        """The stored file name: an XSL-rendered path without its folder."""
        return self.document.split("/", 1)[1] if "/" in self.document else self.document


# =================================================================================================
# The universe

D = dt.date
_APPLE = _Economics(391e9, 0.085, 0.245, 15.3e9, -0.03, (0.31, 0.235, 0.215, 0.24), 0.9, 0.2)
_UNIVERSE: tuple[_Entity, ...] = (
    _Entity(
        SampleCompany("AAPL", 320193, "Apple Inc.", "Nasdaq", "operating", "0930"),
        sic="3571",
        sic_description="Electronic Computers",
        ein="942404110",
        incorporated="CA",
        street="ONE APPLE PARK WAY",
        city="CUPERTINO",
        state="CA",
        zip_code="95014",
        phone="(408) 996-1010",
        file_number="001-36743",
        prefix="aapl",
        industry="smartphones, personal computers, tablets, wearables and accessories, and a "
        "variety of related services",
        org="06 Technology",
        former_names=(
            ("APPLE INC", "2007-01-10T00:00:00.000Z", "2019-08-05T00:00:00.000Z"),
            ("APPLE COMPUTER INC", "1994-01-26T00:00:00.000Z", "2007-01-04T00:00:00.000Z"),
        ),
        agents=((D(2016, 6, 30), "0001193125"), (D(2017, 6, 30), "0001628280")),
        event_agent="0001140361",
        form4_style="wk",
        local_z=True,
        week_calendar=True,
        economics=_APPLE,
    ),
    _Entity(
        SampleCompany("MSFT", 789019, "MICROSOFT CORP", "Nasdaq", "operating", "0630"),
        sic="7372",
        sic_description="Services-Prepackaged Software",
        ein="911144442",
        incorporated="WA",
        street="ONE MICROSOFT WAY",
        city="REDMOND",
        state="WA",
        zip_code="98052-6399",
        phone="425-882-8080",
        file_number="001-37845",
        prefix="msft",
        industry="software, cloud services, devices and solutions",
        org="06 Technology",
        agents=((HORIZON, "0001193125"),),
        form4_style="form4",
        economics=_Economics(245e9, 0.10, 0.35, 7.43e9, -0.008, (0.24, 0.25, 0.25, 0.26), 2.1, 0.5),
    ),
    _Entity(
        SampleCompany("GOOGL", 1652044, "Alphabet Inc.", "Nasdaq", "operating", "1231"),
        sic="7370",
        sic_description="Services-Computer Programming, Data Processing, Etc.",
        ein="611767919",
        street="1600 AMPHITHEATRE PARKWAY",
        city="MOUNTAIN VIEW",
        state="CA",
        zip_code="94043",
        phone="650-253-0000",
        file_number="001-37580",
        prefix="goog",
        industry="search, advertising, cloud computing, platforms and devices",
        org="06 Technology",
        extra_tickers=("GOOG",),
        form4_agent="0001209191",
        form4_style="doc4",
        first_filing=D(2015, 10, 2),  # the Alphabet holding company was formed in 2015
        listed_from=D(2015, 10, 2),
        economics=_Economics(
            350e9, 0.17, 0.27, 12.3e9, -0.02, (0.24, 0.245, 0.25, 0.265), 1.3, 0.7
        ),
    ),
    _Entity(
        SampleCompany("AMZN", 1018724, "AMAZON COM INC", "Nasdaq", "operating", "1231"),
        sic="5961",
        sic_description="Retail-Catalog & Mail-Order Houses",
        ein="911646860",
        street="410 TERRY AVENUE NORTH",
        city="SEATTLE",
        state="WA",
        zip_code="98109-5210",
        phone="2062661000",
        file_number="000-22513",
        prefix="amzn",
        industry="online and physical stores, third-party seller services, subscriptions, "
        "advertising and cloud computing",
        org="07 Trade & Services",
        form4_style="wk",
        economics=_Economics(638e9, 0.21, 0.06, 10.5e9, 0.01, (0.23, 0.24, 0.245, 0.285), 0.9, 0.4),
    ),
    _Entity(
        SampleCompany("NVDA", 1045810, "NVIDIA CORP", "Nasdaq", "operating", "0131"),
        sic="3674",
        sic_description="Semiconductors & Related Devices",
        ein="943177549",
        street="2788 SAN TOMAS EXPRESSWAY",
        city="SANTA CLARA",
        state="CA",
        zip_code="95051",
        phone="408-486-2000",
        file_number="000-23985",
        prefix="nvda",
        industry="accelerated computing platforms, graphics processors and networking",
        org="04 Manufacturing",
        form4_agent="0001209191",
        form4_style="doc4",
        economics=_Economics(
            110e9, 0.26, 0.45, 24.5e9, -0.005, (0.23, 0.24, 0.26, 0.27), 1.0, 0.65
        ),
    ),
    _Entity(
        SampleCompany("META", 1326801, "Meta Platforms, Inc.", "Nasdaq", "operating", "1231"),
        sic="7370",
        sic_description="Services-Computer Programming, Data Processing, Etc.",
        ein="201665019",
        street="1 META WAY",
        city="MENLO PARK",
        state="CA",
        zip_code="94025",
        phone="650-543-4800",
        file_number="001-35551",
        prefix="meta",
        industry="social media applications, messaging, advertising and virtual reality",
        org="06 Technology",
        former_names=(("FACEBOOK INC", "2012-02-01T00:00:00.000Z", "2021-10-28T00:00:00.000Z"),),
        form4_style="form4",
        first_filing=D(2012, 5, 18),
        listed_from=D(2012, 5, 18),
        economics=_Economics(165e9, 0.25, 0.33, 2.53e9, -0.015, (0.23, 0.24, 0.25, 0.28), 1.6, 0.7),
    ),
    _Entity(
        SampleCompany("TSLA", 1318605, "Tesla, Inc.", "Nasdaq", "operating", "1231"),
        sic="3711",
        sic_description="Motor Vehicles & Passenger Car Bodies",
        ein="912197729",
        incorporated="TX",
        street="1 TESLA ROAD",
        city="AUSTIN",
        state="TX",
        zip_code="78725",
        phone="512-516-8177",
        file_number="001-34756",
        prefix="tsla",
        industry="electric vehicles, energy generation and storage systems",
        org="04 Manufacturing",
        former_names=(
            ("TESLA MOTORS INC", "2005-02-17T00:00:00.000Z", "2017-02-01T00:00:00.000Z"),
        ),
        agents=((D(2020, 12, 31), "0001564590"), (HORIZON, "0000950170")),
        form4_agent="0000899243",
        form4_style="doc4",
        premarket=True,
        first_filing=D(2010, 6, 29),
        listed_from=D(2010, 6, 29),
        economics=_Economics(
            97e9, 0.35, 0.08, 3.19e9, 0.03, (0.23, 0.25, 0.26, 0.26), 1.25, 0.6, D(2019, 12, 31)
        ),
    ),
    _Entity(
        SampleCompany("SPY", 884394, "SPDR S&P 500 ETF TRUST", "NYSE", "etf", "0930"),
        incorporated="NY",
        street="ONE IRON STREET",
        city="BOSTON",
        state="MA",
        zip_code="02210",
        phone="866-787-2257",
        file_number="811-06125",
        prefix="spy",
        category="",
        agents=((HORIZON, "0001193125"),),
    ),
    _Entity(
        SampleCompany("QQQ", 1067839, "INVESCO QQQ TRUST, SERIES 1", "Nasdaq", "etf", "0930"),
        incorporated="NY",
        street="3500 LACEY ROAD, SUITE 700",
        city="DOWNERS GROVE",
        state="IL",
        zip_code="60515",
        phone="800-983-0903",
        file_number="811-08947",
        prefix="qqq",
        category="",
        former_names=(
            (
                "POWERSHARES QQQ TRUST, SERIES 1",
                "2007-01-03T00:00:00.000Z",
                "2018-06-04T00:00:00.000Z",
            ),
            ("NASDAQ 100 TRUST SERIES 1", "1999-03-10T00:00:00.000Z", "2007-01-03T00:00:00.000Z"),
        ),
        agents=((HORIZON, "0000950123"),),
    ),
)
ETF_FILE_NUMBERS = {884394: "033-46080", 1067839: "333-61001"}  # 485BPOS registrations

SAMPLE_COMPANIES: tuple[SampleCompany, ...] = tuple(e.company for e in _UNIVERSE)

# name, ticker, exchange, SIC, SIC description, business, state, city, zip, FYE, first year, kind
_FILLER_TABLE: tuple[tuple[str, ...], ...] = (
    ("Northwind Logistics Inc", "NWLG", "Nasdaq", "4731",
     "Arrangement of Transportation of Freight & Cargo",
     "freight forwarding and contract logistics", "DE", "CHICAGO|IL|60606", "1231", "2010",
     "operating"),
    ("Bluefin Analytics Corp", "BFNX", "Nasdaq", "7372", "Services-Prepackaged Software",
     "data analytics software for insurers and lenders", "DE", "BOSTON|MA|02110", "1231", "2014",
     "operating"),
    ("COBALT RIDGE MINING CORP.", "CBRM", "NYSE", "1000", "Metal Mining",
     "cobalt and nickel exploration and mining", "NV", "RENO|NV|89501", "1231", "2010",
     "operating"),
    ("HARBORVIEW BANCORP, INC.", "HVBK", "Nasdaq", "6022", "State Commercial Banks",
     "community banking and structured notes", "MD", "BALTIMORE|MD|21202", "1231", "2010", "bank"),
    ("Silverline Payments Corp", "SLVP", "Nasdaq", "7389", "Services-Business Services, NEC",
     "merchant payment processing", "DE", "ATLANTA|GA|30309", "1231", "2011", "operating"),
    ("Pinecrest Therapeutics, Inc.", "PCTX", "Nasdaq", "2834", "Pharmaceutical Preparations",
     "small-molecule therapies for rare metabolic diseases", "DE", "CAMBRIDGE|MA|02139", "1231",
     "2016", "capital"),
    ("Redwood Grid Systems Inc", "RWGS", "NYSE", "3612",
     "Power, Distribution & Specialty Transformers", "grid transformers and switchgear", "DE",
     "CHARLOTTE|NC|28202", "1231", "2010", "operating"),
    ("MERIDIAN HARVEST FOODS CO", "MHFD", "NYSE", "2000", "Food and Kindred Products",
     "packaged foods and snacks", "DE", "MINNEAPOLIS|MN|55402", "0531", "2010", "operating"),
    ("Ironbridge Industrial Holdings Inc", "IBIH", "NYSE", "3560",
     "General Industrial Machinery & Equipment", "industrial pumps, valves and compressors", "DE",
     "MILWAUKEE|WI|53202", "1231", "2010", "operating"),
    ("Lumenfield Semiconductor Corp", "LMFS", "Nasdaq", "3674", "Semiconductors & Related Devices",
     "analog and power semiconductors", "DE", "SAN JOSE|CA|95134", "1231", "2012", "operating"),
    ("Cedar Point Healthcare REIT Inc", "CPHR", "NYSE", "6798", "Real Estate Investment Trusts",
     "senior housing and medical office properties", "MD", "DALLAS|TX|75201", "1231", "2013",
     "operating"),
    ("BRIGHTWATER ENERGY PARTNERS LP", "BWEP", "NYSE", "4922", "Natural Gas Transmission",
     "natural gas pipelines and storage", "DE", "HOUSTON|TX|77002", "1231", "2010", "operating"),
    ("Stonegate Specialty Insurance Holdings", "SGSI", "Nasdaq", "6331",
     "Fire, Marine & Casualty Insurance", "specialty property and casualty insurance", "DE",
     "HARTFORD|CT|06103", "1231", "2015", "operating"),
    ("Quillmark Software Inc", "QLMK", "Nasdaq", "7372", "Services-Prepackaged Software",
     "document workflow software", "DE", "AUSTIN|TX|78701", "0131", "2019", "operating"),
    ("Tidemark Marine Services Corp", "TDMS", "NYSE", "4400", "Water Transportation",
     "offshore support vessels", "DE", "NEW ORLEANS|LA|70130", "1231", "2010", "operating"),
    ("Foxglove Pharmaceuticals Inc", "FXGP", "Nasdaq", "2834", "Pharmaceutical Preparations",
     "cardiovascular and renal medicines", "DE", "SAN DIEGO|CA|92121", "1231", "2017", "capital"),
    ("Granite Peak Outdoor Brands Inc", "GPOB", "NYSE", "3949",
     "Sporting & Athletic Goods, NEC", "outdoor equipment and apparel", "DE", "DENVER|CO|80202",
     "0331", "2010", "operating"),
    ("Velora Cosmetics Inc", "VLRC", "NYSE", "2844",
     "Perfumes, Cosmetics & Other Toilet Preparations", "prestige cosmetics and fragrances", "DE",
     "NEW YORK|NY|10010", "0630", "2018", "operating"),
    ("Kestrel Aerospace Technologies Inc", "KSAT", "NYSE", "3720", "Aircraft & Parts",
     "aircraft components and avionics", "DE", "WICHITA|KS|67202", "1231", "2010", "operating"),
    ("OAKHURST FINANCIAL GROUP INC", "OKFG", "NYSE", "6021", "National Commercial Banks",
     "commercial banking and market-linked notes", "DE", "CHARLOTTE|NC|28280", "1231", "2010",
     "bank"),
    ("Solenne Robotics Corp", "SLRB", "Nasdaq", "3569",
     "General Industrial Machinery & Equipment, NEC", "warehouse automation robots", "DE",
     "PITTSBURGH|PA|15222", "1231", "2020", "capital"),
    ("Amberline Retail Group Inc", "AMBG", "NYSE", "5331", "Retail-Variety Stores",
     "discount variety stores", "DE", "NASHVILLE|TN|37203", "0131", "2010", "operating"),
    ("Crescent Valley Water Co", "CVWC", "NYSE", "4941", "Water Supply",
     "regulated water and wastewater utilities", "CA", "FRESNO|CA|93721", "1231", "2010",
     "operating"),
    ("Halcyon Medical Devices Inc", "HLMD", "Nasdaq", "3841",
     "Surgical & Medical Instruments & Apparatus", "minimally invasive surgical instruments", "DE",
     "MINNEAPOLIS|MN|55401", "1231", "2013", "operating"),
    ("Nimbus Cloudworks Inc", "NMBC", "Nasdaq", "7370",
     "Services-Computer Programming, Data Processing, Etc.", "cloud infrastructure services", "DE",
     "SEATTLE|WA|98104", "1231", "2021", "operating"),
    ("Westbrook Paper & Packaging Corp", "WBPP", "NYSE", "2650",
     "Paperboard Containers & Boxes", "corrugated packaging", "DE", "ATLANTA|GA|30328", "1231",
     "2010", "operating"),
    ("LARKSPUR ENERGY INC", "LKSP", "NYSE", "1311", "Crude Petroleum & Natural Gas",
     "oil and gas exploration and production", "DE", "OKLAHOMA CITY|OK|73102", "1231", "2010",
     "operating"),
    ("Summit Trail Hospitality Inc", "STHS", "NYSE", "7011", "Hotels & Motels",
     "select-service hotels", "MD", "ORLANDO|FL|32801", "1231", "2012", "operating"),
    ("Ostara Genomics Inc", "OSGN", "Nasdaq", "8731",
     "Services-Commercial Physical & Biological Research", "genomic sequencing services", "DE",
     "SOUTH SAN FRANCISCO|CA|94080", "1231", "2018", "capital"),
    ("Driftwood Media Holdings Inc", "DWMH", "Nasdaq", "4841",
     "Cable & Other Pay Television Services",
     "regional cable networks and streaming", "DE", "LOS ANGELES|CA|90028", "1231", "2010",
     "operating"),
    ("Copperleaf Networks Inc", "CPLN", "Nasdaq", "3576", "Computer Communications Equipment",
     "enterprise networking equipment", "DE", "SAN JOSE|CA|95110", "0731", "2010", "operating"),
    ("Mariner Point Shipping Ltd", "MPSH", "NYSE", "4412",
     "Deep Sea Foreign Transportation of Freight", "dry bulk shipping", "DE", "STAMFORD|CT|06901",
     "1231", "2011", "operating"),
    ("EVERGOLD AGRICULTURAL CORP", "EVAG", "OTC", "0100", "Agricultural Production-Crops",
     "specialty crops and orchards", "NV", "BAKERSFIELD|CA|93301", "0930", "2010", "operating"),
    ("Ridgeline Rail Services Corp", "RGLR", "NYSE", "4011", "Railroads, Line-Haul Operating",
     "short-line freight railroads", "DE", "JACKSONVILLE|FL|32202", "1231", "2010", "operating"),
    ("Bellweather Consumer Finance Corp", "BLCF", "NYSE", "6141", "Personal Credit Institutions",
     "consumer installment loans and notes", "DE", "WILMINGTON|DE|19801", "1231", "2010", "bank"),
    ("Quarry Hill Materials Inc", "QHMT", "NYSE", "1400",
     "Mining & Quarrying of Nonmetallic Minerals (No Fuels)", "aggregates and cement", "DE",
     "BIRMINGHAM|AL|35203", "1231", "2010", "operating"),
    ("Sunhaven Solar Holdings Inc", "SHSH", "Nasdaq", "3690",
     "Miscellaneous Electrical Machinery, Equipment & Supplies", "residential solar and storage",
     "DE", "PHOENIX|AZ|85004", "1231", "2016", "capital"),
    ("Thistle Creek Pharmaceuticals Corp", "THCK", "OTC", "2836",
     "Biological Products, (No Diagnostic Substances)", "vaccines and biologics", "DE",
     "GAITHERSBURG|MD|20878", "1231", "2012", "capital"),
    ("Palisade Cybersecurity Inc", "PLSC", "Nasdaq", "7371",
     "Services-Computer Programming Services",
     "network security software and services", "DE", "RESTON|VA|20190", "1231", "2019",
     "operating"),
    ("Wrenfield Apparel Co", "WRFA", "NYSE", "2300",
     "Apparel & Other Finished Prods of Fabrics & Similar Matl", "branded apparel and footwear",
     "DE", "GREENSBORO|NC|27401", "1231", "2010", "operating"),
)  # fmt: skip

LEAVING = SampleCompany("SLVP", 1900417, "Silverline Payments Corp", "Nasdaq", "operating", "1231")
LEAVES_ON = dt.date(2025, 6, 16)  # absent from company_tickers.json from this date (00:00 ET)
RESTATEMENT = SampleRestatement(
    "AAPL",
    (REVENUE, "NetIncomeLoss"),
    2024,
    3,
    (2025, "Q3"),
)
_RESTATED_REVENUE = -0.012  # share of the quarter's revenue taken out by the restatement
_RESTATED_INCOME = -0.031
_LOCAL_Z_FILLER = "NWLG"
_PREMARKET_FILLERS = ("RWGS", "KSAT", "WBPP", "CVWC")


def _rng(*parts: object) -> np.random.Generator:
    """A Generator seeded from stable strings, never from global state."""
    return np.random.default_rng(zlib.crc32(":".join(map(str, ("finlake-sec", *parts))).encode()))


def _filler(i: int, row: tuple[str, ...]) -> _Entity:
    """A fictional registrant from its table row; the rest (CIK, address, habits, economics) is
    drawn from a seed of its ticker so fillers differ the way real small filers do."""
    name, ticker, exchange, sic, sic_desc, business, inc, place, fye, first, kind = row
    city, state, zip_code = place.split("|")
    rng = _rng("filler", ticker)
    cik = (
        LEAVING.cik
        if ticker == LEAVING.ticker
        else 1900000 + 1009 * (i + 1) + int(rng.integers(0, 900))
    )
    first_day = D(int(first), 1, 4) + dt.timedelta(days=int(rng.integers(0, 120)))
    revenue = float(np.exp(rng.uniform(np.log(4e7), np.log(3e9))))
    shares = float(np.exp(rng.uniform(np.log(2e7), np.log(4e8))))
    margin = (
        float(rng.uniform(-0.06, 0.14)) if kind != "capital" else float(rng.uniform(-0.6, -0.1))
    )
    agent = ("0001193125", "0001558370", "0001437749", "0001213900", "0001628280")[i % 5]
    category = (
        "Accelerated filer",
        "Non-accelerated filer<br>Smaller reporting company",
        "Large accelerated filer",
    )[i % 3]
    return _Entity(
        SampleCompany(ticker, cik, name, exchange, "operating", fye),
        sic=sic,
        sic_description=sic_desc,
        ein=f"{int(rng.integers(10, 99))}{int(rng.integers(1000000, 9999999))}",
        incorporated=inc,
        street=f"{int(rng.integers(10, 9900))} {_STREETS[i % len(_STREETS)]}",
        city=city,
        state=state,
        zip_code=zip_code,
        phone=f"{int(rng.integers(201, 989))}-555-{int(rng.integers(1000, 9999))}",
        file_number=f"001-{int(rng.integers(33000, 41999))}",
        prefix=ticker.lower(),
        industry=business,
        category=category,
        org=("04 Manufacturing", "06 Technology", "02 Finance", "07 Trade & Services")[i % 4],
        agents=() if i % 3 == 0 else ((HORIZON, agent),),
        event_agent=agent if i % 2 else None,
        form4_agent=None if i % 2 else "0001209191",
        form4_style="doc4" if i % 2 == 0 else "form4",
        local_z=ticker == _LOCAL_Z_FILLER,
        premarket=ticker in _PREMARKET_FILLERS,
        first_filing=first_day,
        listed_from=first_day,
        last_filing=D(2025, 6, 30) if ticker == LEAVING.ticker else HORIZON,
        listed_until=LEAVES_ON if ticker == LEAVING.ticker else None,
        economics=_Economics(
            revenue,
            float(rng.uniform(-0.02, 0.16)),
            margin,
            shares,
            float(rng.uniform(-0.03, 0.04)),
            (1.0, 1.02, 1.0, 1.08),
            float(rng.uniform(0.8, 2.5)),
            float(rng.uniform(0.2, 0.6)),
            None,
            1000,
        ),
        filler=kind,
    )


_STREETS = (
    "MARKET STREET", "COMMERCE DRIVE", "PARK AVENUE", "LAKESIDE BOULEVARD", "INNOVATION WAY",
    "MAIN STREET", "RIVERFRONT PLAZA", "CORPORATE CENTER DRIVE", "HARBOR ROAD",
)  # fmt: skip
_FILLERS: tuple[_Entity, ...] = tuple(_filler(i, row) for i, row in enumerate(_FILLER_TABLE))
FILLER_COMPANIES: tuple[SampleCompany, ...] = tuple(e.company for e in _FILLERS)
_ENTITIES: dict[int, _Entity] = {e.cik: e for e in (*_UNIVERSE, *_FILLERS)}

_INSTITUTIONS: tuple[_Party, ...] = tuple(
    _Party(1985000 + 137 * i, name, name)
    for i, name in enumerate(
        (
            "Granite Harbor Capital Management LP",
            "Lakeshore Asset Advisors LLC",
            "Blue Heron Investment Partners",
            "Whitcombe & Hale Asset Management",
            "Ashgrove Capital LLC",
        )
    )
)
_INSTITUTION_ADDRESS = ("200 CLARENDON STREET", "BOSTON", "MA", "02116")

# =================================================================================================
# Calendars


def _years(day: dt.date) -> float:
    return day.year + (day.timetuple().tm_yday - 0.5) / 366.0


def _last_saturday(year: int, month: int) -> dt.date:
    day = month_end(year, month)
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


def _business_day(day: dt.date) -> dt.date:
    """`day` if EDGAR is open, else the next day it is."""
    cal = edgar()
    return day if cal.is_business_day(day) else cal.next_business_day(day)


def _trading_business_day(day: dt.date) -> dt.date:
    """The first day on or after `day` when both EDGAR and the NYSE are open."""
    cal, market = edgar(), nyse()
    if day > market.horizon:  # past the market calendar: such filings fall outside the world
        return _business_day(day)
    while not (cal.is_business_day(day) and market.is_session(day)):
        day += dt.timedelta(days=1)
    return day


def _after_business_days(day: dt.date, n: int) -> dt.date:
    cal = edgar()
    for _ in range(n):
        day = cal.next_business_day(day)
    return day


def _moment(day: dt.date, lo: float, hi: float, rng: np.random.Generator) -> dt.datetime:
    """An acceptance instant on `day` between lo and hi o'clock New York time (as UTC)."""
    seconds = int(rng.integers(int(lo * 3600), int(hi * 3600)))
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return naive.replace(tzinfo=NY).astimezone(UTC)


@cache
def _quarters(cik: int) -> tuple[_Quarter, ...]:
    """Fiscal quarters from fiscal 2006 to 2029: month ends, or Apple's 52/53-week calendar."""
    e = _ENTITIES[cik]
    out: list[_Quarter] = []
    if e.week_calendar:
        previous = _last_saturday(2005, 9)
        for fy in range(2006, 2030):
            end = _last_saturday(fy, 9)
            q1 = previous + dt.timedelta(weeks=13 + ((end - previous).days // 7 - 52))
            ends = (q1, q1 + dt.timedelta(weeks=13), q1 + dt.timedelta(weeks=26), end)
            start = previous + dt.timedelta(days=1)
            for q, q_end in enumerate(ends, 1):
                out.append(_Quarter(fy, q, start, q_end))
                start = q_end + dt.timedelta(days=1)
            previous = end
        return tuple(out)
    month = int(e.company.fiscal_year_end[:2])
    start = month_end(2005, month) + dt.timedelta(days=1)
    for fy in range(2006, 2030):
        for q in range(1, 5):
            q_end = month_end(fy, month - 3 * (4 - q))
            out.append(_Quarter(fy, q, start, q_end))
            start = q_end + dt.timedelta(days=1)
    return tuple(out)


def _split_factor(ticker: str, day: dt.date) -> float:
    """Product of the price market's split ratios effective on or before `day`."""
    factor = 1.0
    for when, numerator, denominator in profile(ticker).splits:
        if when <= day:
            factor *= numerator / denominator
    return factor


# =================================================================================================
# Fundamentals


@dataclass(frozen=True)
class _Books:
    """Per fiscal quarter: revenue, net income, weighted shares (pre-split units), balances."""

    revenue: np.ndarray
    net_income: np.ndarray
    shares: np.ndarray
    assets: np.ndarray
    equity: np.ndarray


@cache
def _books(cik: int) -> _Books:
    """Quarterly fundamentals: a growth trend with seasonality and noise, so every filing that
    reports a period (current or comparative) derives the same number from one source."""
    e = _ENTITIES[cik]
    econ = e.economics
    assert econ is not None
    qs = _quarters(cik)
    n = len(qs)
    rng = _rng(cik, "books")
    mid = np.array([_years(q.start + (q.end - q.start) / 2) for q in qs])
    days = np.array([(q.end - q.start).days + 1 for q in qs])
    season = np.array(econ.season) / sum(econ.season) * 4
    weight = season[np.array([q.q - 1 for q in qs])]
    trend = np.exp(econ.growth * (mid - 2024.5))
    revenue = econ.revenue / 4 * trend * weight * days / 91.3 * np.exp(rng.normal(0, 0.025, n))
    margin = econ.margin + rng.normal(0, 0.02, n)
    if econ.loss_until is not None:
        losing = np.array([q.end <= econ.loss_until for q in qs])
        margin = np.where(losing, -0.09 + rng.normal(0, 0.03, n), margin)
    base = econ.shares / _split_factor(e.ticker, SPLIT_REFERENCE)
    shares = base * np.exp(econ.buyback * (mid - 2024.5)) * np.exp(rng.normal(0, 0.002, n))
    assets = econ.revenue * trend * econ.asset_turn * np.exp(rng.normal(0, 0.02, n))
    equity = assets * np.clip(econ.equity_ratio + rng.normal(0, 0.03, n), 0.05, 0.95)
    unit = econ.unit
    rounded = [np.round(x / unit) * unit for x in (revenue, revenue * margin, assets, equity)]
    return _Books(rounded[0], rounded[1], shares, rounded[2], rounded[3])


def _order(fy: int, q: int) -> int:
    return fy * 10 + q


def _restated_quarter(cik: int) -> int | None:
    """Index of the quarter the world restates for this company, if any."""
    if _ENTITIES[cik].ticker != RESTATEMENT.ticker:
        return None
    for k, q in enumerate(_quarters(cik)):
        if (q.fy, q.q) == (RESTATEMENT.fiscal_year, RESTATEMENT.fiscal_quarter):
            return k
    return None


def _flow(cik: int, ks: Sequence[int], order: int, day: dt.date) -> tuple[int, int, float, float]:
    """Revenue, net income and basic/diluted EPS over quarters `ks` as reported by a filing of
    fiscal order `order` on `day`: restated values from the restating filing on, EPS in the
    share units after every split effective by `day` (filers recast EPS for splits)."""
    books = _books(cik)
    revenue = float(sum(books.revenue[k] for k in ks))
    income = float(sum(books.net_income[k] for k in ks))
    restated = _restated_quarter(cik)
    fy, fp = RESTATEMENT.restated_in
    if restated in ks and order >= _order(fy, 4 if fp == "FY" else int(fp[1])):
        econ = _ENTITIES[cik].economics
        assert econ is not None
        unit = econ.unit
        revenue += round(books.revenue[restated] * _RESTATED_REVENUE / unit) * unit
        income += round(books.net_income[restated] * _RESTATED_INCOME / unit) * unit
    shares = float(np.mean([books.shares[k] for k in ks])) * _split_factor(
        _ENTITIES[cik].ticker, day
    )
    basic = round(income / shares, 2)
    diluted = round(income / (shares * 1.006), 2) if income > 0 else basic
    return int(revenue), int(income), basic, diluted


def _shares_outstanding(cik: int, day: dt.date) -> int:
    """Shares outstanding on a cover date, in that date's units."""
    e = _ENTITIES[cik]
    econ = e.economics
    assert econ is not None
    base = econ.shares / _split_factor(e.ticker, SPLIT_REFERENCE)
    wiggle = 1 + (zlib.crc32(f"{cik}{day}".encode()) % 2001 - 1000) / 1e6
    count = base * np.exp(econ.buyback * (_years(day) - 2024.5)) * wiggle
    return round(float(count) * _split_factor(e.ticker, day))


def _close(ticker: str, day: dt.date) -> float:
    """The as-traded close of the last session on or before `day`."""
    h = history(ticker)
    i = bisect.bisect_right(h.sessions, day) - 1
    return float(h.close[max(i, 0)])


@dataclass(frozen=True)
class _Fact:
    taxonomy: str
    concept: str
    unit: str
    start: dt.date | None
    end: dt.date
    val: int | float


@lru_cache(maxsize=4096)
def _filing_facts(accession: str) -> tuple[_Fact, ...]:
    """The XBRL facts a 10-Q/10-K reports: current and comparative periods, like real filings."""
    f = _world().by_accession[accession]
    p = f.detail
    assert isinstance(p, _Periodic)
    qs, books = _quarters(f.cik), _books(f.cik)
    k, q, order, day = p.k, p.q, _order(p.fy, p.q), f.filing_date
    if q == 4:
        spans = [list(range(k - 3 - 4 * y, k + 1 - 4 * y)) for y in range(3)]
        instants = {"Assets": [k, k - 4], "StockholdersEquity": [k, k - 4, k - 8, k - 12]}
    else:
        spans = [[k], [k - 4]]
        if q > 1:
            spans += [list(range(k - q + 1, k + 1)), list(range(k - 3 - q, k - 3))]
        instants = {"Assets": [k, k - q], "StockholdersEquity": [k, k - q, k - 4, k - 4 - q]}
    facts: list[_Fact] = []
    for ks in spans:
        start, end = qs[ks[0]].start, qs[ks[-1]].end
        revenue, income, basic, diluted = _flow(f.cik, ks, order, day)
        facts += [
            _Fact("us-gaap", REVENUE, "USD", start, end, revenue),
            _Fact("us-gaap", "NetIncomeLoss", "USD", start, end, income),
            _Fact("us-gaap", "EarningsPerShareBasic", "USD/shares", start, end, basic),
            _Fact("us-gaap", "EarningsPerShareDiluted", "USD/shares", start, end, diluted),
        ]
    for concept, ks in instants.items():
        values = books.assets if concept == "Assets" else books.equity
        facts += [_Fact("us-gaap", concept, "USD", None, qs[i].end, int(values[i])) for i in ks]
    cover = _cover_date(f)
    facts.append(
        _Fact(
            "dei",
            "EntityCommonStockSharesOutstanding",
            "shares",
            None,
            cover,
            _shares_outstanding(f.cik, cover),
        )
    )
    if q == 4:
        mid_year = nyse().previous_session(qs[k - 2].end + dt.timedelta(days=1))
        value = _close(_ENTITIES[f.cik].ticker, mid_year) * _shares_outstanding(f.cik, mid_year)
        facts.append(
            _Fact("dei", "EntityPublicFloat", "USD", None, mid_year, int(round(value * 0.998, -6)))
        )
    return tuple(facts)


def _cover_date(f: Filing) -> dt.date:
    """The 'shares outstanding as of' date on a periodic report's cover: days before filing."""
    p = f.detail
    assert isinstance(p, _Periodic)
    period_end = _quarters(f.cik)[p.k].end
    back = 6 + zlib.crc32(f.accession.encode()) % 12
    return max(f.filing_date - dt.timedelta(days=back), period_end + dt.timedelta(days=1))


_CONCEPTS: dict[str, tuple[str, str]] = {
    "EntityCommonStockSharesOutstanding": (
        "Entity Common Stock, Shares Outstanding",
        "Indicate number of shares or other units outstanding of each of registrant's classes of "
        "capital or common stock or other ownership interests, if and as stated on cover of "
        "related periodic report. Where multiple classes or units exist define each "
        "class/interest by adding class of stock items such as Common Class A [Member], Common "
        "Class B [Member] or Partnership Interest [Member] onto the Instrument [Domain] of the "
        "Entity Listings, Instrument.",
    ),
    "EntityPublicFloat": (
        "Entity Public Float",
        "The aggregate market value of the voting and non-voting common equity held by "
        "non-affiliates computed by reference to the price at which the common equity was last "
        "sold, or the average bid and asked price of such common equity, as of the last business "
        "day of the registrant's most recently completed second fiscal quarter.",
    ),
    "Assets": (
        "Assets",
        "Sum of the carrying amounts as of the balance sheet date of all assets that are "
        "recognized. Assets are probable future economic benefits obtained or controlled by an "
        "entity as a result of past transactions or events.",
    ),
    "EarningsPerShareBasic": (
        "Earnings Per Share, Basic",
        "The amount of net income (loss) for the period per each share of common stock or unit "
        "outstanding during the reporting period.",
    ),
    "EarningsPerShareDiluted": (
        "Earnings Per Share, Diluted",
        "The amount of net income (loss) for the period available to each share of common stock "
        "or common unit outstanding during the reporting period and to each share or unit that "
        "would have been outstanding assuming the issuance of common shares or units for all "
        "dilutive potential common shares or units outstanding during the reporting period.",
    ),
    "NetIncomeLoss": (
        "Net Income (Loss) Attributable to Parent",
        "The portion of profit or loss for the period, net of income taxes, which is attributable "
        "to the parent.",
    ),
    REVENUE: (
        "Revenue from Contract with Customer, Excluding Assessed Tax",
        "Amount, excluding tax collected from customer, of revenue from satisfaction of "
        "performance obligation by transferring promised good or service to customer. Tax "
        "collected from customer is tax assessed by governmental authority that is both imposed "
        "on and concurrent with specific revenue-producing transaction, including, but not "
        "limited to, sales, use, value added and excise.",
    ),
    "StockholdersEquity": (
        "Stockholders' Equity Attributable to Parent",
        "Total of all stockholders' equity (deficit) items, net of receivables from officers, "
        "directors, owners, and affiliates of the entity which are attributable to the parent. "
        "The amount of the economic entity's stockholders' equity attributable to the parent "
        "excludes the amount of stockholders' equity which is allocable to that ownership "
        "interest in subsidiary equity which is not attributable to the parent (noncontrolling "
        "interest, minority interest). This excludes temporary equity and is sometimes called "
        "permanent equity.",
    ),
}
_TAXONOMIES = {
    "dei": ("EntityCommonStockSharesOutstanding", "EntityPublicFloat"),
    "us-gaap": (
        "Assets",
        "EarningsPerShareBasic",
        "EarningsPerShareDiluted",
        "NetIncomeLoss",
        REVENUE,
        "StockholdersEquity",
    ),
}


# =================================================================================================
# Insiders and ownership filings

_FIRST = (
    "James", "Maria", "Robert", "Linda", "David", "Susan", "Michael", "Karen", "Thomas", "Nancy",
    "Daniel", "Laura", "Andrew", "Helen", "Gregory", "Diane", "Peter", "Angela", "Samuel", "Ruth",
    "Victor", "Elaine", "Howard", "Teresa", "Martin", "Joan", "Colin", "Priya", "Rafael", "Ingrid",
)  # fmt: skip
_LAST = (
    "Ashford", "Brennan", "Calloway", "Delacroix", "Eastwood", "Fairbanks", "Galloway", "Hartwell",
    "Ingram", "Jardine", "Kessler", "Lindqvist", "Marchetti", "Norwood", "Okafor", "Pemberton",
    "Quinlan", "Rasmussen", "Sandoval", "Thornbury", "Underhill", "Valente", "Whitaker", "Yardley",
    "Zielinski", "Abernathy", "Blackwood", "Castellano", "Donnelly", "Ellison", "Fenwick",
    "Greaves", "Holloway", "Iverson", "Kowalczyk", "Lockhart", "Mansfield", "Nakamura",
)  # fmt: skip
_OFFICERS = (  # title, quarterly grant (USD), initial holding (USD)
    ("Chief Executive Officer", 5.5e6, 6e7),
    ("Chief Financial Officer", 2.2e6, 1.5e7),
)
_THIRD_OFFICERS = (
    "SVP, General Counsel",
    "Chief Operating Officer",
    "SVP, Chief Technology Officer",
)


@cache
def _insiders(cik: int) -> tuple[_Party, ...]:
    """3-5 fictional insiders (officers and directors) of an operating company."""
    e = _ENTITIES[cik]
    rng = _rng(cik, "insiders")
    scale = 1.0 if not e.filler else 0.04
    people: list[_Party] = []
    seats = [(title, grant, holding, False) for title, grant, holding in _OFFICERS]
    if rng.random() < 0.7 or not e.filler:
        seats.append((_THIRD_OFFICERS[int(rng.integers(0, 3))], 1.2e6, 6e6, False))
    seats += [("", 3.0e5, 4e6, True)] * int(rng.integers(1, 3))
    if e.filler:
        seats = seats[: int(rng.integers(1, 3))]
    used: set[str] = set()
    for i, (title, grant, holding, director) in enumerate(seats):
        while True:
            first = _FIRST[int(rng.integers(0, len(_FIRST)))]
            last = _LAST[int(rng.integers(0, len(_LAST)))]
            initial = chr(ord("A") + int(rng.integers(0, 26)))
            if last not in used:
                used.add(last)
                break
        late = rng.random() < 0.3 and i > 0
        start = e.first_filing + dt.timedelta(days=int(rng.integers(200, 2400)) if late else 0)
        people.append(
            _Party(
                cik=_person_cik(cik, i),
                name=f"{last} {first} {initial}",
                display=f"{first} {initial}. {last}",
                title=title,
                director=director,
                seller=not director and (i == 0 or rng.random() < 0.5),
                start=start,
                grant_usd=grant * scale * float(rng.uniform(0.7, 1.4)),
                holding_usd=holding * scale * float(rng.uniform(0.5, 2.0)),
            )
        )
    return tuple(people)


def _person_cik(company: int, seat: int) -> int:
    """Unique across the world: registrants are 2311 apart, seats 97 apart within them."""
    slot = list(_ENTITIES).index(company)
    return 1700000 + 2311 * slot + 97 * seat + zlib.crc32(f"{company}:{seat}".encode()) % 90


class _Holdings:
    """An insider's running position, kept in as-traded units across splits."""

    def __init__(self, common: int, units: int) -> None:
        self.common = common
        self.units = units

    def split(self, ratio: float) -> None:
        self.common = round(self.common * ratio)
        self.units = round(self.units * ratio)


_RSU = "Restricted Stock Unit"
_RSU_NOTE = (
    "Each restricted stock unit represents a contingent right to receive one share of common stock."
)
_WITHHOLD_NOTE = (
    "Represents shares withheld by the issuer to satisfy tax withholding obligations in connection "
    "with the net settlement of restricted stock units; no shares were sold."
)


def _schedule(e: _Entity, person: _Party) -> dict[dt.date, list[str]]:
    """Transaction days of one insider and what happens on each."""
    rng = _rng(e.cik, person.cik, "schedule")
    first = max(e.first_filing, person.start, START) + dt.timedelta(days=10)
    last = min(e.last_filing, HORIZON) - dt.timedelta(days=10)
    days: dict[dt.date, list[str]] = {}

    def add(day: dt.date, kind: str) -> None:
        day = _trading_business_day(day)
        if first <= day <= last:
            days.setdefault(day, []).append(kind)

    if e.filler:
        for year in range(first.year, last.year + 1):
            add(D(year, 3, 1) + dt.timedelta(days=int(rng.integers(0, 30))), "grant")
            for _ in range(int(rng.integers(0, 3))):
                when = D(year, 1, 15) + dt.timedelta(days=int(rng.integers(0, 330)))
                add(when, "buy" if person.director or rng.random() < 0.35 else "sale")
        return days
    grant_offset, vest_offset = int(rng.integers(38, 52)), int(rng.integers(12, 24))
    sale_day = int(rng.integers(3, 27))
    for quarter in _quarters(e.cik):
        if quarter.end < first - dt.timedelta(days=100) or quarter.start > last:
            continue
        if person.director:
            if quarter.q == 2:  # last year's award vests and a new one is granted
                add(_annual_meeting(e, quarter.fy), "vest")
                add(_annual_meeting(e, quarter.fy), "grant")
            continue
        add(quarter.start + dt.timedelta(days=grant_offset), "grant")
        add(quarter.start + dt.timedelta(days=vest_offset), "vest")
    if person.seller:
        month = D(first.year, first.month, 1)
        while month <= last:
            if month >= first + dt.timedelta(days=60):
                add(D(month.year, month.month, sale_day), "plan")
            month = month_end(month.year, month.month) + dt.timedelta(days=1)
    return days


def _plan_adopted(day: dt.date, person: _Party) -> dt.date:
    """The 10b5-1 plan a sale runs under: adopted each November, used the following year."""
    year = day.year - 1 if day.month > 2 else day.year - 2
    offset = zlib.crc32(f"{person.cik}{year}".encode()) % 20
    return _business_day(D(year, 11, 3) + dt.timedelta(days=offset))


def _ownership_drafts(e: _Entity) -> list[Filing]:
    """Form 4s (and the odd 4/A) of every insider, with holdings carried through splits."""
    if e.company.kind != "operating":
        return []
    h = history(e.ticker)
    where = {d: i for i, d in enumerate(h.sessions)}
    splits = sorted(profile(e.ticker).splits)
    out: list[Filing] = []
    for person in _insiders(e.cik):
        rng = _rng(e.cik, person.cik, "trades")
        schedule = _schedule(e, person)
        position: _Holdings | None = None
        last_day = D(1990, 1, 1)
        for day in sorted(schedule):
            if day not in where:
                continue
            close = float(h.close[where[day]])
            if position is None:  # opened in this day's units: earlier splits do not apply
                position = _Holdings(
                    int(round(person.holding_usd / close, -1)),
                    round(person.grant_usd * (1 if person.director else 2) / close),
                )
                last_day = day
            for when, numerator, denominator in splits:
                if last_day < when <= day:
                    position.split(numerator / denominator)
            last_day = day
            rows, plan = _rows(e, person, schedule[day], day, close, position, rng)
            if rows:
                out.extend(_form4_filings(e, person, tuple(rows), plan, day, rng))
    return out


def _rows(
    e: _Entity,
    person: _Party,
    kinds: list[str],
    day: dt.date,
    close: float,
    position: _Holdings,
    rng: np.random.Generator,
) -> tuple[list[_Row], bool]:
    """The table rows of one insider's transactions on one day; updates the position."""

    def stock(code: str, shares: int, price: float | None, acquired: str, **notes: tuple) -> _Row:
        return _Row(
            False, "Common Stock", day, code, shares, price, acquired, position.common, **notes
        )

    def units(code: str, count: int, price: float | None, acquired: str, **notes: tuple) -> _Row:
        return _Row(
            True,
            _RSU,
            day,
            code,
            count,
            price,
            acquired,
            position.units,
            exercise_note=_RSU_NOTE,
            **notes,
        )

    rows: list[_Row] = []
    plan = False
    zero_price = e.form4_style != "form4"  # some issuers leave grant prices to a footnote
    for kind in sorted(set(kinds), key=("vest", "grant", "buy", "sale", "plan").index):
        if kind == "grant":
            granted = max(10, round(person.grant_usd / close))
            position.units += granted
            if zero_price:
                rows.append(units("A", granted, 0.0, "A"))
            else:
                rows.append(units("A", granted, None, "A", price_notes=("Not applicable.",)))
        elif kind == "vest":
            vested = round(position.units * (1.0 if person.director else 0.16))
            if vested < 10:
                continue
            position.units -= vested
            rows.append(units("M", vested, 0.0, "D"))
            position.common += vested
            rows.append(stock("M", vested, 0.0, "A"))
            if not person.director:  # officers' vesting is net-settled for taxes
                withheld = round(vested * float(rng.uniform(0.36, 0.46)))
                position.common -= withheld
                rows.append(
                    stock("F", withheld, round(close, 2), "D", price_notes=(_WITHHOLD_NOTE,))
                )
        elif kind == "buy":
            bought = int(round(float(rng.uniform(2e4, 2e5)) / close, -1)) or 10
            position.common += bought
            rows.append(
                stock("P", bought, round(close * (1 + float(rng.normal(0, 0.004))), 4), "A")
            )
        else:  # "sale" (open market) or "plan" (10b5-1 plan sale)
            total = int(round(position.common * float(rng.uniform(0.015, 0.045)), -1))
            if total < 100:
                continue
            is_plan = kind == "plan" or (day >= X0508_FROM and rng.random() < 0.5)
            plan = plan or is_plan
            plan_notes = (_plan_note(_plan_adopted(day, person)),) if is_plan else ()
            parts = int(rng.integers(1, 4))  # fills at up to three weighted-average prices
            cuts = np.sort(rng.choice(np.arange(1, 100), size=parts - 1, replace=False))
            sizes = np.diff(np.concatenate([[0], cuts, [100]])) * total // 100
            sizes[-1] += total - int(sizes.sum())
            for sold in (int(n) for n in sizes if n > 0):
                price = round(close * (1 + float(rng.normal(0, 0.004))), 4)
                low = round(price * (1 - float(rng.uniform(0.001, 0.006))), 2)
                high = round(price * (1 + float(rng.uniform(0.001, 0.006))), 2)
                position.common -= sold
                rows.append(
                    stock(
                        "S",
                        sold,
                        price,
                        "D",
                        security_notes=plan_notes,
                        price_notes=(_range_note(low, high),),
                    )
                )
    return rows, plan


def _plan_note(adopted: dt.date) -> str:
    return (
        "The sale reported in this Form 4 was effected pursuant to a Rule 10b5-1 trading plan "
        f"adopted by the reporting person on {_long_date(adopted)}."
    )


def _range_note(low: float, high: float) -> str:
    return (
        f"This transaction was executed in multiple trades at prices ranging from ${low:.2f} to "
        f"${high:.2f}, inclusive. The price reported above reflects the weighted average sale "
        "price. The reporting person undertakes to provide to the SEC staff, the issuer or a "
        "security holder of the issuer, upon request, full information regarding the number of "
        "shares sold at each separate price within the range."
    )


def _form4_filings(
    e: _Entity,
    person: _Party,
    rows: tuple[_Row, ...],
    plan: bool,
    day: dt.date,
    rng: np.random.Generator,
) -> list[Filing]:
    """The Form 4 for one day's rows (filed within two business days, 16:00-21:30 ET) and, now
    and then, a 4/A correcting the holdings it misreported."""
    same_day = rng.random() < 0.12 and edgar().is_business_day(day)
    filed_on = day if same_day else _after_business_days(day, 1 + int(rng.random() < 0.35))
    accepted = _moment(filed_on, 16.0, 21.5, rng)
    amend = rng.random() < 0.025
    shown = rows
    if amend:  # the original misstates the holdings after the last row
        last = rows[-1]
        shown = (
            *rows[:-1],
            replace(last, owned_after=last.owned_after + 10 ** int(rng.integers(2, 4))),
        )
    original = _form4(e, person, "4", accepted, _Ownership(person, shown, plan), rng)
    if not amend:
        return [original]
    later = _after_business_days(original.filing_date, int(rng.integers(2, 7)))
    remarks = (
        "This amendment is being filed to correct the number of securities beneficially owned "
        "following the reported transaction, which was misstated in the original filing."
    )
    fix = _Ownership(person, rows, plan, original.filing_date, remarks)
    return [original, _form4(e, person, "4/A", _moment(later, 16.0, 21.5, rng), fix, rng)]


def _form4(
    e: _Entity,
    person: _Party,
    form: str,
    accepted: dt.datetime,
    detail: _Ownership,
    rng: np.random.Generator,
) -> Filing:
    """An ownership filing: the XSL-rendered path EDGAR lists, named the way the issuer's filing
    software names it (Workiva wk-form4_<epoch>.xml, form4.xml or an agent's doc4.xml)."""
    local = accepted.astimezone(NY)
    folder = "xslF345X05" if local.date() >= X0508_FROM else "xslF345X03"
    stamp = int(accepted.timestamp()) - int(rng.integers(20, 400))
    if e.form4_style == "wk":
        name = (
            f"wk-form4_{stamp}.xml"
            if local.date() >= D(2020, 1, 1)
            else f"wf-form4_{stamp}{int(rng.integers(10000, 99999))}.xml"
        )
        description = "FORM 4" if form == "4" else "FORM 4/A"
    elif e.form4_style == "form4":
        name = "form4.xml"
        description = (
            "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES"
            if form == "4"
            else "AMENDED STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES"
        )
    else:
        name = "doc4a.xml" if form == "4/A" else "doc4.xml"
        description = "FORM 4 SUBMISSION" if form == "4" else "FORM 4/A SUBMISSION"
    return Filing(
        cik=e.cik,
        form=form,
        accepted=accepted,
        filing_date=edgar().filing_date(accepted, form),
        report_date=min(r.day for r in detail.rows),
        agent=e.form4_agent or e.cik10,
        document=f"{folder}/{name}",
        description=description,
        act="",
        file_number="",
        parties=((person, "Reporting"),),
        detail=detail,
    )


# =================================================================================================
# Other filings of a registrant


def _annual_meeting(e: _Entity, fy: int) -> dt.date:
    """The annual meeting of fiscal year `fy`: about four months after that year began."""
    q = next(q for q in _quarters(e.cik) if q.fy == fy and q.q == 2)
    offset = zlib.crc32(f"{e.cik}meeting{fy}".encode()) % 20
    return _trading_business_day(q.start + dt.timedelta(days=30 + offset))


def _donnelley(rng: np.random.Generator, suffix: str) -> str:
    return f"d{int(rng.integers(100000, 999999))}d{suffix}.htm"


def _document(e: _Entity, agent: str, kind: str, day: dt.date, rng: np.random.Generator) -> str:
    """Primary document names the way each kind of filer agent writes them."""
    periodic = kind in ("10q", "10k")
    if agent in ("0001193125", "0000950123") and (not periodic or day < D(2019, 6, 15)):
        return _donnelley(rng, {"10q": "10q", "10k": "10k"}.get(kind, kind))
    if agent == "0001140361" and kind not in ("10q", "10k"):
        return f"ny{int(rng.integers(20000000, 29999999))}x{int(rng.integers(1, 5))}_{kind}.htm"
    if agent == "0001564590" and kind in ("10q", "10k"):
        return f"{e.prefix}-{kind}_{day:%Y%m%d}.htm"
    if periodic or kind == "8k":
        return f"{e.prefix}-{day:%Y%m%d}.htm"
    return f"{e.prefix}{day.year}_{kind}.htm"


def _filing(e: _Entity, form: str, accepted: dt.datetime, **fields: object) -> Filing:
    """A registrant's own filing with the filing date EDGAR would give it."""
    return Filing(
        cik=e.cik,
        form=form,
        accepted=accepted,
        filing_date=edgar().filing_date(accepted, form),
        **fields,  # type: ignore[arg-type]
    )


def _eight_k(
    e: _Entity,
    accepted: dt.datetime,
    day: dt.date,
    agent: str,
    rng: np.random.Generator,
    *,
    report_date: dt.date,
    items: str,
    detail: object,
) -> Filing:
    """An XBRL-tagged 8-K whose primary document is named for `day`."""
    return _filing(
        e,
        "8-K",
        accepted,
        report_date=report_date,
        agent=agent,
        document=_document(e, agent, "8k", day, rng),
        description="8-K",
        act="34",
        file_number=e.file_number,
        items=items,
        xbrl=True,
        detail=detail,
    )


def _periodic_drafts(e: _Entity) -> list[Filing]:
    """10-Qs, 10-Ks and the earnings 8-K of every fiscal quarter."""
    out: list[Filing] = []
    big = not e.filler
    for k, quarter in enumerate(_quarters(e.cik)):
        if k < 12:
            continue
        rng = _rng(e.cik, "periodic", quarter.fy, quarter.q)
        detail = _Periodic(quarter.fy, quarter.q, k)
        # earnings release: a trading day 20-30 days out (later for small filers), after the close
        lag = int(rng.integers(20, 31)) + (int(rng.integers(10, 25)) if e.filler else 0)
        release = _trading_business_day(quarter.end + dt.timedelta(days=lag))
        hours = (7.0, 8.0) if e.premarket else (16.0 + 5 / 60, 16.0 + 35 / 60)
        agent = e.agent(release)
        released = _moment(release, *hours, rng)
        if not e.filler or rng.random() < 0.75:
            out.append(
                _eight_k(
                    e,
                    released,
                    release,
                    agent,
                    rng,
                    report_date=release,
                    items="2.02,9.01",
                    detail=detail,
                )
            )
        annual = quarter.q == 4
        lag = int(rng.integers(55, 66) if annual else rng.integers(30, 41))
        if e.filler:
            lag += 15 if annual else 5
        day = _business_day(max(quarter.end + dt.timedelta(days=lag), release))
        late = rng.random() < (0.3 if big else 0.15)
        accepted = _moment(day, *((17.55, 18.6) if late else (15.0 if big else 9.0, 17.45)), rng)
        if accepted <= released:  # the report never precedes its earnings release
            accepted = released + dt.timedelta(minutes=int(rng.integers(20, 90)))
        form = "10-K" if annual else "10-Q"
        agent = e.agent(day)
        out.append(
            _filing(
                e,
                form,
                accepted,
                report_date=quarter.end,
                agent=agent,
                document=_document(e, agent, "10k" if annual else "10q", quarter.end, rng),
                description=form,
                act="34",
                file_number=e.file_number,
                xbrl=True,
                detail=detail,
            )
        )
    return out


_EVENTS = (
    ("5.02", "Leadership change"),
    ("8.01,9.01", "Other events"),
    ("7.01,9.01", "Regulation FD disclosure"),
    ("1.01,9.01", "Material agreement"),
)


def _event_drafts(e: _Entity) -> list[Filing]:
    """Other 8-Ks, the proxy statement and the vote results of every year."""
    out: list[Filing] = []
    for fy in range(2009, 2029):
        rng = _rng(e.cik, "events", fy)
        meeting = _annual_meeting(e, fy)
        proxy_day = _business_day(meeting - dt.timedelta(days=int(rng.integers(40, 52))))
        agent = e.event_agent or e.agent(proxy_day)
        out.append(
            _filing(
                e,
                "DEF 14A",
                _moment(proxy_day, 6.0, 9.5, rng),
                report_date=None,
                agent=agent,
                document=_document(e, agent, "def14a", proxy_day, rng),
                description="DEF 14A",
                act="34",
                file_number=e.file_number,
                detail=_Note("Annual meeting", meeting.isoformat()),
            )
        )
        vote_day = _after_business_days(meeting, int(rng.integers(1, 4)))
        out.append(
            _eight_k(
                e,
                _moment(vote_day, 16.0, 17.25, rng),
                vote_day,
                e.agent(vote_day),
                rng,
                report_date=meeting,
                items="5.07",
                detail=_Note("Vote results", meeting.isoformat()),
            )
        )
        for _ in range(int(rng.integers(1, 4) if not e.filler else rng.integers(0, 2))):
            items, title = _EVENTS[int(rng.integers(0, len(_EVENTS)))]
            event = _business_day(D(fy, 1, 10) + dt.timedelta(days=int(rng.integers(0, 340))))
            filed = _after_business_days(event, int(rng.integers(0, 4)))
            agent = e.event_agent or e.agent(filed)
            out.append(
                _eight_k(
                    e,
                    _moment(filed, 8.0, 18.5, rng),
                    filed,
                    agent,
                    rng,
                    report_date=event,
                    items=items,
                    detail=_Note(title, event.isoformat()),
                )
            )
    return out


def _filler_extra_drafts(e: _Entity) -> list[Filing]:
    """What makes fillers look like the rest of EDGAR: 13G holders, note programs, Form Ds."""
    out: list[Filing] = []
    for year in range(2010, 2028):
        rng = _rng(e.cik, "extra", year)
        if rng.random() < 0.35:
            holder = _INSTITUTIONS[int(rng.integers(0, len(_INSTITUTIONS)))]
            day = _business_day(D(year, 2, 1) + dt.timedelta(days=int(rng.integers(0, 13))))
            out.append(
                _filing(
                    e,
                    "SC 13G",
                    _moment(day, 9.0, 17.0, rng),
                    report_date=None,
                    agent=f"{holder.cik:010d}",
                    document=f"sc13g{e.prefix}{year}.htm",
                    description="SCHEDULE 13G",
                    act="34",
                    file_number=f"005-{e.cik % 99991:05d}",
                    parties=((holder, "Filed by"),),
                    detail=_Note("Beneficial ownership", f"{rng.uniform(5.0, 9.9):.1f}"),
                )
            )
        notes = int(rng.integers(8, 20)) if e.filler == "bank" else 0
        for _ in range(notes):
            day = _business_day(D(year, 1, 5) + dt.timedelta(days=int(rng.integers(0, 355))))
            out.append(
                _filing(
                    e,
                    "424B2",
                    _moment(day, 7.5, 17.4, rng),
                    report_date=None,
                    agent="0001193125",
                    document=_donnelley(rng, "424b2"),
                    description="424B2",
                    act="33",
                    file_number=f"333-{200000 + e.cik % 70000}",
                    detail=_Note("Market-linked notes", f"{rng.integers(1, 50) * 1000:d}"),
                )
            )
        if e.filler == "capital" or rng.random() < 0.15:
            day = _business_day(D(year, 1, 20) + dt.timedelta(days=int(rng.integers(0, 320))))
            out.append(
                _filing(
                    e,
                    "D",
                    _moment(day, 8.0, 17.4, rng),
                    report_date=None,
                    agent=e.cik10,
                    document="xslFormDX01/primary_doc.xml",
                    description="",
                    act="33",
                    file_number=f"021-{300000 + e.cik % 90000}",
                    detail=_Note("Offering", f"{int(rng.integers(2, 60)) * 500000}"),
                )
            )
    if e.ticker == LEAVING.ticker:
        out += _leaving_drafts(e)
    return [f for f in out if max(START, e.first_filing) <= f.filing_date <= e.last_filing]


def _leaving_drafts(e: _Entity) -> list[Filing]:
    """The acquired filler's last filings: the merger 8-K and the deregistration."""
    rng = _rng(e.cik, "leaving")
    closing = LEAVES_ON - dt.timedelta(days=3)
    merger = _eight_k(
        e,
        _moment(closing, 16.2, 16.9, rng),
        closing,
        e.agent(closing),
        rng,
        report_date=closing,
        items="2.01,3.01,5.01,5.02,5.03,9.01",
        detail=_Note("Completion of merger", closing.isoformat()),
    )
    day = _business_day(LEAVES_ON + dt.timedelta(days=7))
    deregister = _filing(
        e,
        "15-12G",
        _moment(day, 9.0, 12.0, rng),
        report_date=None,
        agent=e.agent(day),
        document=_donnelley(rng, "1512g"),
        description="15-12G",
        act="34",
        file_number=e.file_number,
        detail=_Note("Deregistration"),
    )
    return [merger, deregister]


def _fund_drafts(e: _Entity) -> list[Filing]:
    """An ETF's shareholder reports, registration updates, fee notices and portfolio reports."""
    out: list[Filing] = []
    agent = e.agent(START)
    for fy in range(2009, 2029):
        rng = _rng(e.cik, "fund", fy)
        fy_end, half = D(fy, 9, 30), D(fy, 3, 31)
        plan = [
            ("N-CSR", fy_end + dt.timedelta(days=int(rng.integers(62, 70))), fy_end, "ncsr"),
            ("N-CSRS", half + dt.timedelta(days=int(rng.integers(60, 68))), half, "ncsrs"),
            (
                "485BPOS",
                D(fy, 1, 14) + dt.timedelta(days=int(rng.integers(0, 14))),
                None,
                "485bpos",
            ),
            ("24F-2NT", fy_end + dt.timedelta(days=int(rng.integers(70, 88))), fy_end, "24f2nt"),
        ]
        for month in (12, 3, 6, 9):
            period = month_end(fy - (month == 12), month)
            due = period + dt.timedelta(days=int(rng.integers(55, 60)))
            if due >= D(2019, 6, 1):
                plan.append(("NPORT-P", due, period, "nport"))
            elif month in (12, 6):
                plan.append(("N-Q", due, period, "nq"))
        for form, day, period, kind in plan:
            day = _business_day(day)
            xml = kind in ("nport", "24f2nt")
            document = (
                "xslFormNPORT-P_X01/primary_doc.xml"
                if kind == "nport"
                else "xsl24F-2NT_X01/primary_doc.xml"
                if kind == "24f2nt"
                else _donnelley(rng, kind)
            )
            number = ETF_FILE_NUMBERS[e.cik] if form == "485BPOS" else e.file_number
            out.append(
                _filing(
                    e,
                    form,
                    _moment(day, 9.0, 17.9, rng),
                    report_date=period,
                    agent=agent,
                    document=document,
                    description="" if xml else form,
                    act="33" if form == "485BPOS" else "40",
                    file_number=number,
                    xbrl=form == "485BPOS",
                    detail=_Note(form),
                )
            )
    return out


def _drafts(e: _Entity) -> list[Filing]:
    """Every filing of one registrant inside its active years (accession numbers still blank)."""
    if e.company.kind == "etf":
        drafts = _fund_drafts(e)
    else:
        drafts = _periodic_drafts(e) + _event_drafts(e) + _ownership_drafts(e)
        if e.filler:
            drafts += _filler_extra_drafts(e)
    lo, hi = max(START, e.first_filing), min(HORIZON, e.last_filing)
    keep = [f for f in drafts if lo <= f.accepted.astimezone(NY).date() and f.filing_date <= hi]
    if e.ticker == LEAVING.ticker:
        keep = [f for f in keep if f.filing_date < LEAVES_ON or f.form in ("8-K", "15-12G")]
        keep = [f for f in keep if f.filing_date < LEAVES_ON + dt.timedelta(days=14)]
    return keep


# =================================================================================================
# The assembled world

_AGENT_VOLUME = {  # submissions a big filing agent makes in a year (spreads sequence numbers)
    "0001193125": 330000,
    "0000950170": 150000,
    "0001628280": 45000,
    "0001209191": 95000,
    "0001140361": 52000,
    "0000950123": 18000,
    "0001564590": 40000,
    "0000899243": 26000,
    "0001558370": 21000,
    "0001437749": 24000,
    "0001213900": 60000,
}


@dataclass(frozen=True)
class _World:
    filings: tuple[Filing, ...]  # by acceptance time
    accepted: tuple[dt.datetime, ...]
    by_accession: dict[str, Filing]
    by_cik: dict[int, tuple[Filing, ...]]  # newest first, the submissions JSON order
    by_day: dict[dt.date, tuple[Filing, ...]]  # by filing date


@cache
def _world() -> _World:
    """All filings of all registrants, with accession and film numbers assigned in time order."""
    drafts = [f for e in _ENTITIES.values() for f in _drafts(e)]
    drafts.sort(key=lambda f: (f.accepted, f.cik, f.form, f.document))
    sequences: dict[tuple[str, int], int] = {}
    films: dict[int, int] = {}
    assigned: list[Filing] = []
    rng = _rng("accessions")
    for f in drafts:
        local = f.local
        year = local.year
        key = (f.agent, year)
        previous = sequences.get(key, 0)
        volume = _AGENT_VOLUME.get(f.agent)
        if volume:
            estimate = int(volume * (local.timetuple().tm_yday - 1) / 366) + int(
                rng.integers(0, 40)
            )
            sequence = max(previous + 1, estimate)
        else:
            sequence = previous + 1 + int(rng.integers(0, 3))
        sequences[key] = sequence
        film_base = films.get(year, 0)
        films[year] = max(
            film_base + 1 + int(rng.integers(0, 9)),
            int(1_700_000 * (local.timetuple().tm_yday - 1) / 366),
        )
        digits = 7 if year >= 2015 else 6
        film = f"{year % 100:02d}{films[year] % 10**digits:0{digits}d}"
        accession = f"{f.agent}-{year % 100:02d}-{sequence:06d}"
        assigned.append(replace(f, accession=accession, film=film))
    by_cik: dict[int, list[Filing]] = {}
    by_day: dict[dt.date, list[Filing]] = {}
    for f in assigned:
        by_cik.setdefault(f.cik, []).append(f)
        by_day.setdefault(f.filing_date, []).append(f)
    ordered = {
        cik: tuple(sorted(fs, key=lambda f: (f.filing_date, f.accepted), reverse=True))
        for cik, fs in by_cik.items()
    }
    by_accession = {f.accession: f for f in assigned}
    assert len(by_accession) == len(assigned), "accession numbers must be unique"
    return _World(
        filings=tuple(assigned),
        accepted=tuple(f.accepted for f in assigned),
        by_accession=by_accession,
        by_cik=ordered,
        by_day={d: tuple(fs) for d, fs in by_day.items()},
    )


def _visible(f: Filing, as_of: dt.datetime) -> bool:
    return f.accepted <= as_of


def _involved(f: Filing) -> list[tuple[int, str, str]]:
    """(cik, name, role) of every filer of a submission, in EDGAR's listing order."""
    e = _ENTITIES[f.cik]
    if f.form in ("3", "4", "5", "3/A", "4/A", "5/A"):
        return [(p.cik, p.name, role) for p, role in f.parties] + [(e.cik, e.name, "Issuer")]
    if f.parties:
        return [(e.cik, e.name, "Subject")] + [(p.cik, p.name, role) for p, role in f.parties]
    return [(e.cik, e.name, "Filer")]


# =================================================================================================
# Renderers: ticker files and submissions


def _listed(e: _Entity, as_of: dt.datetime) -> bool:
    local = as_of.astimezone(NY).date()
    if local < e.listed_from:
        return False
    return e.listed_until is None or local < e.listed_until


def _ticker_rows(as_of: dt.datetime) -> list[tuple[_Entity, str]]:
    """(entity, ticker) rows in the ticker files' order: the big names first, like the real file,
    fillers after them and GOOG near the end."""
    order = ("MSFT", "AAPL", "NVDA", "GOOGL", "AMZN", "META", "TSLA", "SPY", "QQQ")
    universe = sorted(_UNIVERSE, key=lambda e: order.index(e.ticker))
    rows = [(e, e.ticker) for e in universe if _listed(e, as_of)]
    rows += [(e, e.ticker) for e in _FILLERS if _listed(e, as_of)]
    rows += [(e, t) for e in universe if _listed(e, as_of) for t in e.extra_tickers]
    return rows


def _company_tickers(as_of: dt.datetime) -> bytes:
    rows = _ticker_rows(as_of)
    return orjson.dumps(
        {
            str(i): {"cik_str": e.cik, "ticker": ticker, "title": e.name}
            for i, (e, ticker) in enumerate(rows)
        }
    )


def _company_tickers_exchange(as_of: dt.datetime) -> bytes:
    rows = _ticker_rows(as_of)
    return orjson.dumps(
        {
            "fields": ["cik", "name", "ticker", "exchange"],
            "data": [[e.cik, e.name, t, e.company.exchange] for e, t in rows],
        }
    )


def _acceptance_text(f: Filing) -> str:
    """acceptanceDateTime as the submissions JSON shows it, quirk included."""
    moment = f.local if _ENTITIES[f.cik].local_z else f.accepted
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


_COLUMNS = (
    "accessionNumber", "filingDate", "reportDate", "acceptanceDateTime", "act", "form",
    "fileNumber", "filmNumber", "items", "size", "isXBRL", "isInlineXBRL", "primaryDocument",
    "primaryDocDescription",
)  # fmt: skip
_OWNERSHIP_FORMS = ("3", "4", "5", "3/A", "4/A", "5/A")


@lru_cache(maxsize=65536)
def _row_values(accession: str) -> tuple[object, ...]:
    """One filing's values in the submissions column order (cached: they never change)."""
    f = _world().by_accession[accession]
    ownership = f.form in _OWNERSHIP_FORMS
    return (
        f.accession,
        f.filing_date.isoformat(),
        f.report_date.isoformat() if f.report_date else "",
        _acceptance_text(f),
        f.act,
        f.form,
        f.file_number,
        "" if ownership else f.film,
        f.items,
        _size(f.accession),
        int(f.xbrl),
        int(f.xbrl),
        f.document,
        f.description,
    )


def _columns(filings: Sequence[Filing]) -> dict[str, list[object]]:
    rows = [_row_values(f.accession) for f in filings]
    return {name: [row[i] for row in rows] for i, name in enumerate(_COLUMNS)}


def _submission_split(cik: int, as_of: dt.datetime) -> tuple[list[Filing], list[list[Filing]]]:
    """Recent filings (a year or 1,000, whichever is more) and the older pages of 1,000."""
    filings = [f for f in _world().by_cik.get(cik, ()) if _visible(f, as_of)]
    year_ago = as_of.astimezone(NY).date() - dt.timedelta(days=365)
    in_year = sum(1 for f in filings if f.filing_date >= year_ago)
    cut = max(1000, in_year)
    older = filings[cut:]
    return filings[:cut], [older[i : i + 1000] for i in range(0, len(older), 1000)]


def _address(e: _Entity) -> dict[str, object]:
    return {
        "street1": e.street,
        "street2": None,
        "city": e.city,
        "stateOrCountry": e.state,
        "zipCode": e.zip_code,
        "stateOrCountryDescription": e.state,
    }


def _submissions(cik: int, as_of: dt.datetime) -> bytes | None:
    """The submissions JSON as of the clock, in the key order of the real (2023) Apple file."""
    e = _ENTITIES.get(cik)
    if e is None:
        return None
    recent, pages = _submission_split(cik, as_of)
    if not recent:
        return None
    tickers = [e.ticker, *e.extra_tickers] if _listed(e, as_of) else []  # delisted: none
    etf = e.company.kind == "etf"
    files = [
        {
            "name": f"CIK{e.cik10}-submissions-{i:03d}.json",
            "filingCount": len(page),
            "filingFrom": page[-1].filing_date.isoformat(),
            "filingTo": page[0].filing_date.isoformat(),
        }
        for i, page in enumerate(pages, 1)
    ]
    body = {
        "cik": str(e.cik),
        "entityType": "other" if etf else "operating",
        "sic": e.sic,
        "sicDescription": e.sic_description,
        "insiderTransactionForOwnerExists": 0,
        "insiderTransactionForIssuerExists": 0 if etf else 1,
        "name": e.name,
        "tickers": tickers,
        "exchanges": [e.company.exchange] * len(tickers),
        "ein": e.ein,
        "description": "",
        "website": "",
        "investorWebsite": "",
        "category": e.category,
        "fiscalYearEnd": e.company.fiscal_year_end,
        "stateOfIncorporation": e.incorporated,
        "stateOfIncorporationDescription": e.incorporated,
        "addresses": {"mailing": _address(e), "business": _address(e)},
        "phone": e.phone,
        "flags": "",
        "formerNames": [{"name": n, "from": a, "to": b} for n, a, b in e.former_names],
        "filings": {"recent": _columns(recent), "files": files},
    }
    return orjson.dumps(body)


def _submissions_page(cik: int, number: int, as_of: dt.datetime) -> bytes | None:
    if cik not in _ENTITIES:
        return None
    _, pages = _submission_split(cik, as_of)
    if not 1 <= number <= len(pages):
        return None
    return orjson.dumps(_columns(pages[number - 1]))


# =================================================================================================
# Renderers: daily indexes

_FORM_HEADER = (
    "Form Type   Company Name                                                  CIK         "
    "Date Filed  File Name"
)
_COMPANY_HEADER = (
    "Company Name                                                  Form Type   CIK\n"
    "      Date Filed  File Name"
)


def _index_rows(day: dt.date) -> list[tuple[str, str, int, str]]:
    """(form, company name, cik, file name) for every filer of every filing dated `day`."""
    rows = []
    for f in _world().by_day.get(day, ()):
        for cik, name, _role in _involved(f):
            rows.append((f.form, name, cik, f"edgar/data/{cik}/{f.accession}.txt"))
    return rows


def _index_closed(day: dt.date, as_of: dt.datetime) -> bool:
    """EDGAR publishes a day's index once it stops accepting filings for that day (22:00 ET)."""
    closes = dt.datetime.combine(day, INDEX_CLOSES).replace(tzinfo=NY)
    return edgar().is_business_day(day) and START <= day <= HORIZON and as_of >= closes


def _daily_index(day: dt.date, kind: str, as_of: dt.datetime) -> bytes | None:
    """form/company (fixed width, the real column positions) or master (pipe) index of a day."""
    if not _index_closed(day, as_of):
        return None
    rows = _index_rows(day)
    received = f"{day:%b} {day.day:>2}, {day.year}"
    stamp = f"{day:%Y%m%d}"
    if kind == "master":
        lines = [
            "Description:           Daily Index of EDGAR Dissemination Feed",
            f"Last Data Received:    {received}",
            "Comments:              webmaster@sec.gov",
            "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
            "",
            "CIK|Company Name|Form Type|Date Filed|File Name",
            "-" * 80,
        ]
        for form, name, cik, path in sorted(rows, key=lambda r: (str(r[2]), r[0], r[3])):
            lines.append(f"{cik}|{name}|{form}|{stamp}|{path}")
        return ("\n".join(lines) + "\n").encode("ascii", errors="replace")
    by_form = kind == "form"
    title = "Form Type" if by_form else "Company Name"
    lines = [
        f"Description:           Daily Index of EDGAR Dissemination Feed by {title}",
        f"Last Data Received:    {received}",
        "Comments:              webmaster@sec.gov",
        "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
        " ",
        " ",
        " ",
        " ",
        _FORM_HEADER if by_form else _COMPANY_HEADER,
        "-" * (141 if by_form else 145),
    ]
    key = (lambda r: (r[0], r[1], r[3])) if by_form else (lambda r: (r[1], r[0], r[3]))
    for form, name, cik, path in sorted(rows, key=key):
        left = f"{form:<12}{name[:60]:<62}" if by_form else f"{name[:60]:<62}{form:<12}"
        lines.append(f"{left}{cik:<12}{stamp:<12}{path:<52}")
    return ("\n".join(lines) + "\n").encode("ascii", errors="replace")


# =================================================================================================
# Renderers: companyfacts


@cache
def _fact_table(cik: int) -> tuple[tuple[str, str, str, tuple, dt.datetime, dict], ...]:
    """Every fact of every periodic filing of a company, sorted like companyfacts lists them:
    (taxonomy, concept, unit, period key, accepted, fact without frame)."""
    rows = []
    for f in _world().by_cik.get(cik, ()):
        if f.form not in ("10-K", "10-Q"):
            continue
        p = f.detail
        assert isinstance(p, _Periodic)
        fp = "FY" if p.q == 4 else f"Q{p.q}"
        for fact in _filing_facts(f.accession):
            body: dict[str, object] = {}
            if fact.start is not None:
                body["start"] = fact.start.isoformat()
            body |= {
                "end": fact.end.isoformat(),
                "val": fact.val,
                "accn": f.accession,
                "fy": p.fy,
                "fp": fp,
                "form": f.form,
                "filed": f.filing_date.isoformat(),
            }
            period = (fact.start, fact.end)
            rows.append((fact.taxonomy, fact.concept, fact.unit, period, f.accepted, body))
    rows.sort(key=lambda r: (r[5]["end"], r[5].get("start", ""), r[5]["filed"], r[5]["accn"]))
    return tuple(rows)


def _frame(start: dt.date | None, end: dt.date) -> str | None:
    """The calendar frame a period belongs to, or None (e.g. for 6- and 9-month durations)."""
    if start is None:
        year, quarter = end.year, (end.month - 1) // 3 + 1
        before = month_end(year, quarter * 3 - 3) if quarter > 1 else D(year - 1, 12, 31)
        after = month_end(year, quarter * 3)
        if (end - before).days < (after - end).days:
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return f"CY{year}Q{quarter}I"
    days = (end - start).days + 1
    middle = start + dt.timedelta(days=(end - start).days // 2)
    if abs(days - 91) <= 30:
        return f"CY{middle.year}Q{(middle.month - 1) // 3 + 1}"
    if abs(days - 365) <= 30:
        return f"CY{middle.year}"
    return None


def _misfit(start: dt.date | None, end: dt.date) -> int:
    """Days between a period and the calendar period of its frame (0 = a perfect fit)."""
    if start is None:
        quarter_end = month_end(end.year, (end.month - 1) // 3 * 3 + 3)
        previous = month_end(end.year, (end.month - 1) // 3 * 3)
        return min(abs((quarter_end - end).days), abs((end - previous).days))
    days = (end - start).days + 1
    return min(abs(days - 91), abs(days - 365))


def _companyfacts(cik: int, as_of: dt.datetime) -> bytes | None:
    """The companyfacts JSON as of the clock: only facts of accepted filings, each calendar frame
    on the latest visible fact of the period that fits it best, like the frames API."""
    e = _ENTITIES.get(cik)
    if e is None or e.company.kind != "operating":
        return None
    visible = [r for r in _fact_table(cik) if r[4] <= as_of]
    if not visible:
        return None
    # the frame goes to the latest filed fact of each period, one period per frame
    latest: dict[tuple, int] = {}
    for i, (tax, concept, unit, period, _, _) in enumerate(visible):
        latest[(tax, concept, unit, period)] = i  # rows are sorted by filed within a period
    framed: dict[tuple, tuple[int, int]] = {}
    for (tax, concept, unit, period), i in latest.items():
        name = _frame(*period)
        if name is None:
            continue
        fit = (_misfit(*period), i)  # the period that fits the calendar frame best keeps it
        key = (tax, concept, unit, name)
        framed[key] = min(framed.get(key, fit), fit)
    frames = {i: key[3] for key, (_, i) in framed.items()}
    facts: dict[str, dict[str, dict]] = {tax: {} for tax in _TAXONOMIES}
    for i, (tax, concept, unit, _, _, body) in enumerate(visible):
        entry = facts[tax].setdefault(concept, {"units": {}})
        fact = body if i not in frames else {**body, "frame": frames[i]}
        entry["units"].setdefault(unit, []).append(fact)
    out: dict[str, dict] = {}
    for tax, concepts in _TAXONOMIES.items():
        out[tax] = {}
        for concept in concepts:
            if concept in facts[tax]:
                label, description = _CONCEPTS[concept]
                units = facts[tax][concept]["units"]
                out[tax][concept] = {"label": label, "description": description, "units": units}
    return orjson.dumps({"cik": cik, "entityName": e.name, "facts": out})


# =================================================================================================
# Renderers: SGML header and full submission


def _company_block(e: _Entity, f: Filing, label: str) -> list[str]:
    """A registrant block (FILER, ISSUER or SUBJECT COMPANY) in EDGAR's tab layout."""
    sic = f"{e.sic_description.upper()} [{e.sic}]" if e.sic else ""
    lines = [
        f"{label}:\t\t",
        "",
        "\tCOMPANY DATA:\t",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{e.name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{e.cik10}",
    ]
    if sic:
        lines.append(f"\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\t{sic}")
    if e.org:
        lines.append(f"\t\tORGANIZATION NAME:           \t{e.org}")
    if e.ein:
        lines.append(f"\t\tIRS NUMBER:\t\t\t\t{e.ein}")
    lines += [
        f"\t\tSTATE OF INCORPORATION:\t\t\t{e.incorporated}",
        f"\t\tFISCAL YEAR END:\t\t\t{e.company.fiscal_year_end}",
        "",
    ]
    if f.form not in _OWNERSHIP_FORMS:
        lines += _filing_values(f, f.file_number or e.file_number)
    lines += [
        "\tBUSINESS ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{e.street}",
        f"\t\tCITY:\t\t\t{e.city}",
        f"\t\tSTATE:\t\t\t{e.state}",
        f"\t\tZIP:\t\t\t{e.zip_code}",
        f"\t\tBUSINESS PHONE:\t\t{e.phone}",
        "",
        "\tMAIL ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{e.street}",
        f"\t\tCITY:\t\t\t{e.city}",
        f"\t\tSTATE:\t\t\t{e.state}",
        f"\t\tZIP:\t\t\t{e.zip_code}",
    ]
    for name, _, end in e.former_names:
        lines += [
            "",
            "\tFORMER COMPANY:\t",
            f"\t\tFORMER CONFORMED NAME:\t{name}",
            f"\t\tDATE OF NAME CHANGE:\t{end[:10].replace('-', '')}",
        ]
    lines.append("")
    return lines


def _filing_values(f: Filing, file_number: str) -> list[str]:
    act = {"34": "1934 Act", "33": "1933 Act", "40": "1940 Act"}.get(f.act, "1934 Act")
    return [
        "\tFILING VALUES:",
        f"\t\tFORM TYPE:\t\t{f.form}",
        f"\t\tSEC ACT:\t\t{act}",
        f"\t\tSEC FILE NUMBER:\t{file_number}",
        f"\t\tFILM NUMBER:\t\t{f.film}",
        "",
    ]


def _party_block(p: _Party, f: Filing, label: str, e: _Entity) -> list[str]:
    street, city, state, zip_code = (
        (f"C/O {e.name.upper()}", e.city, e.state, e.zip_code)
        if label == "REPORTING-OWNER"
        else _INSTITUTION_ADDRESS
    )
    number = e.file_number if label == "REPORTING-OWNER" else f"005-{p.cik % 99991:05d}"
    data = "OWNER DATA" if label == "REPORTING-OWNER" else "COMPANY DATA"
    return [
        f"{label}:\t",
        "",
        f"\t{data}:\t",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{p.name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{p.cik:010d}",
        "",
        *_filing_values(f, number),
        "\tMAIL ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{street}",
        f"\t\tCITY:\t\t\t{city}",
        f"\t\tSTATE:\t\t\t{state}",
        f"\t\tZIP:\t\t\t{zip_code}",
        "",
    ]


def _document_count(f: Filing) -> int:
    """PUBLIC DOCUMENT COUNT: XBRL filings carry dozens of exhibits, ownership forms one file."""
    spread = zlib.crc32(f.accession.encode()) % 15
    if f.form in ("10-K", "10-Q"):
        return 70 + spread * 2
    if f.form == "8-K":
        return 11 + spread // 3 if "2.02" in f.items else 4 + spread // 4
    return (
        1
        if f.form in _OWNERSHIP_FORMS or f.form in ("D", "NPORT-P", "24F-2NT")
        else 2 + spread // 5
    )


def _sgml_header(f: Filing) -> str:
    """The {accession}.hdr.sgml text; its ACCEPTANCE-DATETIME (New York time) is the truth the
    JSON quirk is corrected against."""
    e = _ENTITIES[f.cik]
    local = f.local
    lines = [
        f"<SEC-HEADER>{f.accession}.hdr.sgml : {f.filing_date:%Y%m%d}",
        f"<ACCEPTANCE-DATETIME>{local:%Y%m%d%H%M%S}",
        f"ACCESSION NUMBER:\t\t{f.accession}",
        f"CONFORMED SUBMISSION TYPE:\t{f.form}",
        f"PUBLIC DOCUMENT COUNT:\t\t{_document_count(f)}",
    ]
    if f.report_date:
        lines.append(f"CONFORMED PERIOD OF REPORT:\t{f.report_date:%Y%m%d}")
    for item in filter(None, f.items.split(",")):
        lines.append(f"ITEM INFORMATION:\t\t{EIGHT_K_ITEMS.get(item, item)}")
    lines += [
        f"FILED AS OF DATE:\t\t{f.filing_date:%Y%m%d}",
        f"DATE AS OF CHANGE:\t\t{local:%Y%m%d}",
        "",
    ]
    if f.form in _OWNERSHIP_FORMS:
        for p, _ in f.parties:
            lines += _party_block(p, f, "REPORTING-OWNER", e)
        lines += _company_block(e, f, "ISSUER")
    elif f.parties:
        lines += _company_block(e, f, "SUBJECT COMPANY")
        for p, _ in f.parties:
            lines += _party_block(p, f, "FILED BY", e)
    else:
        lines += _company_block(e, f, "FILER")
    lines.append("</SEC-HEADER>")
    return "\n".join(lines) + "\n"


def _full_submission(f: Filing) -> bytes:
    """The {accession}.txt file the indexes point at: header plus the primary document."""
    header = _sgml_header(f)
    body = _primary(f.accession).decode("latin-1")
    kind = "XML" if f.raw_document.endswith(".xml") else "HTML"
    text = (
        f"<SEC-DOCUMENT>{f.accession}.txt : {f.filing_date:%Y%m%d}\n{header}"
        f"<DOCUMENT>\n<TYPE>{f.form}\n<SEQUENCE>1\n<FILENAME>{f.raw_document}\n"
        f"<DESCRIPTION>{f.description or f.form}\n<TEXT>\n<{kind}>\n{body}\n</{kind}>\n</TEXT>\n"
        "</DOCUMENT>\n</SEC-DOCUMENT>\n"
    )
    return text.encode("latin-1", errors="replace")


# =================================================================================================
# Renderers: Form 4


def _num(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


class _Footnotes:
    """Assigns F1, F2, ... in order of first reference, reusing ids for repeated texts."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def ref(self, text: str, indent: str) -> str:
        key = self.ids.setdefault(text, f"F{len(self.ids) + 1}")
        return f'{indent}<footnoteId id="{key}"/>\n'


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _value(tag: str, value: str | None, notes: Iterable[str], fn: _Footnotes, pad: str) -> str:
    inner = pad + "    "
    body = f"{inner}<value>{_esc(value)}</value>\n" if value is not None else ""
    body += "".join(fn.ref(n, inner) for n in notes)
    return f"{pad}<{tag}>\n{body}{pad}</{tag}>\n"


def _form4_row(r: _Row, fn: _Footnotes, booleans: tuple[str, str]) -> str:
    pad = "            "
    inner = pad + "    "
    tag = "derivativeTransaction" if r.derivative else "nonDerivativeTransaction"
    out = f"        <{tag}>\n"
    out += _value("securityTitle", r.security, r.security_notes, fn, pad)
    if r.derivative:
        out += _value("conversionOrExercisePrice", None, (r.exercise_note,), fn, pad)
    out += _value("transactionDate", r.day.isoformat(), (), fn, pad)
    out += (
        f"{pad}<transactionCoding>\n{inner}<transactionFormType>4</transactionFormType>\n"
        f"{inner}<transactionCode>{r.code}</transactionCode>\n"
        f"{inner}<equitySwapInvolved>{booleans[0]}</equitySwapInvolved>\n{pad}</transactionCoding>\n"
    )
    amounts = _value("transactionShares", str(r.shares), (), fn, inner)
    price = None if r.price is None else _num(r.price)
    amounts += _value("transactionPricePerShare", price, r.price_notes, fn, inner)
    amounts += _value("transactionAcquiredDisposedCode", r.acquired, (), fn, inner)
    out += f"{pad}<transactionAmounts>\n{amounts}{pad}</transactionAmounts>\n"
    if r.derivative:
        out += _value("exerciseDate", None, (r.exercise_note,), fn, pad)
        out += _value("expirationDate", None, (r.exercise_note,), fn, pad)
        underlying = _value("underlyingSecurityTitle", "Common Stock", (), fn, inner)
        underlying += _value("underlyingSecurityShares", str(r.shares), (), fn, inner)
        out += f"{pad}<underlyingSecurity>\n{underlying}{pad}</underlyingSecurity>\n"
    after = _value("sharesOwnedFollowingTransaction", str(r.owned_after), (), fn, inner)
    out += f"{pad}<postTransactionAmounts>\n{after}{pad}</postTransactionAmounts>\n"
    nature = _value("directOrIndirectOwnership", "D", (), fn, inner)
    out += f"{pad}<ownershipNature>\n{nature}{pad}</ownershipNature>\n"
    return out + f"        </{tag}>\n"


def _attorney(cik: int) -> str:
    """The company lawyer who signs insiders' forms under a power of attorney."""
    rng = _rng(cik, "attorney")
    return f"{_FIRST[int(rng.integers(0, len(_FIRST)))]} {_LAST[int(rng.integers(0, len(_LAST)))]}"


def _form4_xml(f: Filing) -> bytes:
    """An ownershipDocument laid out like EDGAR's (X0306 before April 2023, X0508 after)."""
    e = _ENTITIES[f.cik]
    o = f.detail
    assert isinstance(o, _Ownership)
    person = o.insider
    new = f.local.date() >= X0508_FROM
    words = new and e.form4_agent is not None  # agent-made X0508 documents spell booleans out
    yes, no = ("true", "false") if words else ("1", "0")
    fn = _Footnotes()
    parts = ['<?xml version="1.0"?>\n<ownershipDocument>\n']
    parts.append(f"\n    <schemaVersion>{'X0508' if new else 'X0306'}</schemaVersion>\n")
    parts.append(f"\n    <documentType>{f.form}</documentType>\n")
    parts.append(f"\n    <periodOfReport>{f.report_date}</periodOfReport>\n")
    if o.original_filed:
        parts.append(
            f"\n    <dateOfOriginalSubmission>{o.original_filed}</dateOfOriginalSubmission>\n"
        )
    if not new:
        parts.append("\n    <notSubjectToSection16>0</notSubjectToSection16>\n")
    parts.append(
        f"\n    <issuer>\n        <issuerCik>{e.cik10}</issuerCik>\n"
        f"        <issuerName>{_esc(e.name)}</issuerName>\n"
        f"        <issuerTradingSymbol>{e.ticker}</issuerTradingSymbol>\n    </issuer>\n"
    )
    officer = bool(person.title)
    flags = (
        ("isDirector", person.director),
        ("isOfficer", officer),
        ("isTenPercentOwner", False),
        ("isOther", False),
    )
    relation = "".join(
        f"            <{k}>{yes if v else no}</{k}>\n" for k, v in flags if v or not words
    )
    if officer:
        relation += f"            <officerTitle>{_esc(person.title)}</officerTitle>\n"
    if not new:
        relation += "            <otherText></otherText>\n"
    parts.append(
        "\n    <reportingOwner>\n        <reportingOwnerId>\n"
        f"            <rptOwnerCik>{person.cik:010d}</rptOwnerCik>\n"
        f"            <rptOwnerName>{_esc(person.name)}</rptOwnerName>\n"
        "        </reportingOwnerId>\n        <reportingOwnerAddress>\n"
        f"            <rptOwnerStreet1>{_esc(e.street)}</rptOwnerStreet1>\n"
        "            <rptOwnerStreet2></rptOwnerStreet2>\n"
        f"            <rptOwnerCity>{e.city}</rptOwnerCity>\n"
        f"            <rptOwnerState>{e.state}</rptOwnerState>\n"
        f"            <rptOwnerZipCode>{e.zip_code}</rptOwnerZipCode>\n"
        "            <rptOwnerStateDescription></rptOwnerStateDescription>\n"
        "        </reportingOwnerAddress>\n        <reportingOwnerRelationship>\n"
        f"{relation}        </reportingOwnerRelationship>\n    </reportingOwner>\n"
    )
    if new:
        parts.append(f"\n    <aff10b5One>{yes if o.plan else no}</aff10b5One>\n")
    plain = [r for r in o.rows if not r.derivative]
    derived = [r for r in o.rows if r.derivative]
    # derivative rows reference their footnotes after the plain rows, as EDGAR numbers them
    plain_xml = "".join(_form4_row(r, fn, (no, yes)) for r in plain)
    derived_xml = "".join(_form4_row(r, fn, (no, yes)) for r in derived)
    parts.append(
        f"\n    <nonDerivativeTable>\n{plain_xml}    </nonDerivativeTable>\n"
        if plain
        else "\n    <nonDerivativeTable></nonDerivativeTable>\n"
    )
    parts.append(
        f"\n    <derivativeTable>\n{derived_xml}    </derivativeTable>\n"
        if derived
        else "\n    <derivativeTable></derivativeTable>\n"
    )
    if fn.ids:
        notes = "".join(
            f'        <footnote id="{key}">{_esc(text)}</footnote>\n'
            for text, key in fn.ids.items()
        )
        parts.append(f"\n    <footnotes>\n{notes}    </footnotes>\n")
    if o.remarks or not new:
        parts.append(f"\n    <remarks>{_esc(o.remarks)}</remarks>\n")
    attorney = _attorney(e.cik)
    parts.append(
        "\n    <ownerSignature>\n"
        f"        <signatureName>/s/ {_esc(attorney)}, Attorney-in-Fact for "
        f"{_esc(person.display)}</signatureName>\n"
        f"        <signatureDate>{f.filing_date}</signatureDate>\n    </ownerSignature>\n"
    )
    parts.append("</ownershipDocument>\n")
    return "".join(parts).encode("ascii", errors="xmlcharrefreplace")


# =================================================================================================
# Renderers: HTML documents

_FONT = "font-family:'Times New Roman',serif;font-size:10pt"


def _long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _money(value: float) -> str:
    """$391.0 billion / $812.4 million / $(1.2) billion, the way MD&A prose writes amounts."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1e9:
        return f"{sign}${amount / 1e9:,.1f} billion"
    return f"{sign}${amount / 1e6:,.1f} million"


def _para(text: str) -> str:
    style = "margin-top:6pt;text-align:justify"
    return f'<div style="{style}"><span style="{_FONT}">{text}</span></div>\n'


def _heading(text: str, anchor: str = "") -> str:
    ident = f' id="{anchor}"' if anchor else ""
    return (
        f'<div{ident} style="margin-top:12pt"><span style="{_FONT};font-weight:700">{text}'
        "</span></div>\n"
    )


def _center(text: str, bold: bool = True, size: int = 10) -> str:
    weight = ";font-weight:700" if bold else ""
    return (
        f'<div style="text-align:center"><span style="font-family:\'Times New Roman\',serif;'
        f'font-size:{size}pt{weight}">{text}</span></div>\n'
    )


def _footer(label: str, page: int) -> str:
    return (
        '<div style="height:36pt;position:relative;width:100%"><div style="bottom:0;'
        'position:absolute;width:100%"><div style="text-align:center"><span style="'
        f'{_FONT}">{label} | {page}</span></div></div></div>\n'
        '<hr style="page-break-after:always"/>\n'
    )


class _Ix:
    """Collects the contexts and hidden facts of one inline-XBRL document."""

    def __init__(self, e: _Entity) -> None:
        self.e = e
        self.contexts: dict[tuple, str] = {}
        self.count = 0

    def context(self, start: dt.date | None, end: dt.date) -> str:
        return self.contexts.setdefault((start, end), f"c-{len(self.contexts) + 1}")

    def fid(self) -> str:
        self.count += 1
        return f"f-{self.count}"

    def number(self, name: str, ctx: str, value: float, unit: str, per_share: bool = False) -> str:
        """An ix:nonFraction as a table cell shows it: millions or per-share, negatives in ()."""
        negative = value < 0
        shown = f"{abs(value):,.2f}" if per_share else f"{abs(value) / 1e6:,.0f}"
        scale, decimals = ("0", "2") if per_share else ("6", "-6")
        sign = ' sign="-"' if negative else ""
        tag = (
            f'<ix:nonFraction unitRef="{unit}" contextRef="{ctx}" decimals="{decimals}" '
            f'name="{name}" format="ixt:num-dot-decimal" scale="{scale}" id="{self.fid()}"{sign}>'
            f"{shown}</ix:nonFraction>"
        )
        return f"({tag})" if negative else tag

    def integer(self, name: str, ctx: str, value: int) -> str:
        """A share count shown in full (decimals INF), as cover pages state it."""
        return (
            f'<ix:nonFraction unitRef="shares" contextRef="{ctx}" decimals="INF" name="{name}" '
            f'format="ixt:num-dot-decimal" scale="0" id="{self.fid()}">{value:,}</ix:nonFraction>'
        )

    def text(self, name: str, ctx: str, value: str) -> str:
        ident = self.fid()
        return (
            f'<ix:nonNumeric contextRef="{ctx}" name="{name}" id="{ident}">{value}</ix:nonNumeric>'
        )

    def header(self, hidden: Sequence[str], schema: str) -> str:
        contexts = []
        for (start, end), ident in self.contexts.items():
            period = (
                f"<xbrli:instant>{end}</xbrli:instant>"
                if start is None
                else f"<xbrli:startDate>{start}</xbrli:startDate>"
                f"<xbrli:endDate>{end}</xbrli:endDate>"
            )
            contexts.append(
                f'<xbrli:context id="{ident}"><xbrli:entity><xbrli:identifier '
                f'scheme="http://www.sec.gov/CIK">{self.e.cik10}</xbrli:identifier></xbrli:entity>'
                f"<xbrli:period>{period}</xbrli:period></xbrli:context>"
            )
        units = (
            '<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>'
            '<xbrli:unit id="shares"><xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unit>'
            '<xbrli:unit id="usdPerShare"><xbrli:divide><xbrli:unitNumerator><xbrli:measure>'
            "iso4217:USD</xbrli:measure></xbrli:unitNumerator><xbrli:unitDenominator>"
            "<xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unitDenominator></xbrli:divide>"
            "</xbrli:unit>"
        )
        return (
            '<div style="display:none"><ix:header><ix:hidden>'
            + "".join(hidden)
            + f'</ix:hidden><ix:references><link:schemaRef xlink:href="{schema}" '
            'xlink:type="simple"/></ix:references><ix:resources>'
            + "".join(contexts)
            + units
            + "</ix:resources></ix:header></div>\n"
        )


_HTML_OPEN = (
    "<?xml version='1.0' encoding='ASCII'?>\n"
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xbrli="http://www.xbrl.org/2003/instance" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:link="http://www.xbrl.org/2003/linkbase" '
    'xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
    'xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12" '
    'xmlns:iso4217="http://www.xbrl.org/2003/iso4217" '
    'xmlns:dei="http://xbrl.sec.gov/dei/2023" xmlns:us-gaap="http://fasb.org/us-gaap/2023">\n'
)


def _cover_dei(ix: _Ix, e: _Entity, f: Filing, ctx: str, period_end: dt.date) -> list[str]:
    """Hidden dei facts every inline document carries."""
    return [
        ix.text("dei:AmendmentFlag", ctx, "false"),
        ix.text("dei:EntityCentralIndexKey", ctx, e.cik10),
        ix.text("dei:DocumentType", ctx, f.form),
        ix.text("dei:DocumentPeriodEndDate", ctx, _long_date(period_end)),
        ix.text("dei:EntityRegistrantName", ctx, html.escape(e.name)),
        ix.text("dei:EntityFileNumber", ctx, e.file_number),
        ix.text("dei:EntityIncorporationStateCountryCode", ctx, e.incorporated),
        ix.text("dei:EntityTaxIdentificationNumber", ctx, e.ein),
        ix.text("dei:TradingSymbol", ctx, e.ticker),
        ix.text(
            "dei:SecurityExchangeName", ctx, "NASDAQ" if e.company.exchange == "Nasdaq" else "NYSE"
        ),
    ]


def _cover_table(e: _Entity) -> str:
    exchange = {"Nasdaq": "The Nasdaq Stock Market LLC", "NYSE": "New York Stock Exchange"}.get(
        e.company.exchange, "None"
    )
    return (
        '<table style="width:100%;border-collapse:collapse"><tr>'
        f'<td style="{_FONT};text-align:center"><b>{html.escape(e.name)}</b></td></tr><tr>'
        f'<td style="{_FONT};text-align:center">(Exact name of Registrant as specified in its '
        "charter)</td></tr></table>\n"
        '<table style="width:100%;border-collapse:collapse"><tr>'
        f'<td style="{_FONT};text-align:center">{e.incorporated}</td>'
        f'<td style="{_FONT};text-align:center">{e.file_number}</td>'
        f'<td style="{_FONT};text-align:center">{e.ein[:2]}-{e.ein[2:]}</td></tr><tr>'
        f'<td style="{_FONT};text-align:center">(State or other jurisdiction of incorporation)</td>'
        f'<td style="{_FONT};text-align:center">(Commission File Number)</td>'
        f'<td style="{_FONT};text-align:center">(I.R.S. Employer Identification No.)</td>'
        "</tr></table>\n"
        + _center(
            f"{html.escape(e.street.title())}, {e.city.title()}, {e.state} {e.zip_code}", False
        )
        + _center(f"({e.phone})", False)
        + '<table style="width:100%;border-collapse:collapse"><tr>'
        f'<td style="{_FONT}">Title of each class</td><td style="{_FONT}">Trading symbol(s)</td>'
        f'<td style="{_FONT}">Name of each exchange on which registered</td></tr><tr>'
        f'<td style="{_FONT}">Common Stock</td><td style="{_FONT}">{e.ticker}</td>'
        f'<td style="{_FONT}">{exchange}</td></tr></table>\n'
    )


_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth"}

_BANK: dict[str, tuple[str, ...]] = {
    "business": (
        "{name} (together with its subsidiaries, the &#8220;Company&#8221;) designs, develops and "
        "sells {industry}. {fiscal_year}",
        "The Company sells its products and services through its direct sales organization, "
        "online channels and a network of resellers and distribution partners. Net sales through "
        "direct and indirect channels accounted for a similar share of total net sales in {fy}.",
        "The markets for the Company&#8217;s products and services are highly competitive and are "
        "characterized by aggressive price competition, downward pressure on gross margins, "
        "frequent introduction of new products and rapid technological change.",
        "The Company is subject to seasonal demand, with higher net sales in the quarters that "
        "include the holiday season. The timing of product introductions can also affect net "
        "sales in a given quarter.",
        "As of the end of fiscal {fy}, the Company had approximately {employees:,} full-time "
        "equivalent employees. The Company believes its culture and compensation programs help it "
        "attract and retain highly qualified personnel.",
        "The Company&#8217;s research and development efforts focus on new technologies that "
        "enhance existing offerings and expand into adjacent markets. Research and development "
        "expense grew in {fy} as the Company invested in its product roadmap.",
    ),
    "risks": (
        "The Company&#8217;s operations and performance depend significantly on global and "
        "regional economic conditions and adverse economic conditions can materially adversely "
        "affect the Company&#8217;s business, results of operations and financial condition.",
        "The Company depends on component and product manufacturing and logistical services "
        "provided by outsourcing partners, many of which are located outside of the U.S.",
        "The Company&#8217;s business can be impacted by political events, trade and other "
        "international disputes, war, terrorism, natural disasters, public health issues and "
        "other business interruptions.",
        "The Company is exposed to the risk of write-downs on the value of its inventory and "
        "other assets, in addition to purchase commitment cancellation risk.",
        "Losses or unauthorized access to or releases of confidential information, including "
        "personal information, could subject the Company to significant reputational, financial, "
        "legal and operational consequences.",
        "The Company is subject to complex and changing laws and regulations worldwide, which "
        "exposes the Company to potential liabilities, increased costs and other adverse effects "
        "on the Company&#8217;s business.",
        "The Company&#8217;s future performance depends in part on support from third-party "
        "software developers and on the continued service and availability of highly skilled "
        "employees, including key personnel.",
        "The Company&#8217;s stock price is subject to volatility, and changes in tax rates, the "
        "adoption of new tax legislation or exposure to additional tax liabilities could "
        "materially adversely affect the Company&#8217;s financial condition.",
    ),
    "mdna": (
        "Total net sales were {revenue} for {period}, compared to {revenue_prior} for {prior}, "
        "{direction} of {change:.1f}%. Net income was {income}, compared to {income_prior} a year "
        "earlier.",
        "Diluted earnings per share were ${eps:.2f} for {period}. The change reflects net sales "
        "performance, gross margin and operating expense trends discussed below.",
        "Operating expenses increased as the Company continued to invest in research and "
        "development and in its sales and marketing capabilities, partially offset by lower "
        "discretionary spending.",
        "Gross margin percentage was affected by product mix, foreign currency movements and cost "
        "savings. The Company expects gross margin to remain subject to volatility and downward "
        "pressure.",
        "The Company believes its balances of unrestricted cash, cash equivalents and marketable "
        "securities, together with cash generated by operations and access to the debt markets, "
        "will be sufficient to satisfy its cash requirements and capital return program over the "
        "next 12 months and beyond.",
        "During {period}, the Company repurchased shares of its common stock under its share "
        "repurchase program and paid dividends and dividend equivalents to its shareholders.",
    ),
    "market": (
        "The Company is exposed to economic risk from interest rates and foreign exchange rates. "
        "The Company uses various strategies to manage these risks, including derivative "
        "instruments.",
        "A hypothetical 100 basis point increase in interest rates would not have a material "
        "effect on the fair value of the Company&#8217;s investment portfolio or on its interest "
        "expense.",
    ),
    "controls": (
        "Based on an evaluation under the supervision and with the participation of the "
        "Company&#8217;s management, the Chief Executive Officer and Chief Financial Officer "
        "concluded that the Company&#8217;s disclosure controls and procedures were effective as "
        "of {period_end}.",
        "There were no changes in the Company&#8217;s internal control over financial reporting "
        "during the most recent fiscal quarter that materially affected, or are reasonably likely "
        "to materially affect, its internal control over financial reporting.",
    ),
    "legal": (
        "The Company is subject to legal proceedings and claims that have arisen in the ordinary "
        "course of business and have not been fully resolved. The outcome of litigation is "
        "inherently uncertain.",
        "In the opinion of management, there was not at least a reasonable possibility the "
        "Company may have incurred a material loss with respect to loss contingencies for "
        "asserted legal and other claims.",
    ),
    "cyber": (
        "The Company&#8217;s cybersecurity program is integrated into its enterprise risk "
        "management process and is overseen by the Audit Committee of the Board of Directors.",
        "The Company&#8217;s information security team is led by its Chief Information Security "
        "Officer, who reports to senior management on the prevention, detection, mitigation and "
        "remediation of cybersecurity incidents.",
    ),
}


def _pick(rng: np.random.Generator, bank: str, count: int, **values: object) -> str:
    texts = _BANK[bank]
    chosen = sorted(rng.choice(len(texts), size=min(count, len(texts)), replace=False))
    return "".join(_para(texts[i].format(**values)) for i in chosen)


def _financial_table(ix: _Ix, f: Filing) -> tuple[str, dict[str, float]]:
    """The income statement and balance sheet excerpt, every number an ix:nonFraction."""
    p = f.detail
    assert isinstance(p, _Periodic)
    qs = _quarters(f.cik)
    facts = _filing_facts(f.accession)
    flows = [x for x in facts if x.start is not None and x.taxonomy == "us-gaap"]
    periods = list(dict.fromkeys((x.start, x.end) for x in flows))
    cells = {(x.concept, x.start, x.end): x.val for x in flows}
    head = "".join(
        f'<td style="{_FONT};text-align:right"><b>{a:%b %d, %Y} &#8211; {b:%b %d, %Y}</b></td>'
        for a, b in periods
    )
    lines = [
        ("Total net sales", REVENUE, "usd", False),
        ("Net income", "NetIncomeLoss", "usd", False),
        ("Earnings per share &#8211; basic", "EarningsPerShareBasic", "usdPerShare", True),
        ("Earnings per share &#8211; diluted", "EarningsPerShareDiluted", "usdPerShare", True),
    ]
    rows = [f'<tr><td style="{_FONT}">(In millions, except per-share amounts)</td>{head}</tr>']
    for label, concept, unit, per_share in lines:
        tds = "".join(
            f'<td style="{_FONT};text-align:right">$&#160;'
            + ix.number(
                f"us-gaap:{concept}", ix.context(a, b), cells[(concept, a, b)], unit, per_share
            )
            + "</td>"
            for a, b in periods
        )
        rows.append(f'<tr><td style="{_FONT}">{label}</td>{tds}</tr>')
    balances = [x for x in facts if x.start is None and x.taxonomy == "us-gaap"]
    ends = sorted({x.end for x in balances if x.concept == "Assets"}, reverse=True)
    bal = {(x.concept, x.end): x.val for x in balances}
    rows.append(
        f'<tr><td style="{_FONT}"><b>Balance sheet</b></td>'
        + "".join(f'<td style="{_FONT};text-align:right"><b>{d:%B %d, %Y}</b></td>' for d in ends)
        + "</tr>"
    )
    for label, concept in (
        ("Total assets", "Assets"),
        ("Total shareholders&#8217; equity", "StockholdersEquity"),
    ):
        tds = "".join(
            f'<td style="{_FONT};text-align:right">$&#160;'
            f"{ix.number('us-gaap:' + concept, ix.context(None, d), bal[(concept, d)], 'usd')}</td>"
            for d in ends
        )
        rows.append(f'<tr><td style="{_FONT}">{label}</td>{tds}</tr>')
    current = periods[0]
    prior = periods[1]
    numbers = {
        "revenue": cells[(REVENUE, *current)],
        "revenue_prior": cells[(REVENUE, *prior)],
        "income": cells[("NetIncomeLoss", *current)],
        "income_prior": cells[("NetIncomeLoss", *prior)],
        "eps": cells[("EarningsPerShareDiluted", *current)],
        "period_end": qs[p.k].end,
    }
    table = '<table style="width:100%;border-collapse:collapse">' + "".join(rows) + "</table>\n"
    return table, numbers


_TEN_K_ITEMS = (
    ("PART I", None),
    ("Item 1.", "Business"),
    ("Item 1A.", "Risk Factors"),
    ("Item 1B.", "Unresolved Staff Comments"),
    ("Item 1C.", "Cybersecurity"),
    ("Item 2.", "Properties"),
    ("Item 3.", "Legal Proceedings"),
    ("Item 4.", "Mine Safety Disclosures"),
    ("PART II", None),
    (
        "Item 5.",
        "Market for Registrant&#8217;s Common Equity, Related Stockholder Matters and "
        "Issuer Purchases of Equity Securities",
    ),
    ("Item 6.", "[Reserved]"),
    (
        "Item 7.",
        "Management&#8217;s Discussion and Analysis of Financial Condition and Results of "
        "Operations",
    ),
    ("Item 7A.", "Quantitative and Qualitative Disclosures About Market Risk"),
    ("Item 8.", "Financial Statements and Supplementary Data"),
    (
        "Item 9.",
        "Changes in and Disagreements with Accountants on Accounting and Financial Disclosure",
    ),
    ("Item 9A.", "Controls and Procedures"),
    ("Item 9B.", "Other Information"),
    ("PART III", None),
    ("Item 10.", "Directors, Executive Officers and Corporate Governance"),
    ("Item 11.", "Executive Compensation"),
    (
        "Item 12.",
        "Security Ownership of Certain Beneficial Owners and Management and Related "
        "Stockholder Matters",
    ),
    ("Item 13.", "Certain Relationships and Related Transactions, and Director Independence"),
    ("Item 14.", "Principal Accountant Fees and Services"),
    ("PART IV", None),
    ("Item 15.", "Exhibit and Financial Statement Schedules"),
    ("Item 16.", "Form 10-K Summary"),
)
_TEN_Q_ITEMS = (
    ("PART I &#8212; FINANCIAL INFORMATION", None),
    ("Item 1.", "Financial Statements"),
    (
        "Item 2.",
        "Management&#8217;s Discussion and Analysis of Financial Condition and Results of "
        "Operations",
    ),
    ("Item 3.", "Quantitative and Qualitative Disclosures About Market Risk"),
    ("Item 4.", "Controls and Procedures"),
    ("PART II &#8212; OTHER INFORMATION", None),
    ("Item 1.", "Legal Proceedings"),
    ("Item 1A.", "Risk Factors"),
    ("Item 2.", "Unregistered Sales of Equity Securities and Use of Proceeds"),
    ("Item 3.", "Defaults Upon Senior Securities"),
    ("Item 4.", "Mine Safety Disclosures"),
    ("Item 5.", "Other Information"),
    ("Item 6.", "Exhibits"),
)


# A risk each company's real filings discuss, in the sample's own words (synthetic text).
COMPANY_RISKS: dict[int, str] = {
    1045810: "Export controls may limit the Company&#8217;s ability to sell its data center "
    "products. The U.S. government has imposed licensing requirements and export controls on "
    "certain accelerated computing products and their destinations, including China; further "
    "export controls could reduce demand and require the Company to write down inventory.",
    320193: "The Company&#8217;s supply chain and manufacturing are concentrated in a few "
    "locations outside the U.S., and tariffs or export controls could raise its costs.",
    1318605: "The Company&#8217;s results depend on vehicle demand and on the availability of "
    "battery cells and raw materials, whose prices and trade restrictions can change quickly.",
}


def _item_body(
    title: str, f: Filing, rng: np.random.Generator, table: str, values: dict[str, object]
) -> str:
    """Paragraphs for one Item, by its title."""
    if title in ("Business",):
        return _pick(rng, "business", 4, **values)
    if title == "Risk Factors":
        intro = _para(
            "The Company&#8217;s business, reputation, results of operations, financial condition "
            "and stock price can be affected by a number of factors, whether currently known or "
            "unknown, including those described below."
        )
        own = _para(COMPANY_RISKS[f.cik]) if f.cik in COMPANY_RISKS else ""
        return intro + own + _pick(rng, "risks", 5 if f.form == "10-K" else 2, **values)
    if title.startswith("Management"):
        return _pick(rng, "mdna", 5, **values)
    if title.startswith("Quantitative"):
        return _pick(rng, "market", 2, **values)
    if title in ("Financial Statements", "Financial Statements and Supplementary Data"):
        return (
            _para("The following table presents selected condensed financial information.") + table
        )
    if title == "Controls and Procedures":
        return _pick(rng, "controls", 2, **values)
    if title == "Legal Proceedings":
        return _pick(rng, "legal", 2, **values)
    if title == "Cybersecurity":
        return _pick(rng, "cyber", 2, **values)
    if title == "Other Information" and f.filing_date >= X0508_FROM:
        person = _insiders(f.cik)[0]
        return _para(
            f"Insider Trading Arrangements. During the period covered by this report, "
            f"{person.display}, the Company&#8217;s {person.title}, maintained a trading "
            "arrangement intended to satisfy the affirmative defense conditions of Rule 10b5-1(c)."
        )
    if title == "Properties":
        return _para(
            f"The Company&#8217;s headquarters are located in {values['city']}. The Company owns "
            "and leases facilities for research and development, data centers, retail, "
            "manufacturing and administrative purposes, which it believes are suitable."
        )
    if title.startswith(
        ("Directors", "Executive Comp", "Security Ownership", "Certain Rel", "Principal Acc")
    ):
        return _para(
            "The information required by this Item will be included in the Company&#8217;s "
            f"{values['proxy_year']} Proxy Statement and is incorporated herein by reference."
        )
    if title.startswith("Market for"):
        return _para(
            f"The Company&#8217;s common stock is traded on {values['exchange']} under the symbol "
            f"{values['ticker']}."
        )
    return _para("None." if title != "Mine Safety Disclosures" else "Not applicable.")


def _periodic_html(f: Filing) -> bytes:
    """A 10-K or 10-Q in the shape of an EDGAR inline-XBRL filing."""
    e = _ENTITIES[f.cik]
    p = f.detail
    assert isinstance(p, _Periodic)
    qs = _quarters(f.cik)
    quarter = qs[p.k]
    rng = _rng("html", f.accession)
    ix = _Ix(e)
    annual = f.form == "10-K"
    fy_start = qs[p.k - p.q + 1].start
    dei_ctx = ix.context(fy_start, quarter.end)
    table, numbers = _financial_table(ix, f)
    cover = _cover_date(f)
    shares_ctx = ix.context(None, cover)
    shares = next(
        x.val
        for x in _filing_facts(f.accession)
        if x.concept == "EntityCommonStockSharesOutstanding"
    )
    label = (
        f"{html.escape(e.name)} | {p.fy} Form 10-K"
        if annual
        else f"{html.escape(e.name)} | Q{p.q} {p.fy} Form 10-Q"
    )
    period = f"fiscal {p.fy}" if annual else f"the {_ORDINAL[p.q]} quarter of fiscal {p.fy}"
    prior = f"fiscal {p.fy - 1}" if annual else f"the same quarter of fiscal {p.fy - 1}"
    change = (numbers["revenue"] / numbers["revenue_prior"] - 1) * 100
    values = {
        "name": html.escape(e.name),
        "industry": e.industry,
        "fy": p.fy,
        "employees": int(abs(numbers["revenue"]) * (4 if not annual else 1) / 2.4e6) // 10 * 10
        + 40,
        "revenue": _money(numbers["revenue"]),
        "revenue_prior": _money(numbers["revenue_prior"]),
        "income": _money(numbers["income"]),
        "income_prior": _money(numbers["income_prior"]),
        "eps": numbers["eps"],
        "change": abs(change),
        "direction": "an increase" if change >= 0 else "a decrease",
        "period": period,
        "prior": prior,
        "period_end": _long_date(quarter.end),
        "city": e.city.title(),
        "exchange": "the Nasdaq Stock Market LLC"
        if e.company.exchange == "Nasdaq"
        else "the New York Stock Exchange",
        "ticker": e.ticker,
        "proxy_year": p.fy + 1,
        "fiscal_year": (
            "The Company&#8217;s fiscal year is the 52- or 53-week period that ends on the last "
            "Saturday of September."
            if e.week_calendar
            else f"The Company&#8217;s fiscal year ends on {qs[p.k - p.q + 4].end:%B} "
            f"{qs[p.k - p.q + 4].end.day}."
        ),
    }
    hidden = [
        *_cover_dei(ix, e, f, dei_ctx, quarter.end),
        ix.text("dei:DocumentFiscalYearFocus", dei_ctx, str(p.fy)),
        ix.text("dei:DocumentFiscalPeriodFocus", dei_ctx, "FY" if annual else f"Q{p.q}"),
        ix.text("dei:CurrentFiscalYearEndDate", dei_ctx, f"--{qs[p.k - p.q + 4].end:%m-%d}"),
        ix.text("dei:EntityFilerCategory", dei_ctx, e.category.split("<br>")[0]),
    ]
    body = [
        _HTML_OPEN,
        f'<head>\n<meta http-equiv="Content-Type" content="text/html"/>\n'
        f"<title>{f.raw_document.removesuffix('.htm')}</title>\n</head>\n<body>\n",
        ix.header(hidden, f.raw_document.replace(".htm", ".xsd")),
        _center("UNITED STATES"),
        _center("SECURITIES AND EXCHANGE COMMISSION"),
        _center("Washington, D.C. 20549", False),
        _center(f"FORM {f.form}", size=14),
        _center("(Mark One)", False),
        _para(
            (
                "&#9746; ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
                f"EXCHANGE ACT OF 1934 For the fiscal year ended {_long_date(quarter.end)}"
            )
            if annual
            else (
                "&#9746; QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
                f"EXCHANGE ACT OF 1934 For the quarterly period ended {_long_date(quarter.end)}"
            )
        ),
        _para(f"Commission File Number: {e.file_number}"),
        _cover_table(e),
        _para(
            "Indicate by check mark whether the Registrant (1) has filed all reports required to "
            "be filed by Section 13 or 15(d) of the Securities Exchange Act of 1934 during the "
            "preceding 12 months and (2) has been subject to such filing requirements for the "
            "past 90 days. Yes &#9746; No &#9744;"
        ),
        _para(
            f"{ix.integer('dei:EntityCommonStockSharesOutstanding', shares_ctx, shares)}"
            f" shares of common stock were issued and outstanding as of {_long_date(cover)}."
        ),
        _footer(label, 1),
    ]
    items = _TEN_K_ITEMS if annual else _TEN_Q_ITEMS
    toc = [
        '<div style="margin-top:12pt;text-align:center"><span style="'
        f'{_FONT};font-weight:700">TABLE OF CONTENTS</span></div>\n<table style="width:100%">'
    ]
    for i, (number, title) in enumerate(items):
        if title is None:
            toc.append(
                f'<tr><td colspan="2" style="{_FONT};text-align:center"><b>{number}</b></td></tr>'
            )
        else:
            toc.append(
                f'<tr><td style="{_FONT}"><a href="#i{i}">{number}</a></td>'
                f'<td style="{_FONT}"><a href="#i{i}">{title}</a></td></tr>'
            )
    body.append("".join(toc) + "</table>\n")
    page = 2
    body.append(_footer(label, page))
    if annual and f.filing_date < D(2023, 12, 15):
        items = tuple(x for x in items if x[0] != "Item 1C.")
    since_break = 0
    for i, (number, title) in enumerate(items):
        if title is None:
            body.append(_center(number))
            continue
        body.append(_heading(f"{number}&#160;&#160;&#160;&#160;{title}", f"i{i}"))
        body.append(_item_body(title, f, rng, table, values))
        since_break += 1
        if since_break >= 2:
            page += 1
            body.append(_footer(label, page))
            since_break = 0
    body.append(_signatures(e, f))
    body.append(_footer(label, page + 1))
    body.append("</body>\n</html>\n")
    return "".join(body).encode("ascii", errors="xmlcharrefreplace")


def _signatures(e: _Entity, f: Filing) -> str:
    officers = [p for p in _insiders(e.cik) if p.title]
    signer = officers[1] if len(officers) > 1 else officers[0]
    return (
        _heading("SIGNATURE" + ("S" if f.form == "10-K" else ""))
        + _para(
            "Pursuant to the requirements of the Securities Exchange Act of 1934, the Registrant "
            "has duly caused this report to be signed on its behalf by the undersigned thereunto "
            "duly authorized."
        )
        + _para(f"{html.escape(e.name)}")
        + _para(f"By: /s/ {signer.display}<br/>{signer.display}<br/>{signer.title}")
        + _para(f"Date: {_long_date(f.filing_date)}")
    )


def _eight_k_html(f: Filing) -> bytes:
    """An 8-K: cover page, the reported Items and the signature."""
    e = _ENTITIES[f.cik]
    ix = _Ix(e)
    event = f.report_date or f.filing_date
    ctx = ix.context(event, event)
    hidden = [
        *_cover_dei(ix, e, f, ctx, event),
        ix.text("dei:WrittenCommunications", ctx, "false"),
        ix.text("dei:SolicitingMaterial", ctx, "false"),
        ix.text("dei:PreCommencementTenderOffer", ctx, "false"),
        ix.text("dei:PreCommencementIssuerTenderOffer", ctx, "false"),
        ix.text("dei:EntityEmergingGrowthCompany", ctx, "false"),
    ]
    body = [
        _HTML_OPEN,
        '<head>\n<meta http-equiv="Content-Type" content="text/html"/>\n'
        f"<title>{f.raw_document.removesuffix('.htm')}</title>\n</head>\n<body>\n",
        ix.header(hidden, f.raw_document.replace(".htm", ".xsd")),
        _center("UNITED STATES"),
        _center("SECURITIES AND EXCHANGE COMMISSION"),
        _center("Washington, D.C. 20549", False),
        _center("FORM 8-K", size=14),
        _center("CURRENT REPORT", False),
        _center("Pursuant to Section 13 OR 15(d) of The Securities Exchange Act of 1934", False),
        _center(f"Date of Report (Date of earliest event reported): {_long_date(event)}", False),
        _cover_table(e),
        _para(
            "Indicate by check mark whether the registrant is an emerging growth company as "
            "defined in Rule 405 of the Securities Act of 1933 or Rule 12b-2 of the Securities "
            "Exchange Act of 1934. Emerging growth company &#9744;"
        ),
    ]
    for item in f.items.split(","):
        body.append(_heading(f"Item {item}&#160;&#160;&#160;&#160;{EIGHT_K_ITEMS[item]}"))
        body.append(_eight_k_item(item, e, f, event))
    officers = [p for p in _insiders(e.cik) if p.title]
    signer = officers[1] if len(officers) > 1 else officers[0]
    body += [
        _heading("SIGNATURE"),
        _para(
            "Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant "
            "has duly caused this report to be signed on its behalf by the undersigned hereunto "
            "duly authorized."
        ),
        _para(
            f"{html.escape(e.name)}<br/>Date: {_long_date(f.filing_date)}<br/>By: /s/ "
            f"{signer.display}<br/>{signer.title}"
        ),
        "</body>\n</html>\n",
    ]
    return "".join(body).encode("ascii", errors="xmlcharrefreplace")


def _eight_k_item(item: str, e: _Entity, f: Filing, event: dt.date) -> str:
    """The text under one 8-K Item; earnings releases quote the companyfacts numbers."""
    name = html.escape(e.name)
    if item == "2.02" and isinstance(f.detail, _Periodic):
        p = f.detail
        quarter = _quarters(f.cik)[p.k]
        revenue, income, _, diluted = _flow(f.cik, [p.k], _order(p.fy, p.q), f.filing_date)
        return _para(
            f"On {_long_date(event)}, {name} (the &#8220;Company&#8221;) issued a press release "
            f"regarding the Company&#8217;s financial results for its {_ORDINAL[p.q]} fiscal "
            f"quarter ended {_long_date(quarter.end)}. The Company reported revenue of "
            f"{_money(revenue)}, net income of {_money(income)} and diluted earnings per share of "
            f"${diluted:.2f}. A copy of the press release is furnished as Exhibit 99.1 to this "
            "Current Report on Form 8-K."
        ) + _para(
            "The information contained in this Item 2.02 and in the accompanying Exhibit 99.1 "
            "shall not be deemed &#8220;filed&#8221; for purposes of Section 18 of the Securities "
            "Exchange Act of 1934, as amended, nor shall it be deemed incorporated by reference in "
            "any filing under the Securities Act of 1933, as amended."
        )
    if item == "9.01":
        return _para("(d) Exhibits.") + (
            '<table style="width:100%"><tr><td style="'
            + _FONT
            + '">Exhibit Number</td><td style="'
            + _FONT
            + '">Exhibit Description</td></tr><tr><td style="'
            + _FONT
            + '">99.1</td>'
            f'<td style="{_FONT}">Press release issued by {name} dated {_long_date(event)}.</td>'
            f'</tr><tr><td style="{_FONT}">104</td><td style="{_FONT}">Inline XBRL for the cover '
            "page of this Current Report on Form 8-K.</td></tr></table>\n"
        )
    if item == "5.07":
        rng = _rng("votes", f.accession)
        votes = int(rng.uniform(0.55, 0.8) * _shares_outstanding(f.cik, event))
        return _para(
            f"The Company held its annual meeting of shareholders on {_long_date(event)}. The "
            f"shareholders elected each of the nominees to the Board of Directors, ratified the "
            "appointment of the independent registered public accounting firm and approved, on "
            "an advisory basis, the compensation of the named executive officers."
        ) + _para(f"Approximately {votes:,} shares were voted in person or by proxy.")
    if item == "5.02":
        person = _insiders(f.cik)[-1]
        return _para(
            f"On {_long_date(event)}, the Board of Directors of {name} approved changes to its "
            f"leadership and compensation arrangements. {person.display} will continue to serve "
            "the Company. There are no arrangements or understandings between any director or "
            "officer and any other person pursuant to which they were selected."
        )
    if item == "2.01":
        return _para(
            f"On {_long_date(event)}, {name} completed its previously announced merger with an "
            "affiliate of a financial sponsor. At the effective time, each outstanding share of "
            "common stock was converted into the right to receive the per-share merger "
            "consideration in cash."
        )
    if item == "3.01":
        return _para(
            f"In connection with the merger, the Company notified {e.company.exchange} of its "
            "completion and requested that trading of its common stock be suspended and that the "
            "common stock be withdrawn from listing."
        )
    title = EIGHT_K_ITEMS[item].lower()
    return _para(
        f"On {_long_date(event)}, {name} disclosed information regarding {title}. The "
        "information in this Item is furnished and shall not be deemed filed."
    )


def _simple_html(f: Filing) -> bytes:
    """Proxy statements, fund reports, prospectuses, 13G schedules: a titled HTML page."""
    e = _ENTITIES[f.cik]
    note = f.detail if isinstance(f.detail, _Note) else _Note(f.form)
    name = html.escape(e.name)
    lines = [
        "<html>\n<head>\n<title>"
        + html.escape(f.description or f.form)
        + "</title>\n</head>\n<body>\n",
        _center("UNITED STATES SECURITIES AND EXCHANGE COMMISSION"),
        _center(f"FORM {html.escape(f.form)}", size=14),
        _center(name),
    ]
    if f.form == "DEF 14A":
        meeting = dt.date.fromisoformat(note.text)
        lines += [
            _center("SCHEDULE 14A", False),
            _para(
                "Proxy Statement Pursuant to Section 14(a) of the Securities Exchange Act of 1934"
            ),
            _para(
                f"Notice of {meeting.year} Annual Meeting of Shareholders to be held on "
                f"{_long_date(meeting)}. Shareholders will vote on the election of directors, the "
                "ratification of the independent registered public accounting firm and an "
                "advisory vote on executive compensation."
            ),
        ]
    elif f.form == "SC 13G":
        holder = f.parties[0][0]
        lines += [
            _para(f"Name of Issuer: {name}"),
            _para(f"Name of Person Filing: {html.escape(holder.name)}"),
            _para(f"Percent of Class Represented: {note.text}%"),
        ]
    elif f.form == "424B2":
        lines += [
            _para(
                f"Pricing supplement: ${int(note.text):,} aggregate principal amount of "
                "market-linked notes issued under the issuer&#8217;s medium-term note "
                "program."
            )
        ]
    else:
        period = f" for the period ended {_long_date(f.report_date)}" if f.report_date else ""
        lines += [_para(f"{html.escape(note.title)} of {name}{period}.")]
    lines.append(_para(f"Date: {_long_date(f.filing_date)}"))
    lines.append("</body>\n</html>\n")
    return "".join(lines).encode("ascii", errors="xmlcharrefreplace")


def _simple_xml(f: Filing) -> bytes:
    """Form D, NPORT-P and 24F-2NT primary documents: small edgarSubmission XML."""
    e = _ENTITIES[f.cik]
    note = f.detail if isinstance(f.detail, _Note) else _Note(f.form)
    period = f"<periodOfReport>{f.report_date}</periodOfReport>" if f.report_date else ""
    amount = f"<totalOfferingAmount>{note.text}</totalOfferingAmount>" if f.form == "D" else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<edgarSubmission>\n'
        f"  <headerData><submissionType>{f.form}</submissionType><filerInfo><filer>"
        f"<issuerCredentials><cik>{e.cik10}</cik></issuerCredentials></filer>{period}"
        "</filerInfo></headerData>\n"
        f"  <formData><issuerName>{_esc(e.name)}</issuerName>{amount}</formData>\n"
        "</edgarSubmission>\n"
    ).encode("ascii", errors="xmlcharrefreplace")


@lru_cache(maxsize=512)
def _primary(accession: str) -> bytes:
    """The primary document of a filing (the raw XML for XSL-rendered forms)."""
    f = _world().by_accession[accession]
    if f.form in _OWNERSHIP_FORMS:
        return _form4_xml(f)
    if f.form in ("10-K", "10-Q"):
        return _periodic_html(f)
    if f.form == "8-K":
        return _eight_k_html(f)
    if f.raw_document.endswith(".xml"):
        return _simple_xml(f)
    return _simple_html(f)


@lru_cache(maxsize=65536)
def _size(accession: str) -> int:
    """The submission size the JSON reports: the length of what the world serves for it."""
    return len(_primary(accession))


# =================================================================================================
# Renderers: current filings feed


def _feed_size(size: int) -> str:
    return (
        f"{max(1, round(size / 1024))} KB" if size < 1024 * 1024 else f"{round(size / 1048576)} MB"
    )


def current_feed_head(as_of: dt.datetime) -> str:
    """The head of EDGAR's "Latest Filings" Atom page (getcurrent) at `as_of`."""
    local = as_of.astimezone(NY).replace(microsecond=0)
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>Latest Filings - {local:%a, %d %b %Y %H:%M:%S} {local.tzname()}</title>\n"
        '<link rel="alternate" href="/cgi-bin/browse-edgar?action=getcurrent"/>\n'
        '<link rel="self" href="/cgi-bin/browse-edgar?action=getcurrent"/>\n'
        "<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent</id>\n"
        "<author><name>Webmaster</name><email>webmaster@sec.gov</email></author>\n"
        f"<updated>{local.isoformat()}</updated>\n"
    )


def _current_feed(as_of: dt.datetime, query: dict[str, list[str]]) -> bytes | None:
    """The getcurrent Atom page: newest entries first, one per filer role like EDGAR's."""
    if query.get("action", [""])[0] != "getcurrent" or query.get("output", [""])[0] != "atom":
        return None
    try:
        count = min(max(int(query.get("count", ["40"])[0]), 1), 100)
        start = max(int(query.get("start", ["0"])[0]), 0)
    except ValueError:
        return None
    form_filter = query.get("type", [""])[0].upper()
    owners = query.get("owner", ["include"])[0]
    world = _world()
    entries: list[str] = []
    skipped = 0
    i = bisect.bisect_right(world.accepted, as_of) - 1
    while i >= 0 and len(entries) < count:
        f = world.filings[i]
        i -= 1
        if form_filter and not f.form.upper().startswith(form_filter):
            continue
        if owners == "exclude" and f.form in _OWNERSHIP_FORMS:
            continue
        for cik, name, role in _involved(f):
            if skipped < start:
                skipped += 1
                continue
            if len(entries) >= count:
                break
            entries.append(_feed_entry(f, cik, name, role))
    text = current_feed_head(as_of) + "".join(entries) + "</feed>\n"
    return text.encode("latin-1", errors="xmlcharrefreplace")


def _feed_entry(f: Filing, cik: int, name: str, role: str) -> str:
    """One Atom entry, escaped the way EDGAR escapes titles and summaries."""
    items = "".join(
        f"\n&lt;br&gt;Item {item}: {html.escape(EIGHT_K_ITEMS.get(item, item))}"
        for item in filter(None, f.items.split(","))
    )
    summary = (
        f" &lt;b&gt;Filed:&lt;/b&gt; {f.filing_date} &lt;b&gt;AccNo:&lt;/b&gt; {f.accession} "
        f"&lt;b&gt;Size:&lt;/b&gt; {_feed_size(_size(f.accession))}{items}"
    )
    title = html.escape(f"{f.form} - {name} ({cik:010d}) ({role})").replace("&#x27;", "&#39;")
    return (
        "<entry>\n"
        f"<title>{title}</title>\n"
        f'<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/'
        f'{cik}/{f.folder}/{f.accession}-index.htm"/>\n'
        f'<summary type="html">\n{summary}\n</summary>\n'
        f"<updated>{f.local.isoformat()}</updated>\n"
        '<category scheme="https://www.sec.gov/" label="form type" '
        f'term="{html.escape(f.form)}"/>\n'
        f"<id>urn:tag:sec.gov,2008:accession-number={f.accession}</id>\n"
        "</entry>\n"
    )


# =================================================================================================
# URL routing

_WWW = r"https://www\.sec\.gov"
_DATA = r"https://data\.sec\.gov"
_TICKERS = re.compile(rf"{_WWW}/files/company_tickers(_exchange)?\.json")
_SUBMISSIONS = re.compile(rf"{_DATA}/submissions/CIK(\d{{10}})\.json")
_PAGE = re.compile(rf"{_DATA}/submissions/CIK(\d{{10}})-submissions-(\d{{3}})\.json")
_FACTS = re.compile(rf"{_DATA}/api/xbrl/companyfacts/CIK(\d{{10}})\.json")
_INDEX = re.compile(
    rf"{_WWW}/Archives/edgar/daily-index/(\d{{4}})/QTR([1-4])/(form|company|master)\.(\d{{8}})\.idx"
)
_ARCHIVE = re.compile(rf"{_WWW}/Archives/edgar/data/(\d{{1,10}})/(\d{{18}})/(.+)")
_FEED = re.compile(rf"{_WWW}/cgi-bin/browse-edgar")


def _archive(cik: int, folder: str, name: str, as_of: dt.datetime) -> bytes | None:
    """A file inside a filing folder: the primary document (raw or XSL path), the SGML header or
    the full submission text; only under a CIK that took part in the filing."""
    accession = f"{folder[:10]}-{folder[10:12]}-{folder[12:]}"
    f = _world().by_accession.get(accession)
    if f is None or not _visible(f, as_of) or cik not in (c for c, _, _ in _involved(f)):
        return None
    if name == f"{accession}.hdr.sgml":
        return _sgml_header(f).encode("latin-1", errors="replace")
    if name == f"{accession}.txt":
        return _full_submission(f)
    if name in (f.document, f.raw_document):
        return _primary(accession)
    return None


def _route(url: str, as_of: dt.datetime) -> bytes | None:
    """The body EDGAR would send for `url` at `as_of`, or None for a 404."""
    parts = urlsplit(url)
    path = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if m := _TICKERS.fullmatch(path):
        return _company_tickers_exchange(as_of) if m.group(1) else _company_tickers(as_of)
    if m := _SUBMISSIONS.fullmatch(path):
        return _submissions(int(m.group(1)), as_of)
    if m := _PAGE.fullmatch(path):
        return _submissions_page(int(m.group(1)), int(m.group(2)), as_of)
    if m := _FACTS.fullmatch(path):
        return _companyfacts(int(m.group(1)), as_of)
    if m := _INDEX.fullmatch(path):
        try:
            day = dt.datetime.strptime(m.group(4), "%Y%m%d").date()
        except ValueError:
            return None
        if day.year != int(m.group(1)) or (day.month - 1) // 3 + 1 != int(m.group(2)):
            return None
        return _daily_index(day, m.group(3), as_of)
    if m := _ARCHIVE.fullmatch(path):
        return _archive(int(m.group(1)), m.group(2), m.group(3), as_of)
    if _FEED.fullmatch(path):
        return _current_feed(as_of, parse_qs(parts.query, keep_blank_values=True))
    return None


class SampleEdgar:
    """Answers EDGAR URLs from the synthetic world as of a clock.

    `as_of` must be timezone-aware; None reads the wall clock at each request. Unknown URLs and
    anything not yet filed or closed at the clock get a 404 with a small HTML body, like EDGAR.
    """

    def __init__(self, as_of: dt.datetime | None = None) -> None:
        if as_of is not None and as_of.tzinfo is None:
            raise ValueError("SampleEdgar needs a timezone-aware as_of")
        self.as_of = as_of

    def get(self, url: str) -> HttpExchange:
        as_of = self.as_of or dt.datetime.now(UTC)
        body = _route(url, as_of)
        if body is None:
            return HttpExchange(url, {}, 404, NOT_FOUND)
        return HttpExchange(url, {}, 200, body)
