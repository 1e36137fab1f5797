"""The indicator columns of indicators_daily (names are a contract) and their warm-up."""

from __future__ import annotations

# column -> index of the first non-null value in a ticker's history (TA-Lib's lookback for the
# TA-Lib indicators)
WARMUP: dict[str, int] = {
    "sma_5": 4,
    "sma_10": 9,
    "sma_20": 19,
    "sma_50": 49,
    "sma_100": 99,
    "sma_200": 199,
    "ema_12": 11,
    "ema_26": 25,
    "ema_50": 49,
    "ema_200": 199,
    "rsi_14": 14,
    "macd": 33,
    "macd_signal": 33,
    "macd_hist": 33,
    "bb_upper": 19,
    "bb_middle": 19,
    "bb_lower": 19,
    "bb_percent_b": 19,
    "bb_bandwidth": 19,
    "atr_14": 14,
    "volume_sma_20": 19,
    "volume_sma_50": 49,
    "vwap_20": 19,
    "high_52w": 251,
    "low_52w": 251,
    "return_1d": 1,
    "return_5d": 5,
    "return_21d": 21,
    "log_return_1d": 1,
    "volatility_21d": 21,
    "return_zscore_63d": 64,
    "is_anomaly": 64,
    "support_20": 20,
    "resistance_20": 20,
}

FLOAT_COLUMNS: list[str] = [c for c in WARMUP if c != "is_anomaly"]
COLUMNS: list[str] = list(WARMUP)

# the columns TA-Lib computes itself, with the call that defines them
TALIB_COLUMNS: list[str] = [
    *(f"sma_{n}" for n in (5, 10, 20, 50, 100, 200)),
    *(f"ema_{n}" for n in (12, 26, 50, 200)),
    "rsi_14",
    "macd",
    "macd_signal",
    "macd_hist",
    "bb_upper",
    "bb_middle",
    "bb_lower",
    "atr_14",
    "volume_sma_20",
    "volume_sma_50",
    "high_52w",
    "low_52w",
]

ANOMALY_Z = 4.0
TRADING_DAYS = 252
