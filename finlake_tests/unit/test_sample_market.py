"""The sample market answers like Yahoo: deterministic, window-independent, adjusted as of its
clock."""

import datetime as dt

import polars as pl

from finlake.calendar import nyse
from finlake.sources.yahoo.chart import ChartInput, parse_chart
from finlake.sources.yahoo.provider import request_window
from finlake_sample.yahoo import PROFILES, SampleChartTransport

AS_OF = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)


def bars(ticker, start, end, as_of=AS_OF):
    exchange = SampleChartTransport(as_of).get(ticker, *request_window(start, end))
    return parse_chart(ChartInput(exchange.body, ticker=ticker))


def test_same_request_same_bytes_and_overlapping_windows_agree():
    t = SampleChartTransport(AS_OF)
    window = request_window(dt.date(2025, 1, 2), dt.date(2025, 3, 31))
    assert t.get("AAPL", *window).body == t.get("AAPL", *window).body
    wide = bars("AAPL", dt.date(2024, 6, 1), dt.date(2025, 6, 30)).bars
    narrow = bars("AAPL", dt.date(2025, 2, 1), dt.date(2025, 2, 28)).bars
    shared = narrow.join(wide, on="date", suffix="_w")
    assert shared.height == narrow.height > 0
    assert (shared["close"] == shared["close_w"]).all()


def test_only_sessions_and_only_closed_ones():
    got = (
        bars("MSFT", dt.date(2026, 11, 1), dt.date(2026, 11, 30), as_of=AS_OF)
        .bars["date"]
        .to_list()
    )
    assert got == nyse().sessions_between(dt.date(2026, 11, 1), dt.date(2026, 11, 20))


def test_prices_are_split_adjusted_as_of_the_clock():
    split_day = dt.date(2025, 8, 25)  # TSLA 2:1 in the sample market
    window = (dt.date(2025, 8, 18), dt.date(2025, 8, 22))
    before = bars("TSLA", *window, as_of=dt.datetime(2025, 8, 22, 22, tzinfo=dt.UTC))
    after = bars("TSLA", *window, as_of=dt.datetime(2025, 8, 26, 22, tzinfo=dt.UTC))
    ratio = before.bars["close"] / after.bars["close"]
    assert (ratio - 2.0).abs().max() < 1e-5
    assert (before.bars["volume"] * 2 - after.bars["volume"]).abs().max() <= 1
    events = bars(
        "TSLA", split_day, split_day, as_of=dt.datetime(2025, 8, 26, 22, tzinfo=dt.UTC)
    ).events
    assert events.select("date", "split_ratio").rows() == [(split_day, 2.0)]


def test_every_bar_is_consistent_and_dividends_regular():
    for ticker in PROFILES:
        b = bars(ticker, dt.date(2024, 11, 1), dt.date(2026, 11, 20)).bars
        assert b.filter(
            (pl.col("low") > pl.min_horizontal("open", "close"))
            | (pl.col("high") < pl.max_horizontal("open", "close"))
            | (pl.col("low") <= 0)
            | (pl.col("volume") < 0)
        ).is_empty(), ticker
    divs = bars("SPY", dt.date(2025, 1, 1), dt.date(2025, 12, 31)).events
    assert divs.height == 4 and (divs["dividend"] > 0).all()


def test_before_listing_there_are_no_bars_and_unknown_tickers_work():
    early = bars("META", dt.date(2010, 1, 4), dt.date(2010, 1, 29))
    assert early.bars.is_empty()
    assert early.metas["META"].first_trade_date == dt.date(2012, 5, 18)
    synthetic = bars("ZZZ9", dt.date(2026, 1, 2), dt.date(2026, 1, 30))
    assert synthetic.bars.height == len(
        nyse().sessions_between(dt.date(2026, 1, 2), dt.date(2026, 1, 30))
    )
