"""The chart parser on Yahoo's real payloads, checked against yfinance's own parsing."""

import datetime as dt
import json
import warnings

import polars as pl
import pytest

from finlake.sources.base import PayloadError
from finlake.sources.yahoo.chart import ChartInput, parse_chart
from finlake.sources.yahoo.provider import canonical_frames

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"
NVDA = "yahoo/chart_NVDA_1d_2021-02-01_2022-01-31_split.json"
MSFT = "yahoo/chart_MSFT_1d_2021-02-01_2022-01-31_div.json"
AAPL_1M = "yahoo/chart_AAPL_1m_2024-10-02.json"
TSLA_30M = "yahoo/chart_TSLA_30m_2021-11-22_prepost.json"


def test_aapl_split_and_dividend(realdata):
    batch = parse_chart(ChartInput((realdata / AAPL).read_bytes(), ticker="AAPL"))
    assert batch.bars.height == 49
    assert batch.rejects.is_empty()
    assert batch.bars["date"].min() == dt.date(2020, 8, 31)
    assert batch.bars["date"].max() == dt.date(2020, 11, 6)
    events = batch.events.select("date", "dividend", "split_ratio").rows()
    assert events == [(dt.date(2020, 8, 31), 0.0, 4.0), (dt.date(2020, 11, 6), 0.205, 1.0)]
    meta = batch.metas["AAPL"]
    assert (meta.granularity, meta.timezone, meta.currency) == ("1d", "America/New_York", "USD")
    assert meta.first_trade_date == dt.date(1980, 12, 12)


def test_nvda_split_and_msft_dividends(realdata):
    nvda = parse_chart(ChartInput((realdata / NVDA).read_bytes(), ticker="NVDA"))
    assert nvda.bars.height == 252
    assert nvda.events.filter(pl.col("split_ratio") != 1).rows()[0][1] == dt.date(2021, 7, 20)
    msft = parse_chart(ChartInput((realdata / MSFT).read_bytes(), ticker="MSFT"))
    assert msft.events["dividend"].to_list() == [0.56, 0.56, 0.56, 0.62]


def test_one_minute_payload_rejects_null_bar_and_bar_outside_window(realdata):
    window = (dt.datetime(2024, 10, 2, tzinfo=dt.UTC), dt.datetime(2024, 10, 3, tzinfo=dt.UTC))
    batch = parse_chart(ChartInput((realdata / AAPL_1M).read_bytes(), "AAPL", window=window))
    assert batch.bars.height == 389  # 390 regular bars minus the all-null 15:15Z bar
    rows = {
        json.loads(r)["timestamp"][:16]: reason
        for r, reason in batch.rejects.select("row", "reason").rows()
    }
    assert rows["2024-10-02T15:15"].startswith("all-null bar")
    assert rows["2024-10-03T20:00"].startswith("outside the requested window")
    # without a window the trailing bar is a bar like any other; the null one is still rejected
    assert parse_chart(ChartInput((realdata / AAPL_1M).read_bytes())).bars.height == 390
    # and a daily dataset cannot be built from minute bars
    with pytest.raises(PayloadError, match="needs daily"):
        canonical_frames(batch)


def test_thirty_minute_payload_parses(realdata):
    batch = parse_chart(ChartInput((realdata / TSLA_30M).read_bytes()))
    assert batch.bars.height == 30
    assert batch.metas["TSLA"].granularity == "30m"


class _Response:
    def __init__(self, body: bytes, url: str) -> None:
        self.content, self.text, self.status_code, self.url = body, body.decode(), 200, url

    def json(self):
        return json.loads(self.text)


class _OfflineData:
    """Stands in for yfinance's request layer: every request gets the same body."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def get(self, url, params=None, timeout=30):
        return _Response(self.body, url)

    cache_get = get


@pytest.mark.parametrize("name,ticker", [(AAPL, "AAPL"), (NVDA, "NVDA"), (MSFT, "MSFT")])
def test_matches_yfinance_parsing_of_the_same_bytes(realdata, tmp_path, name, ticker):
    yf = pytest.importorskip("yfinance")
    yf.set_tz_cache_location(str(tmp_path))
    body = (realdata / name).read_bytes()
    handle = yf.Ticker(ticker)
    handle._data = _OfflineData(body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = handle.history(
            start="2020-01-01", end="2023-01-01", interval="1d", auto_adjust=False, actions=True
        )
    ours = canonical_frames(parse_chart(ChartInput(body, ticker=ticker)))
    theirs = pl.from_pandas(frame.reset_index()).with_columns(
        pl.col("Date").dt.date().alias("date")
    )
    joined = ours.prices.join(theirs, on="date", how="inner")
    assert joined.height == ours.prices.height == theirs.height
    for mine, yfs in [("open", "Open"), ("high", "High"), ("low", "Low"), ("close", "Close")]:
        assert (joined[mine] - joined[yfs]).abs().max() < 1e-9
    assert (joined["volume"] == joined["Volume"]).all()
    divs = theirs.filter(pl.col("Dividends") > 0).select("date", "Dividends").rows()
    assert ours.actions.filter(pl.col("dividend") > 0).select("date", "dividend").rows() == divs
    splits = theirs.filter(pl.col("Stock Splits") > 0).select("date", "Stock Splits").rows()
    assert (
        ours.actions.filter(pl.col("split_ratio") != 1).select("date", "split_ratio").rows()
        == splits
    )


@pytest.mark.parametrize(
    "body,match",
    [
        (b"", "empty response body"),
        (b"<!DOCTYPE html><html><body>Will be right back</body></html>", "HTML/XML page"),
        (b'{"chart": {"result": [{"meta": ', "malformed JSON"),
        (b'{"finance": {"error": "x"}}', "not a Yahoo chart payload"),
        (
            b'{"chart":{"result":null,"error":{"code":"Not Found",'
            b'"description":"No data found, symbol may be delisted"}}}',
            "Not Found: No data found",
        ),
        (b'{"chart":{"result":[],"error":null}}', "chart.result is empty"),
    ],
)
def test_broken_bodies_raise_clear_errors(body, match):
    with pytest.raises(PayloadError, match=match):
        parse_chart(ChartInput(body, ticker="AAPL"))


def _payload(ticker="AAPL", close=(1.5, 1.6), ts=(1604673000, 1604932200)) -> bytes:
    doc = {
        "chart": {
            "result": [
                {
                    "meta": {
                        "symbol": ticker,
                        "dataGranularity": "1d",
                        "exchangeTimezoneName": "America/New_York",
                    },
                    "timestamp": list(ts),
                    "indicators": {
                        "quote": [
                            {
                                "open": [1.4] * len(ts),
                                "high": [2.0] * len(ts),
                                "low": [1.0] * len(ts),
                                "close": list(close),
                                "volume": [100] * len(ts),
                            }
                        ]
                    },
                }
            ],
            "error": None,
        }
    }
    return json.dumps(doc).encode()


def test_structural_problems_are_payload_errors():
    with pytest.raises(PayloadError, match="payload is for MSFT, expected AAPL"):
        parse_chart(ChartInput(_payload("MSFT"), ticker="AAPL"))
    with pytest.raises(PayloadError, match="2 values for 3 timestamps"):
        parse_chart(ChartInput(_payload(ts=(1, 2, 3)), ticker="AAPL"))
    with pytest.raises(PayloadError, match="invalid ticker"):
        parse_chart(ChartInput(_payload("aapl;drop")))


def test_live_bar_fetched_before_the_close_is_rejected():
    # 2020-11-09 bar, fetched at 15:00 ET that day: Yahoo's intraday snapshot, not a final bar
    fetched = dt.datetime(2020, 11, 9, 20, 0, tzinfo=dt.UTC)
    batch = parse_chart(ChartInput(_payload(), ticker="AAPL", fetched_at=fetched))
    assert batch.bars["date"].to_list() == [dt.date(2020, 11, 6)]
    assert batch.rejects["reason"].to_list() == [
        "session had not closed when the payload was fetched (live bar)"
    ]
