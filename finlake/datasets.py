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
    partition_grain: str = "value"  # value | month

    def partition_expr(self) -> pl.Expr:
        """The hive value of each row."""
        source = pl.col(self.partition_source or self.partition_by)
        if self.partition_grain == "month":
            return source.dt.strftime("%Y-%m")
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
    },
    partition_by=None,  # the lake stores it per (dataset, partition); see Lake.write_quarantine
    sort_by=("dataset", "partition"),
    description="Rows the quality gates rejected, with the reason, the run and the time.",
    columns={"row": "The rejected row as JSON.", "partition": "Partition key of the row."},
)

INDICATORS_DAILY = Dataset(
    name="indicators_daily",
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

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (PRICES_DAILY, CORPORATE_ACTIONS, PRICES_ADJUSTED, INDICATORS_DAILY, QUARANTINE)
}
