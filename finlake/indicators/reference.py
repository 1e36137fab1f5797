"""The same indicators computed with TA-Lib, one ticker's contiguous arrays at a time.

This is the oracle the parity tests compare against and the baseline `finlake bench indicators`
times. TA-Lib itself is a development dependency; the non-TA-Lib columns are built from TA-Lib
primitives (SUM, SMA, STDDEV, MIN, MAX) and numpy the way a TA-Lib user would.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from finlake.indicators.columns import ANOMALY_Z, COLUMNS, TRADING_DAYS

NAN = np.nan


def _shift(values: np.ndarray, by: int) -> np.ndarray:
    out = np.full_like(values, NAN)
    out[by:] = values[:-by]
    return out


def _pad(values: np.ndarray, front: int) -> np.ndarray:
    return np.concatenate([np.full(front, NAN), values])


def _sample_std(talib, values: np.ndarray, n: int) -> np.ndarray:
    """Sample standard deviation over n values (TA-Lib's STDDEV is the population one)."""
    return talib.STDDEV(values, n, 1.0) * math.sqrt(n / (n - 1))


def talib_indicators(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray
) -> dict[str, np.ndarray]:
    import talib

    n = len(close)
    out: dict[str, np.ndarray] = {}
    for p in (5, 10, 20, 50, 100, 200):
        out[f"sma_{p}"] = talib.SMA(close, p)
    for p in (12, 26, 50, 200):
        out[f"ema_{p}"] = talib.EMA(close, p)
    out["rsi_14"] = talib.RSI(close, 14)
    out["macd"], out["macd_signal"], out["macd_hist"] = talib.MACD(close, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(close, 20, 2.0, 2.0, 0)
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = upper, middle, lower
    width = upper - lower
    with np.errstate(divide="ignore", invalid="ignore"):
        out["bb_percent_b"] = np.where(width > 0, (close - lower) / width, NAN)
        out["bb_bandwidth"] = np.where(middle != 0, width / middle, NAN)
    out["atr_14"] = talib.ATR(high, low, close, 14)
    out["volume_sma_20"] = talib.SMA(volume, 20)
    out["volume_sma_50"] = talib.SMA(volume, 50)
    typical = (high + low + close) / 3.0
    money, shares = talib.SUM(typical * volume, 20), talib.SUM(volume, 20)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["vwap_20"] = np.where(shares > 0, money / shares, NAN)
    out["high_52w"] = talib.MAX(high, TRADING_DAYS)
    out["low_52w"] = talib.MIN(low, TRADING_DAYS)
    ret = np.full(n, NAN)
    for p in (1, 5, 21):
        r = np.full(n, NAN)
        r[p:] = close[p:] / close[:-p] - 1.0
        out[f"return_{p}d"] = r
        if p == 1:
            ret = r
    logret = np.full(n, NAN)
    logret[1:] = np.log(close[1:] / close[:-1])
    out["log_return_1d"] = logret
    if n > 1:
        out["volatility_21d"] = _pad(_sample_std(talib, logret[1:], 21), 1) * math.sqrt(
            TRADING_DAYS
        )
        mean = _shift(_pad(talib.SMA(ret[1:], 63), 1), 1)
        std = _shift(_pad(_sample_std(talib, ret[1:], 63), 1), 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(std > 0, (ret - mean) / std, NAN)
    else:
        out["volatility_21d"] = np.full(n, NAN)
        z = np.full(n, NAN)
    out["return_zscore_63d"] = z
    out["is_anomaly"] = np.where(np.isnan(z), NAN, (np.abs(z) > ANOMALY_Z).astype(float))
    out["support_20"] = _shift(talib.MIN(low, 20), 1)
    out["resistance_20"] = _shift(talib.MAX(high, 20), 1)
    return out


def reference_indicators(bars: pl.DataFrame) -> pl.DataFrame:
    """compute_indicators' output, computed with TA-Lib ticker by ticker (bars sorted)."""
    bars = bars.sort("ticker", "date")
    frames = []
    for _, group in bars.group_by("ticker", maintain_order=True):
        arrays = talib_indicators(
            *(
                group.get_column(c).cast(pl.Float64).to_numpy()
                for c in ("high", "low", "close", "volume")
            )
        )
        frame = pl.DataFrame({c: pl.Series(c, arrays[c], nan_to_null=True) for c in COLUMNS})
        frames.append(group.select("ticker", "date").hstack(frame))
    return pl.concat(frames).with_columns(pl.col("is_anomaly").cast(pl.Boolean))
