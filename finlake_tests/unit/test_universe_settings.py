import json

import pytest

from finlake.settings import HomeMismatchError, Settings, default_home
from finlake.universe import (
    DEFAULT_UNIVERSE,
    InvalidTickerError,
    load_universe,
    parse_universe_file,
    validate_ticker,
)


@pytest.mark.parametrize("ticker", ["AAPL", "BRK-B", "BF.B", "GOOGL", "A", "T2"])
def test_valid_tickers(ticker):
    assert validate_ticker(ticker) == ticker


@pytest.mark.parametrize(
    "ticker",
    [
        "",
        "aapl",
        "../etc",
        "AAPL/..",
        "A'; DROP TABLE x;--",
        "AAPL ",
        "^GSPC",
        "ABCDEFGHIJKL",
        None,
        5,
    ],
)
def test_unsafe_tickers_are_rejected(ticker):
    with pytest.raises(InvalidTickerError):
        validate_ticker(ticker)


def test_default_universe_has_magnificent_seven_and_two_etfs():
    tickers = {s.ticker for s in DEFAULT_UNIVERSE}
    assert {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA", "SPY", "QQQ"} <= tickers
    assert sum(s.kind == "etf" for s in DEFAULT_UNIVERSE) >= 2


def test_universe_from_env_and_file(tmp_path):
    assert [s.ticker for s in load_universe({"FINLAKE_UNIVERSE": "MSFT, AAPL,MSFT"})] == [
        "MSFT",
        "AAPL",
    ]
    assert load_universe({"FINLAKE_UNIVERSE": "AAPL"})[0].name == "Apple Inc."
    csv_file = tmp_path / "u.csv"
    csv_file.write_text("ticker,name,kind\nXOM,Exxon Mobil,stock\nIWM,iShares Russell 2000,etf\n")
    assert [(s.ticker, s.kind) for s in parse_universe_file(csv_file)] == [
        ("XOM", "stock"),
        ("IWM", "etf"),
    ]
    txt = tmp_path / "u.txt"
    txt.write_text("# mine\nAAPL\nNVDA  # chips\n")
    assert [s.ticker for s in load_universe({"FINLAKE_UNIVERSE_FILE": str(txt)})] == [
        "AAPL",
        "NVDA",
    ]
    with pytest.raises(InvalidTickerError):
        load_universe({"FINLAKE_UNIVERSE": "AAPL,../x"})


def test_homes_are_separate_per_source_and_guarded(tmp_path):
    assert default_home("sample") != default_home("live")
    assert Settings.from_env({}).home == default_home("sample")
    assert Settings.from_env({"FINLAKE_SOURCE": "live"}).home == default_home("live")
    assert Settings.from_env({"FINLAKE_HOME": str(tmp_path)}).home == tmp_path.resolve()
    sample = Settings.from_env({}, home=tmp_path / "h", source="sample")
    sample.ensure_home()
    assert json.loads((tmp_path / "h" / "finlake-home.json").read_text())["source"] == "sample"
    live = Settings.from_env({}, home=tmp_path / "h", source="live")
    with pytest.raises(HomeMismatchError, match="holds sample data"):
        live.ensure_home()
    with pytest.raises(ValueError, match="FINLAKE_SOURCE"):
        Settings.from_env({"FINLAKE_SOURCE": "prod"})
