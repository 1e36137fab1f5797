"""compute_indicators against TA-Lib: random walks and adversarial series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from finlake.indicators import COLUMNS, TALIB_COLUMNS, WARMUP, compute_indicators
from finlake.indicators.reference import reference_indicators

pytest.importorskip("talib")

START = dt.date(2000, 1, 3)


def frame(ticker: str, close, spread: float = 0.01, volume=None, seed: int = 0) -> pl.DataFrame:
    close = np.asarray(close, dtype=float)
    n = len(close)
    rng = np.random.default_rng(seed)
    open_ = close * np.exp(rng.normal(0, spread / 2, n)) if spread else close.copy()
    high = np.maximum(open_, close) * (1 + spread * rng.random(n))
    low = np.minimum(open_, close) * (1 - spread * rng.random(n))
    vol = (
        rng.integers(100, 100_000, n).astype(float) if volume is None else np.asarray(volume, float)
    )
    return pl.DataFrame(
        {
            "ticker": ticker,
            "date": [START + dt.timedelta(days=i) for i in range(n)],
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": vol,
        }
    )


def walk(ticker: str, n: int, seed: int, level: float = 100.0, vol: float = 0.02) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return frame(ticker, level * np.exp(np.cumsum(rng.normal(0, vol, n))), seed=seed)


def assert_parity(bars: pl.DataFrame, *, rtol: float = 1e-9, atol: float = 1e-9) -> pl.DataFrame:
    ours = compute_indicators(bars)
    ref = reference_indicators(bars)
    assert ours.select("ticker", "date").equals(ref.select("ticker", "date"))
    for column in COLUMNS:
        a, b = ours.get_column(column), ref.get_column(column)
        assert (a.is_null() == b.is_null()).all(), f"{column}: warm-up/null mask differs"
        if column == "is_anomaly":
            assert a.drop_nulls().equals(b.drop_nulls()), column
            continue
        mask = a.is_not_null()
        x, y = a.filter(mask).to_numpy(), b.filter(mask).to_numpy()
        exact = column in TALIB_COLUMNS
        tol = 0.0 if exact else rtol
        ok = np.abs(x - y) <= np.maximum(tol * np.abs(y), 0.0 if exact else atol)
        assert ok.all(), (
            f"{column}: max diff {np.abs(x - y).max()} ({'bit-exact' if exact else rtol})"
        )
    return ours


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_walks_match_talib(seed):
    bars = pl.concat([walk("AAA", 1500, seed), walk("BBB", 700, seed + 10, level=12.5, vol=0.04)])
    assert_parity(bars)


def test_talib_columns_are_bit_exact_and_within_1e9_anyway():
    bars = walk("AAA", 3000, 42)
    ours = compute_indicators(bars)
    ref = reference_indicators(bars)
    for column in TALIB_COLUMNS:
        diff = (ours[column] - ref[column]).abs().max()
        assert diff == 0.0, column


@pytest.mark.parametrize(
    "name,close,spread",
    [
        ("flat_100", np.full(400, 100.0), 0.0),
        ("flat_0_3", np.full(400, 0.1 + 0.2), 0.0),
        ("tiny_variation", 100 + 1e-9 * np.sin(np.arange(400)), 0.0),
        ("tiny_scale", 1e-7 * (1 + 0.01 * np.sin(np.arange(400))), 0.001),
        ("integers", np.round(np.linspace(10, 60, 400)), 0.0),
        (
            "huge_jumps",
            np.concatenate([np.full(150, 5.0), np.full(150, 500.0), np.full(100, 4.0)]),
            0.01,
        ),
    ],
)
def test_adversarial_series(name, close, spread):
    assert_parity(
        frame(name.upper().replace("_", "")[:8], close, spread=spread), rtol=1e-7, atol=1e-12
    )


def test_flat_series_values():
    out = compute_indicators(frame("FLAT", np.full(300, 100.0), spread=0.0))
    last = out.row(-1, named=True)
    assert last["rsi_14"] == 0.0  # TA-Lib: no movement is 0, not 50
    assert last["bb_upper"] == last["bb_middle"] == last["bb_lower"] == 100.0
    assert last["bb_percent_b"] is None  # undefined when the bands touch
    assert last["atr_14"] == 0.0 and last["volatility_21d"] == 0.0
    assert last["return_zscore_63d"] is None and last["is_anomaly"] is None


@pytest.mark.parametrize("n", [0, 1, 2, 10, 33, 34, 40, 251, 252])
def test_tickers_shorter_than_the_windows(n):
    bars = walk("SHORT", n, 5) if n else walk("SHORT", 1, 5).clear()
    out = compute_indicators(bars)
    assert out.height == n
    if n:
        assert_parity(bars)
        for column, first in WARMUP.items():
            assert out[column].is_not_null().any() == (n > first), column


def test_warmup_is_exactly_the_lookback():
    out = compute_indicators(walk("AAA", 400, 9))
    for column, first in WARMUP.items():
        values = out[column]
        assert values.slice(0, first).is_null().all(), column
        assert values[first] is not None, column


def test_gaps_are_bars_not_calendar_days():
    bars = walk("GAPS", 500, 3)
    gappy = bars.filter(pl.int_range(pl.len()) % 7 != 3)  # drop every 7th bar
    out = assert_parity(gappy)
    assert out.height == gappy.height


def test_unsorted_interleaved_input_gives_sorted_output():
    bars = pl.concat([walk("BBB", 300, 1), walk("AAA", 300, 2)])
    shuffled = bars.sample(fraction=1.0, shuffle=True, seed=4)
    assert compute_indicators(shuffled).equals(compute_indicators(bars.sort("ticker", "date")))


def test_no_value_uses_a_later_bar():
    bars = walk("AAA", 800, 11)
    full = compute_indicators(bars)
    for cut in (100, 263, 500, 799):
        assert compute_indicators(bars.head(cut)).equals(full.head(cut)), cut


@pytest.mark.parametrize(
    "mutate,match",
    [
        (
            lambda df: df.with_columns(
                pl.when(pl.int_range(pl.len()) == 50)
                .then(None)
                .otherwise(pl.col("close"))
                .alias("close")
            ),
            "null/NaN",
        ),
        (
            lambda df: df.with_columns(
                pl.when(pl.int_range(pl.len()) == 50)
                .then(float("nan"))
                .otherwise(pl.col("high"))
                .alias("high")
            ),
            "null/NaN",
        ),
        (
            lambda df: df.with_columns(
                pl.when(pl.int_range(pl.len()) == 50)
                .then(-1.0)
                .otherwise(pl.col("low"))
                .alias("low")
            ),
            "non-positive",
        ),
        (lambda df: pl.concat([df, df.slice(10, 1)]), "duplicate"),
        (lambda df: df.drop("volume"), "needs columns"),
    ],
)
def test_bad_input_is_an_error_not_a_poisoned_series(mutate, match):
    with pytest.raises(ValueError, match=match):
        compute_indicators(mutate(walk("AAA", 100, 1)))


def test_anomaly_flags_a_huge_jump():
    close = 100 * np.exp(np.cumsum(np.random.default_rng(8).normal(0, 0.01, 200)))
    close[150:] *= 1.5  # +50% in a day, 50 sigma
    out = compute_indicators(frame("JUMP", close))
    flagged = out.filter(pl.col("is_anomaly"))["date"].to_list()
    assert flagged == [START + dt.timedelta(days=150)]
    assert out["return_zscore_63d"][150] > 4


def test_the_gold_gate_refuses_impossible_values():
    from finlake.calendar import nyse
    from finlake.gate import GateFailure
    from finlake.pipelines.indicators import _gate

    bars = walk("AAA", 300, 3).with_columns(
        pl.Series("date", nyse().sessions_back(dt.date(2026, 10, 30), 300), dtype=pl.Date)
    )
    out = compute_indicators(bars)
    assert _gate(out).height == out.height
    broken = out.with_columns(
        pl.when(pl.int_range(pl.len()) == 250)
        .then(pl.col("bb_upper") - 1000)
        .otherwise(pl.col("bb_lower"))
        .alias("bb_lower"),
        pl.when(pl.int_range(pl.len()) == 251)
        .then(101.0)
        .otherwise(pl.col("rsi_14"))
        .alias("rsi_14"),
    )
    with pytest.raises(GateFailure) as info:
        _gate(broken.with_columns(pl.col("bb_lower") * -1))
    assert info.value.rejected.height > 0
    with pytest.raises(GateFailure, match="indicators_daily"):
        _gate(broken)
