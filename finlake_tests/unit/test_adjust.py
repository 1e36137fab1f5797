"""Dividend factors checked by hand on AAPL's 2020 payload, and on small constructed series."""

import datetime as dt

import polars as pl
import pytest

from finlake.sources.yahoo.chart import ChartInput, parse_chart
from finlake.sources.yahoo.provider import canonical_frames
from finlake.transforms.adjust import AdjustmentError, adjust_prices, dividend_factors

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"
PREV_CLOSE = 119.02999877929688


@pytest.fixture
def aapl(realdata):
    body = (realdata / AAPL).read_bytes()
    batch = parse_chart(ChartInput(body, ticker="AAPL"))
    return batch, canonical_frames(batch)


def test_aapl_factor_by_hand(aapl):
    _, parsed = aapl
    factors = dividend_factors(parsed.prices, parsed.actions)
    assert factors.height == 1
    row = factors.row(0, named=True)
    assert row["date"] == dt.date(2020, 11, 6)
    assert row["prev_close"] == PREV_CLOSE  # close of 2020-11-05 (119.03 as Yahoo's float32)
    assert row["factor"] == pytest.approx(1 - 0.205 / 119.03, rel=1e-8)
    assert row["factor"] == 1 - 0.205 / PREV_CLOSE


def test_aapl_adjusted_prices_and_no_double_split(aapl):
    batch, parsed = aapl
    adjusted = adjust_prices(parsed.prices, parsed.actions)
    factor = 1 - 0.205 / PREV_CLOSE
    raw = parsed.prices.select("date", pl.col("close").alias("raw"))
    joined = adjusted.join(raw, on="date")
    before = joined.filter(pl.col("date") < dt.date(2020, 11, 6))
    after = joined.filter(pl.col("date") >= dt.date(2020, 11, 6))
    assert ((before["close"] / before["raw"]) - factor).abs().max() < 1e-12
    assert (after["close"] == after["raw"]).all()
    # the 4:1 split on 2020-08-31 is already in the bars: no factor of 4 anywhere
    assert joined.filter(pl.col("date") == dt.date(2020, 8, 31))[
        "adj_factor"
    ].item() == pytest.approx(factor)
    # Yahoo's own adjclose jumps by the same factor at the ex-date
    yahoo = batch.bars.select("date", (pl.col("adjclose") / pl.col("close")).alias("r"))
    ratio_before = yahoo.filter(pl.col("date") == dt.date(2020, 11, 5))["r"].item()
    ratio_after = yahoo.filter(pl.col("date") == dt.date(2020, 11, 6))["r"].item()
    assert ratio_before / ratio_after == pytest.approx(factor, rel=1e-6)


def _prices(ticker: str, closes: list[float], start=dt.date(2024, 1, 2)) -> pl.DataFrame:
    from finlake.calendar import nyse

    days = nyse().sessions_between(start, start + dt.timedelta(days=60))[: len(closes)]
    return pl.DataFrame(
        {
            "ticker": ticker,
            "date": days,
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "volume": [1000] * len(closes),
            "source": "test",
            "ingested_at": [dt.datetime(2024, 6, 1, tzinfo=dt.UTC)] * len(closes),
        }
    )


def _actions(rows: list[tuple[str, dt.date, float, float]]) -> pl.DataFrame:
    schema = {
        "ticker": pl.String,
        "date": pl.Date,
        "dividend": pl.Float64,
        "split_ratio": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_factors_compound_and_stay_per_ticker():
    prices = pl.concat([_prices("AAA", [10.0, 10.0, 20.0, 20.0, 40.0]), _prices("BBB", [5.0] * 5)])
    days = prices.filter(pl.col("ticker") == "AAA")["date"].to_list()
    actions = _actions([("AAA", days[2], 1.0, 1.0), ("AAA", days[4], 2.0, 1.0)])
    adjusted = adjust_prices(prices, actions).filter(pl.col("ticker") == "AAA")
    f1, f2 = 1 - 1.0 / 10.0, 1 - 2.0 / 20.0
    assert adjusted["adj_factor"].to_list() == pytest.approx([f1 * f2, f1 * f2, f2, f2, 1.0])
    other = adjust_prices(prices, actions).filter(pl.col("ticker") == "BBB")
    assert other["adj_factor"].to_list() == [1.0] * 5
    assert other["close"].to_list() == [5.0] * 5


def test_a_new_dividend_rewrites_history():
    prices = _prices("AAA", [10.0, 11.0, 12.0, 13.0])
    days = prices["date"].to_list()
    old = adjust_prices(prices, _actions([]))
    new = adjust_prices(prices, _actions([("AAA", days[3], 0.6, 1.0)]))
    assert old["close"].to_list() == [10.0, 11.0, 12.0, 13.0]
    assert new["close"].to_list() == pytest.approx([10 * 0.95, 11 * 0.95, 12 * 0.95, 13.0])


def test_dividend_on_first_bar_affects_nothing_and_impossible_dividend_fails():
    prices = _prices("AAA", [10.0, 11.0])
    days = prices["date"].to_list()
    assert dividend_factors(prices, _actions([("AAA", days[0], 1.0, 1.0)])).is_empty()
    with pytest.raises(AdjustmentError, match="not below the previous close"):
        adjust_prices(prices, _actions([("AAA", days[1], 10.0, 1.0)]))
