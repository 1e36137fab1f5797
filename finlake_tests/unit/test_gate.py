import datetime as dt
import json

import polars as pl
import pytest

from finlake.datasets import PRICES_DAILY
from finlake.gate import GateFailure, apply_gate
from finlake.schemas.prices import CORPORATE_ACTIONS_SCHEMA, PRICES_DAILY_SCHEMA

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 20)


def bar(ticker="AAPL", day=DAY, o=10.0, h=11.0, low=9.0, c=10.5, v=100):
    return (ticker, day, o, h, low, c, v, "yahoo", NOW)


def frame(*rows) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PRICES_DAILY.schema, orient="row")


def gate(df, limit=1.0):
    return apply_gate(
        df, PRICES_DAILY_SCHEMA, dataset="prices_daily", partition_by="date", max_bad_fraction=limit
    )


def reasons(result) -> dict[str, str]:
    return {
        json.loads(r)["ticker"]: why for r, why in result.rejected.select("row", "reason").rows()
    }


def test_valid_rows_pass_untouched():
    df = frame(bar("AAPL"), bar("MSFT"))
    result = gate(df)
    assert result.valid.equals(df)
    assert result.rejected.is_empty()


@pytest.mark.parametrize(
    "row,expected",
    [
        (bar("NANX", c=float("nan")), "close is null or NaN"),
        (bar("NEGX", o=-1.0), "open: must be > 0"),
        (bar("INFX", h=float("inf")), "high: not finite"),
        (bar("VOLX", v=-5), "volume: must be >= 0"),
        (bar("OHLC", low=10.6), "low <= min(open, close)"),
        (bar("HOLX", day=dt.date(2026, 11, 26)), "date: not an NYSE session"),
        (bar("bad!"), "ticker: invalid ticker"),
    ],
)
def test_bad_rows_are_quarantined_with_their_reason(row, expected):
    result = gate(frame(bar("GOOD"), row))
    assert result.valid["ticker"].to_list() == ["GOOD"]
    (reason,) = reasons(result).values()
    assert expected in reason
    assert result.rejected["dataset"].to_list() == ["prices_daily"]
    assert result.rejected["partition"].to_list() == [row[1].isoformat()]


def test_duplicates_exact_and_conflicting():
    result = gate(
        frame(bar("AAPL"), bar("AAPL"), bar("MSFT", c=10.0), bar("MSFT", c=10.2), bar("NVDA"))
    )
    assert result.valid["ticker"].to_list() == ["AAPL", "NVDA"]
    got = sorted(result.rejected["reason"].to_list())
    assert got == [
        "duplicate key with different values",
        "duplicate key with different values",
        "exact duplicate of another row",
    ]


def test_most_rows_bad_is_systemic_and_keeps_the_rejects():
    df = frame(bar("AAA", c=-1.0), bar("BBB", c=-1.0), bar("CCC"))
    with pytest.raises(GateFailure, match="more than 50% of the rows are invalid in partition"):
        gate(df, limit=0.5)
    try:
        gate(df, limit=0.5)
    except GateFailure as exc:
        assert exc.rejected.height == 2


def test_wrong_schema_is_systemic():
    df = frame(bar()).with_columns(pl.col("volume").cast(pl.Float64))
    with pytest.raises(GateFailure, match="does not match the contract"):
        gate(df)


def test_corporate_actions_gate():
    actions = pl.DataFrame(
        [
            ("AAPL", DAY, 0.26, 1.0, "yahoo"),
            ("TSLA", DAY, 0.0, 0.0, "yahoo"),
            ("MSFT", DAY, -0.1, 1.0, "yahoo"),
        ],
        schema=["ticker", "date", "dividend", "split_ratio", "source"],
        orient="row",
    )
    result = apply_gate(
        actions,
        CORPORATE_ACTIONS_SCHEMA,
        dataset="corporate_actions",
        partition_by="date",
        max_bad_fraction=1.0,
    )
    assert result.valid["ticker"].to_list() == ["AAPL"]
    assert reasons(result) == {"TSLA": "split_ratio: must be > 0", "MSFT": "dividend: must be >= 0"}
