"""Dividend adjustment, CRSP style, on top of split-adjusted bars.

For a dividend D with ex-date E, every price dated before E is multiplied by
    f_E = 1 - D / close(last session before E)
so the adjusted series has the total-return shape. Splits are already in the provider's bars and
are not applied again. Factors are recomputed from the whole history each time, so a new action
rewrites the history it affects instead of leaving it stale.
"""

from __future__ import annotations

import polars as pl

from finlake.datasets import PRICES_ADJUSTED


class AdjustmentError(ValueError):
    """An action that cannot produce a valid factor (e.g. a dividend >= the previous close)."""


def dividend_factors(prices: pl.DataFrame, actions: pl.DataFrame) -> pl.DataFrame:
    """One row per dividend that affects some price: ticker, date (ex-date), dividend,
    prev_close and factor. Dividends with no earlier bar affect nothing and are left out."""
    dividends = (
        actions.filter(pl.col("dividend") > 0).select("ticker", "date", "dividend").sort("date")
    )
    closes = prices.select(
        "ticker", pl.col("date").alias("prev_date"), pl.col("close").alias("prev_close")
    )
    factors = (
        dividends.join_asof(
            closes.sort("prev_date"),
            left_on="date",
            right_on="prev_date",
            by="ticker",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .filter(pl.col("prev_close").is_not_null())
        .with_columns((1 - pl.col("dividend") / pl.col("prev_close")).alias("factor"))
    )
    bad = factors.filter(pl.col("factor") <= 0)
    if not bad.is_empty():
        r = bad.row(0, named=True)
        raise AdjustmentError(
            f"{r['ticker']} dividend {r['dividend']} on {r['date']} is not below the previous "
            f"close {r['prev_close']} ({r['prev_date']}); refusing to adjust"
        )
    return factors.select("ticker", "date", "dividend", "prev_close", "factor").sort(
        "ticker", "date"
    )


def adjust_prices(prices: pl.DataFrame, actions: pl.DataFrame) -> pl.DataFrame:
    """prices_adjusted rows for every bar in `prices` (which must hold each ticker's full history
    up to its latest bar, since a factor depends on the close before its ex-date)."""
    factors = dividend_factors(prices, actions)
    # cumulative factor of a dividend and every later one of the same ticker
    later = (
        factors.sort("ticker", "date")
        .with_columns(pl.col("factor").cum_prod(reverse=True).over("ticker").alias("cum"))
        .select("ticker", pl.col("date").alias("ex_date"), "cum")
        .sort("ex_date")
    )
    adjusted = (
        prices.sort("date")
        .join_asof(
            later,
            left_on="date",
            right_on="ex_date",
            by="ticker",
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .with_columns(pl.col("cum").fill_null(1.0).alias("adj_factor"))
        .with_columns(
            [(pl.col(c) * pl.col("adj_factor")).alias(c) for c in ("open", "high", "low", "close")]
        )
    )
    return PRICES_ADJUSTED.conform(adjusted)
