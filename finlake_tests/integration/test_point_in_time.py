"""The features mart is strictly point in time: cut the lake at a session's close, rebuild, and
that session's rows are the same; on an early-close day the cut is at 13:00 ET.

The demo lakehouse (prices with splits and dividends, SEC filings and facts, news, FRED vintages,
Fed releases) is copied with everything published after the session removed
(`finlake.pit.lake_as_of`); the derived datasets and every model are rebuilt from the copy.
Values computed from adjusted prices (returns, RSI, ratios to moving averages) are compared to
1e-9 relative: a later dividend or split rescales the whole adjusted history before it, which
leaves a ratio unchanged but may move its last binary digit. Everything else must be equal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from finlake.calendar import NY, nyse
from finlake.catalog import Catalog
from finlake.datasets import (
    INSIDER_TRANSACTIONS,
    MACRO_OBSERVATIONS,
    PRICES_DAILY,
    SEC_COMPANIES,
    SEC_FILINGS,
)
from finlake.lake import Lake
from finlake.models.run import build_models
from finlake.models.spec import load_project
from finlake.pipelines.indicators import build_indicators
from finlake.pipelines.prices import build_adjusted
from finlake.pit import lake_as_of
from finlake.query import sql
from finlake.sources.fred.payloads import OPEN_END

EXACT_TYPES = (pl.String, pl.Date, pl.Datetime, pl.Int64, pl.Int32, pl.Boolean)


def features_on(home: Path, day: dt.date) -> pl.DataFrame:
    return sql("SELECT * FROM features_daily WHERE date = $d ORDER BY ticker", {"d": day}, home)


def sessions_to_test(home: Path) -> list[dt.date]:
    """A session just before a later split (its bars must be un-split in the cut lake) and one
    near the end of the lake."""
    days = sql("SELECT DISTINCT date FROM prices_daily ORDER BY date", home=home)["date"]
    splits = sql(
        "SELECT min(date) AS d FROM corporate_actions WHERE split_ratio <> 1 AND date > $first",
        {"first": days[5]},
        home,
    )["d"]
    before_split = days.filter(days < splits[0])[-3] if splits[0] is not None else days[60]
    return [before_split, days[-4]]


def assert_same_rows(full: pl.DataFrame, cut: pl.DataFrame) -> None:
    assert full.columns == cut.columns and full.height == cut.height > 0
    for name in full.columns:
        a, b = full[name], cut[name]
        if isinstance(a.dtype, EXACT_TYPES) or not a.dtype.is_float():
            assert a.equals(b), name
            continue
        assert (a.is_null() == b.is_null()).all(), name
        both = pl.DataFrame({"a": a, "b": b}).drop_nulls()
        scale = both.select(pl.max_horizontal(pl.col("a").abs(), pl.lit(1.0))).to_series()
        close = (both["a"] - both["b"]).abs() <= 1e-9 * scale
        assert close.all(), (name, both.filter(~close).head(3))


@pytest.mark.parametrize("which", [0, 1])
def test_features_of_a_session_do_not_change_when_the_future_is_cut(demo_lake, tmp_path, which):
    day = sessions_to_test(demo_lake)[which]
    cut_home = lake_as_of(demo_lake, tmp_path / "cut", day)
    build_models(Catalog(cut_home), load_project())
    full, cut = features_on(demo_lake, day), features_on(cut_home, day)
    assert_same_rows(full, cut)
    # the cut lake really lacks the future, so the test could fail
    last = sql("SELECT max(date) AS d FROM prices_daily", home=cut_home)["d"].item()
    assert last == day
    later = sql("SELECT count(*) AS n FROM features_daily WHERE date > $d", {"d": day}, demo_lake)
    assert later["n"].item() > 0


def test_a_leaky_feature_would_be_caught(demo_lake, tmp_path):
    """The same comparison on back-adjusted closes (which use later dividends and splits) fails
    for a session before a split: the check is able to see a leak."""
    day = sessions_to_test(demo_lake)[0]
    cut_home = lake_as_of(demo_lake, tmp_path / "cut", day)
    query = "SELECT ticker, close FROM prices_adjusted WHERE date = $d ORDER BY ticker"
    full = sql(query, {"d": day}, demo_lake)
    cut = sql(query, {"d": day}, cut_home)
    with pytest.raises(AssertionError):
        assert_same_rows(full, cut)


# --------------------------------------------------------------------------- the real close
EARLY = dt.date(2025, 11, 28)  # the day after Thanksgiving: the NYSE closed at 13:00 ET
NEXT = dt.date(2025, 12, 1)
CIK = "0000320193"


def _et(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), NY).astimezone(dt.UTC)


def _write(lake: Lake, ds, rows: list[dict]) -> None:
    frame = pl.DataFrame([{c: r.get(c) for c in ds.schema} for r in rows], schema=ds.schema)
    if ds.partition_by is None:
        lake.write_table(ds, frame)
    else:
        lake.merge(ds, frame, frame.select(ds.partition_source).unique())


def _filing(accession: str, form: str, accepted: dt.datetime) -> dict:
    return {
        "cik": CIK, "ticker": "AAPL", "accession_number": accession, "form": form,
        "filing_date": accepted.astimezone(NY).date(), "acceptance_datetime": accepted,
        "items": [], "acceptance_source": "test",
    }  # fmt: skip


def _vintage(series: str, value: float, start: dt.date, end: dt.date) -> dict:
    return {
        "series_id": series, "date": dt.date(2025, 10, 1), "value": value,
        "realtime_start": start, "realtime_end": end, "fetched_at": _et(NEXT, 20),
    }  # fmt: skip


@pytest.fixture
def early_close_home(tmp_path: Path) -> Path:
    """One ticker around an early close, with an 8-K accepted at 14:00 and a Form 4 at 14:30 ET
    that day (after the 13:00 close, before 16:00), and macro vintages dated that day: UNRATE
    (released 08:30, before the close) and M2SL (released 13:00, not before it)."""
    home = tmp_path / "early"
    lake = Lake(home / "lake")
    sessions = nyse().sessions_between(dt.date(2025, 9, 1), dt.date(2025, 12, 5))
    _write(lake, PRICES_DAILY, [
        {"ticker": "AAPL", "date": d, "open": 200.0 + i, "high": 202.0 + i, "low": 199.0 + i,
         "close": 201.0 + i, "volume": 1_000_000, "source": "test",
         "ingested_at": nyse().session_close(d)}
        for i, d in enumerate(sessions)
    ])  # fmt: skip
    _write(
        lake, SEC_COMPANIES, [{"cik": CIK, "ticker": "AAPL", "title": "Apple Inc.", "listed": True}]
    )
    _write(lake, SEC_FILINGS, [
        _filing("0000320193-25-000101", "8-K", _et(dt.date(2025, 11, 20), 16, 30)),
        _filing("0000320193-25-000102", "8-K", _et(EARLY, 14)),
        _filing("0000320193-25-000103", "4", _et(EARLY, 14, 30)),
    ])  # fmt: skip
    _write(lake, INSIDER_TRANSACTIONS, [{
        "accession_number": "0000320193-25-000103", "filing_date": EARLY, "form": "4",
        "issuer_cik": CIK, "issuer_ticker": "AAPL", "owner_cik": "0001214156",
        "owner_name": "Test Owner", "transaction_index": 0, "transaction_date": EARLY,
        "is_derivative": False, "transaction_code": "P", "shares": 100.0,
        "price_per_share": 200.0,
    }])  # fmt: skip
    _write(lake, MACRO_OBSERVATIONS, [
        _vintage("UNRATE", 4.3, dt.date(2025, 11, 7), EARLY - dt.timedelta(days=1)),
        _vintage("UNRATE", 4.4, EARLY, OPEN_END),
        _vintage("M2SL", 22.0, dt.date(2025, 11, 7), EARLY - dt.timedelta(days=1)),
        _vintage("M2SL", 22.5, EARLY, OPEN_END),
    ])  # fmt: skip
    build_adjusted(lake, ["AAPL"])
    build_indicators(lake, ["AAPL"], sessions)
    build_models(Catalog(home), load_project())
    return home


def test_an_early_close_cuts_filings_trades_and_macro_at_13_00(early_close_home, tmp_path):
    rows = sql(
        "SELECT date, close_at, days_since_8k, insider_net_value_30d, macro_unrate, macro_m2sl "
        "FROM features_daily WHERE date IN ($a, $b) ORDER BY date",
        {"a": EARLY, "b": NEXT},
        early_close_home,
    ).rows()
    assert rows == [
        # the 14:00 8-K and the 14:30 Form 4 came after the 13:00 close: not yet known
        (EARLY, _et(EARLY, 13), 8, 0.0, 4.4, 22.0),
        (NEXT, _et(NEXT, 16), 3, 20_000.0, 4.4, 22.5),
    ]
    cut_home = lake_as_of(early_close_home, tmp_path / "cut", EARLY)
    build_models(Catalog(cut_home), load_project())
    accepted = sql("SELECT max(acceptance_datetime) AS t FROM sec_filings", home=cut_home)
    assert accepted["t"].item() == _et(dt.date(2025, 11, 20), 16, 30)  # the 14:00 one is cut
    assert_same_rows(features_on(early_close_home, EARLY), features_on(cut_home, EARLY))
