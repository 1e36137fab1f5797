"""The data contract: every dataset's name, layer, physical partitioning and column schema.

Names and columns here are what users and other datasets build on; the lake, the catalog views,
the Pandera gates and the Dagster metadata all read them from this one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from finlake.indicators.columns import COLUMNS

UTC_TS = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class Dataset:
    """A dataset of the contract and how the lake lays it out.

    `partition_by` names the hive directory key; `partition_source` is the column it derives from
    and `partition_grain` how ("value" = the column itself, "month" = YYYY-MM of a date column).
    """

    name: str
    layer: str  # bronze | silver | gold | quality
    schema: dict[str, pl.DataType]
    partition_by: str | None  # hive key; None = a single file
    sort_by: tuple[str, ...]
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    partition_source: str | None = None
    partition_grain: str = "value"  # value | month | year
    # the columns that identify a row: a stored row is replaced only by a valid row of its key
    key: tuple[str, ...] = ()

    def partition_expr(self) -> pl.Expr:
        """The hive value of each row."""
        source = pl.col(self.partition_source or self.partition_by)
        if self.partition_grain == "month":
            return source.dt.strftime("%Y-%m")
        if self.partition_grain == "year":
            return source.dt.strftime("%Y")
        return source.cast(pl.String)

    @property
    def column_names(self) -> list[str]:
        return list(self.schema)

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def conform(self, df: pl.DataFrame) -> pl.DataFrame:
        """Select the contract columns in order with their contract types, sorted."""
        missing = [c for c in self.schema if c not in df.columns]
        if missing:
            raise ValueError(f"{self.name}: missing columns {missing}")
        out = df.select([pl.col(c).cast(t) for c, t in self.schema.items()])
        return out.sort(list(self.sort_by)) if self.sort_by else out


BAR_COLUMNS: dict[str, pl.DataType] = {
    "ticker": pl.String,
    "date": pl.Date,
    "open": pl.Float64,
    "high": pl.Float64,
    "low": pl.Float64,
    "close": pl.Float64,
    "volume": pl.Int64,
}

PRICES_DAILY = Dataset(
    name="prices_daily",
    key=("ticker", "date"),
    layer="silver",
    schema={**BAR_COLUMNS, "source": pl.String, "ingested_at": UTC_TS},
    partition_by="month",
    partition_source="date",
    partition_grain="month",
    sort_by=("date", "ticker"),
    description=(
        "Daily OHLCV bars, one row per (ticker, NYSE session). Prices are split-adjusted as the "
        "provider serves them and not dividend-adjusted."
    ),
    columns={
        "ticker": "Validated ticker symbol.",
        "date": "NYSE session date (America/New_York).",
        "close": "Split-adjusted close, not dividend-adjusted.",
        "volume": "Split-adjusted share volume.",
        "source": "Provider the bar came from (e.g. yahoo).",
        "ingested_at": "When finlake fetched the bar (UTC).",
    },
)

CORPORATE_ACTIONS = Dataset(
    name="corporate_actions",
    key=("ticker", "date"),
    layer="silver",
    schema={
        "ticker": pl.String,
        "date": pl.Date,
        "dividend": pl.Float64,
        "split_ratio": pl.Float64,
        "source": pl.String,
    },
    partition_by="month",
    partition_source="date",
    partition_grain="month",
    sort_by=("date", "ticker"),
    description=(
        "Dividends and splits by ex-date. dividend is cash per share (0.0 when none); "
        "split_ratio is new shares per old share (4.0 = 4-for-1, 1.0 when none)."
    ),
    columns={
        "date": "Ex-date (NYSE session).",
        "dividend": "Cash dividend per share, split-adjusted like the bars; 0.0 if none.",
        "split_ratio": "Shares after / shares before; 1.0 if none.",
    },
)

PRICES_ADJUSTED = Dataset(
    name="prices_adjusted",
    key=("ticker", "date"),
    layer="silver",
    schema={**BAR_COLUMNS, "adj_factor": pl.Float64},
    partition_by="month",
    partition_source="date",
    partition_grain="month",
    sort_by=("date", "ticker"),
    description=(
        "Split- and dividend-adjusted bars: the split-adjusted bars times finlake's own "
        "CRSP-style dividend factors, recomputed for a ticker's whole history when an action "
        "arrives."
    ),
    columns={
        "adj_factor": "Product of (1 - dividend / previous close) over later ex-dates; "
        "prices = split-adjusted price x adj_factor.",
    },
)

QUARANTINE = Dataset(
    name="quarantine",
    layer="quality",
    schema={
        "dataset": pl.String,
        "partition": pl.String,
        "row": pl.String,
        "reason": pl.String,
        "run_id": pl.String,
        "time": UTC_TS,
        "stored_row": pl.String,
    },
    partition_by=None,  # the lake stores it per (dataset, partition); see Lake.write_quarantine
    sort_by=("dataset", "partition"),
    description=(
        "Rows the quality gates rejected, with the reason, the run and the time. A rejected "
        "revision of a stored row never replaces it: the stored row is kept and shown beside "
        "the revision in stored_row."
    ),
    columns={
        "row": "The rejected row as JSON.",
        "partition": "Partition key of the row.",
        "stored_row": "The stored row (kept) this rejected revision would have replaced, as "
        "JSON; null when none was stored.",
    },
)

INDICATORS_DAILY = Dataset(
    name="indicators_daily",
    key=("ticker", "date"),
    layer="gold",
    schema={
        "ticker": pl.String,
        "date": pl.Date,
        **{name: pl.Boolean if name == "is_anomaly" else pl.Float64 for name in COLUMNS},
    },
    partition_by="month",
    partition_source="date",
    partition_grain="month",
    sort_by=("date", "ticker"),
    description=(
        "Technical indicators per (ticker, session) on split- and dividend-adjusted prices, "
        "exact to TA-Lib; null during each indicator's warm-up. Recomputed over a ticker's whole "
        "history whenever its adjusted prices change."
    ),
    columns={
        "rsi_14": "Wilder RSI over 14 sessions.",
        "macd": "EMA12 - EMA26 (TA-Lib seeding); macd_signal = EMA9 of it; macd_hist = difference.",
        "bb_upper": "SMA20 + 2 population standard deviations (bb_lower: minus).",
        "bb_percent_b": "(close - bb_lower) / (bb_upper - bb_lower); null when the bands touch.",
        "bb_bandwidth": "(bb_upper - bb_lower) / bb_middle.",
        "atr_14": "Wilder average true range over 14 sessions.",
        "vwap_20": "sum(typical x volume) / sum(volume) over 20 sessions; typical = (h+l+c)/3.",
        "high_52w": "Max high over the last 252 sessions (low_52w: min low).",
        "volatility_21d": "Sample std of the last 21 daily log returns x sqrt(252).",
        "return_zscore_63d": "(return_1d - mean) / sample std of the previous 63 daily returns.",
        "is_anomaly": "|return_zscore_63d| > 4.",
        "support_20": "Min low of the previous 20 sessions (resistance_20: max high).",
    },
)

SEC_COMPANIES = Dataset(
    name="sec_companies",
    key=("cik", "ticker"),
    layer="silver",
    schema={
        "cik": pl.String,
        "ticker": pl.String,
        "title": pl.String,
        "exchange": pl.String,
        "first_seen": pl.Date,
        "last_seen": pl.Date,
        "listed": pl.Boolean,
    },
    partition_by=None,
    sort_by=("cik", "ticker"),
    description=(
        "Companies and their tickers from SEC's company_tickers files. A (cik, ticker) keeps its "
        "row after it leaves the file: first_seen/last_seen say when it was listed there, and "
        "listed is false once it is gone."
    ),
    columns={
        "cik": "10-digit zero-padded CIK.",
        "exchange": "Exchange from company_tickers_exchange.json (null when not listed there).",
        "first_seen": "First snapshot of the file that listed it.",
        "last_seen": "Latest snapshot that listed it.",
        "listed": "Listed in the latest snapshot.",
    },
)

SEC_FILINGS = Dataset(
    name="sec_filings",
    key=("cik", "accession_number"),
    layer="silver",
    schema={
        "cik": pl.String,
        "ticker": pl.String,
        "accession_number": pl.String,
        "form": pl.String,
        "filing_date": pl.Date,
        "report_date": pl.Date,
        "acceptance_datetime": UTC_TS,
        "items": pl.List(pl.String),
        "primary_document": pl.String,
        "document_url": pl.String,
        "size": pl.Int64,
        "is_xbrl": pl.Boolean,
        "acceptance_source": pl.String,
    },
    partition_by="month",
    partition_source="filing_date",
    partition_grain="month",
    sort_by=("filing_date", "cik", "accession_number"),
    description=(
        "One row per EDGAR filing of a universe company, every form type, by EDGAR filing date."
    ),
    columns={
        "acceptance_datetime": "When EDGAR accepted the filing, true UTC (from the SGML header).",
        "acceptance_source": "sgml_header, or submissions_json when the header was unavailable "
        "(then corrected for filers whose JSON shows New York time with a Z).",
        "items": "8-K item numbers, e.g. [2.02, 9.01].",
        "primary_document": "The primary document's file name (raw XML for Forms 3/4/5).",
    },
)

OWNER_COLUMNS: dict[str, pl.DataType] = {
    "accession_number": pl.String,
    "filing_date": pl.Date,
    "form": pl.String,
    "issuer_cik": pl.String,
    "issuer_ticker": pl.String,
    "owner_cik": pl.String,
    "owner_name": pl.String,
}

INSIDER_TRANSACTIONS = Dataset(
    name="insider_transactions",
    key=("accession_number", "transaction_index"),
    layer="silver",
    schema={
        **OWNER_COLUMNS,
        "transaction_index": pl.Int32,
        "joint_owner_ciks": pl.List(pl.String),
        "is_director": pl.Boolean,
        "is_officer": pl.Boolean,
        "officer_title": pl.String,
        "is_ten_percent_owner": pl.Boolean,
        "transaction_date": pl.Date,
        "security_title": pl.String,
        "is_derivative": pl.Boolean,
        "transaction_code": pl.String,
        "shares": pl.Float64,
        "price_per_share": pl.Float64,
        "acquired_disposed": pl.String,
        "shares_owned_after": pl.Float64,
        "direct_indirect": pl.String,
        "is_10b5_1": pl.Boolean,
        "footnotes": pl.String,
        "conversion_or_exercise_price": pl.Float64,
        "exercise_date": pl.Date,
        "expiration_date": pl.Date,
        "underlying_security_title": pl.String,
        "underlying_shares": pl.Float64,
    },
    partition_by="month",
    partition_source="filing_date",
    partition_grain="month",
    sort_by=("filing_date", "accession_number", "transaction_index"),
    description=(
        "One row per transaction (non-derivative and derivative) reported on Forms 4 and 5, "
        "with the filing's date so analyses stay point in time."
    ),
    columns={
        "owner_cik": "The first reporting owner; joint_owner_ciks lists the others.",
        "is_10b5_1": "Made under a Rule 10b5-1 plan (aff10b5One, or stated in a footnote).",
        "price_per_share": "Null when the filing gives no price (or only a footnote).",
    },
)

INSIDER_HOLDINGS = Dataset(
    name="insider_holdings",
    key=("accession_number", "holding_index"),
    layer="silver",
    schema={
        **OWNER_COLUMNS,
        "holding_index": pl.Int32,
        "security_title": pl.String,
        "is_derivative": pl.Boolean,
        "shares_owned": pl.Float64,
        "direct_indirect": pl.String,
        "nature_of_ownership": pl.String,
        "footnotes": pl.String,
    },
    partition_by="month",
    partition_source="filing_date",
    partition_grain="month",
    sort_by=("filing_date", "accession_number", "holding_index"),
    description="Holdings reported without a transaction: Form 3 initial holdings and "
    "holdings-only lines of Forms 4 and 5.",
)

FUNDAMENTALS = Dataset(
    name="fundamentals",
    key=("cik", "taxonomy", "concept", "unit", "period_start", "period_end", "accession_number"),
    layer="silver",
    schema={
        "cik": pl.String,
        "taxonomy": pl.String,
        "concept": pl.String,
        "unit": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "value": pl.Float64,
        "fiscal_year": pl.Int32,
        "fiscal_period": pl.String,
        "form": pl.String,
        "filed": pl.Date,
        "accession_number": pl.String,
        "frame": pl.String,
    },
    partition_by="cik",
    partition_source="cik",
    sort_by=("cik", "taxonomy", "concept", "unit", "period_end", "filed"),
    description=(
        "Every XBRL datapoint of SEC companyfacts, as filed: the same fact repeats across "
        "filings and restatements add rows. Use fundamentals_asof (SQL) or "
        "finlake.fundamentals(..., as_of=) for point-in-time values."
    ),
    columns={
        "period_start": "Null for instants (balance-sheet items, share counts).",
        "fiscal_year": "Fiscal year of the FILING (SEC's fy), not of the period.",
        "fiscal_period": "Fiscal period of the FILING (SEC's fp: FY, Q1..Q4).",
        "filed": "Date the filing reporting this value was filed.",
        "frame": "SEC's calendar frame (CY2023Q1, CY2023, CY2023Q1I) on the one fact per period.",
    },
)

FILING_TEXT = Dataset(
    name="filing_text",
    key=("accession_number", "chunk_index"),
    layer="silver",
    schema={
        "accession_number": pl.String,
        "cik": pl.String,
        "ticker": pl.String,
        "form": pl.String,
        "filing_date": pl.Date,
        "document": pl.String,
        "chunk_index": pl.Int32,
        "section": pl.String,
        "text": pl.String,
    },
    partition_by="month",
    partition_source="filing_date",
    partition_grain="month",
    sort_by=("filing_date", "accession_number", "chunk_index"),
    description=(
        "The primary document of 10-K, 10-Q and 8-K filings as clean text in ~2,000-character "
        "chunks, each with the section heading it belongs to (Item 1A. Risk Factors, ...)."
    ),
)

NEWS_ARTICLES = Dataset(
    name="news_articles",
    key=("article_id",),
    layer="silver",
    schema={
        "article_id": pl.String,
        "url": pl.String,
        "title": pl.String,
        "summary": pl.String,
        "published_at": UTC_TS,
        "published_at_flag": pl.String,
        "fetched_at": UTC_TS,
        "publisher": pl.String,
        "feed": pl.String,
        "authors": pl.List(pl.String),
        "tickers": pl.List(pl.String),
        "mentioned_tickers": pl.List(pl.String),
        "ciks": pl.List(pl.String),
        "sentiment_compound": pl.Float64,
        "sentiment_positive": pl.Float64,
        "sentiment_neutral": pl.Float64,
        "sentiment_negative": pl.Float64,
        "sentiment_label": pl.String,
        "categories": pl.List(pl.String),
    },
    partition_by="month",
    partition_source="published_at",
    partition_grain="month",
    sort_by=("published_at", "article_id"),
    description=(
        "One row per news story, deduplicated across feeds and runs, with the universe tickers "
        "it is about and finance-aware VADER sentiment. Dagster partitions are the UTC hours of "
        "the polls: an hour's partition holds the stories first seen by that hour's poll."
    ),
    columns={
        "article_id": "Hash of the story's stable id: the accession number of an SEC filing (one "
        "story however many CIKs list it), else the canonical URL (no tracking parameters, scheme "
        "or www.); of title, publisher and time for items without an article URL.",
        "published_at": "UTC. Never later than fetched_at (see published_at_flag).",
        "published_at_flag": "Null when the item's own date was used; else updated, "
        "feed_updated, malformed, missing (the fetch time) or future (clamped to the fetch time).",
        "fetched_at": "When finlake first saw the story (UTC).",
        "feed": "The registry feed it was first seen in.",
        "tickers": "Universe tickers the story is about (its subjects): cashtags, exchange "
        "symbols, the feed's own ticker, company names in a subject's place.",
        "mentioned_tickers": "Universe companies named only in a supporting role: a bank quoted "
        "as analyst, an underwriter, a rival named for comparison. Not counted as the story's.",
        "ciks": "SEC filings: every CIK the feed lists the filing under (filer or issuer and "
        "reporting owners), 10 digits.",
        "sentiment_label": "positive / negative / neutral at compound +/-0.05.",
        "categories": "The feed's category (company, market, regulator, macro, filings) and the "
        "item's own categories.",
    },
)

NEWS_SENTIMENT_DAILY = Dataset(
    name="news_sentiment_daily",
    key=("ticker", "date"),
    layer="gold",
    schema={
        "ticker": pl.String,
        "date": pl.Date,
        "article_count": pl.Int64,
        "mean_compound": pl.Float64,
        "median_compound": pl.Float64,
        "share_positive": pl.Float64,
        "share_negative": pl.Float64,
    },
    partition_by="month",
    partition_source="date",
    partition_grain="month",
    sort_by=("date", "ticker"),
    description=(
        "Per ticker and NYSE session, the stories published since the previous session's close "
        "(16:00 ET, or the early close): a story after the close counts toward the next session."
    ),
    columns={"date": "The NYSE session the stories count toward."},
)

MACRO_OBSERVATIONS = Dataset(
    name="macro_observations",
    key=("series_id", "date", "realtime_start"),
    layer="silver",
    schema={
        "series_id": pl.String,
        "date": pl.Date,
        "value": pl.Float64,
        "realtime_start": pl.Date,
        "realtime_end": pl.Date,
        "units": pl.String,
        "frequency": pl.String,
        "title": pl.String,
        "fetched_at": UTC_TS,
    },
    partition_by="series_id",
    partition_source="series_id",
    sort_by=("series_id", "date", "realtime_start"),
    description=(
        "FRED/ALFRED observations with their vintages: the value each observation had over each "
        "real-time period. Read point in time with macro_asof(as_of) or finlake.macro(as_of=...); "
        "macro_latest and macro_first_release are the current and first-published values."
    ),
    columns={
        "date": "The observation period (its first day, as FRED dates it).",
        "value": "Null where FRED shows '.' (missing in that vintage).",
        "realtime_start": "First day this value was published (the vintage date).",
        "realtime_end": "Last day it was current; 9999-12-31 while it still is.",
        "fetched_at": "When finlake fetched the vintage that last changed the row (UTC).",
    },
)

POLICY_EVENTS = Dataset(
    name="policy_events",
    key=("event_id",),
    layer="silver",
    schema={
        "event_id": pl.String,
        "published_at": UTC_TS,
        "title": pl.String,
        "url": pl.String,
        "category": pl.String,
        "feeds": pl.List(pl.String),
        "is_fomc_statement": pl.Boolean,
        "meeting_date": pl.Date,
        "target_low": pl.Float64,
        "target_high": pl.Float64,
        "change_bps": pl.Int64,
        "change_source": pl.String,
        "action": pl.String,
        "dissents": pl.List(pl.String),
        "fetched_at": UTC_TS,
    },
    partition_by="year",
    partition_source="published_at",
    partition_grain="year",
    sort_by=("published_at", "event_id"),
    description=(
        "Federal Reserve press releases (monetary-policy and all-press feeds); FOMC statements "
        "carry the parsed decision: target range, change in basis points, action, dissents."
    ),
    columns={
        "event_id": "Hash of the release URL.",
        "category": "The feed's category (Monetary Policy, Banking and Consumer Regulatory "
        "Policy, Enforcement Actions, ...).",
        "meeting_date": "FOMC statements: the meeting's (last) day.",
        "change_bps": "FOMC statements: +25 = a quarter-point hike, 0 = hold (the upper bound's "
        "move).",
        "change_source": "stated (the statement gives the size) or derived (the difference from "
        "the previous decision's target, as in fomc_decisions.csv or a stored statement).",
        "action": "hike / cut / hold (FOMC statements).",
        "dissents": "Voters against the action, as named in the statement.",
    },
)

FOMC_MEETINGS = Dataset(
    name="fomc_meetings",
    key=("start_date",),
    layer="silver",
    schema={
        "year": pl.Int32,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "statement_at": UTC_TS,
        "projections": pl.Boolean,
        "unscheduled": pl.Boolean,
        "cancelled": pl.Boolean,
    },
    partition_by=None,
    sort_by=("start_date",),
    description="FOMC meetings per year (the Fed's calendar), scheduled and unscheduled.",
    columns={
        "end_date": "The decision day.",
        "statement_at": "When the statement was released (14:00 ET since 2013); null if cancelled.",
        "projections": "A Summary of Economic Projections was released.",
    },
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        PRICES_DAILY,
        CORPORATE_ACTIONS,
        PRICES_ADJUSTED,
        INDICATORS_DAILY,
        SEC_COMPANIES,
        SEC_FILINGS,
        INSIDER_TRANSACTIONS,
        INSIDER_HOLDINGS,
        FUNDAMENTALS,
        FILING_TEXT,
        NEWS_ARTICLES,
        NEWS_SENTIMENT_DAILY,
        MACRO_OBSERVATIONS,
        POLICY_EVENTS,
        FOMC_MEETINGS,
        QUARANTINE,
    )
}
