"""A mistyped home or filter value is an error that names it, never a silent empty answer."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import finlake
from finlake.cli import main
from finlake.query import UnknownValueError
from finlake.settings import HomeNotFoundError


def test_a_mistyped_home_is_an_error_and_is_not_created(tmp_path, monkeypatch):
    typo = tmp_path / "deom"
    monkeypatch.setenv("FINLAKE_HOME", str(typo))
    with pytest.raises(HomeNotFoundError, match="is not a finlake home"):
        finlake.connect()
    with pytest.raises(HomeNotFoundError):
        finlake.prices("AAPL", home=typo)
    result = CliRunner().invoke(main, ["sql", "SELECT 1"])
    assert result.exit_code == 1 and "is not a finlake home" in result.stderr
    assert not typo.exists()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: finlake.prices("AAPLX"), "unknown ticker: 'AAPLX' (nearest: AAPL"),
        (lambda: finlake.indicators(["MSFT", "MSTF"]), "'MSTF' (nearest: MSFT"),
        (lambda: finlake.macro("GDPX"), "unknown series: 'GDPX' (nearest: GDP"),
        (lambda: finlake.news(category="macr"), "unknown category: 'macr' (nearest: macro"),
        (lambda: finlake.news(label="negatve"), "unknown label: 'negatve' (nearest: negative"),
        (lambda: finlake.filings(forms=["8K"]), "unknown form: '8K' (nearest: 8-K"),
        (lambda: finlake.news_sentiment("TSLAA"), "'TSLAA' (nearest: TSLA"),
        (lambda: finlake.features("NVDAA"), "'NVDAA' (nearest: NVDA"),
    ],
)
def test_an_unknown_filter_value_names_the_nearest_known_ones(
    demo_lake, monkeypatch, call, message
):
    monkeypatch.setenv("FINLAKE_HOME", str(demo_lake))
    with pytest.raises(UnknownValueError) as raised:
        call()
    assert message in str(raised.value)


def test_a_known_value_without_rows_is_an_empty_answer(demo_lake):
    assert finlake.filings("SPY", start="1990-01-01", end="1990-12-31", home=demo_lake).is_empty()
    assert finlake.prices("AAPL", "1990-01-01", "1990-12-31", home=demo_lake).is_empty()
