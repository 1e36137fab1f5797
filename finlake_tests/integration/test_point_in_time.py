"""The features mart is strictly point in time: cut the lake at a session's close, rebuild, and
that session's rows are the same.

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

from finlake.catalog import Catalog
from finlake.models import build_models, load_project
from finlake.pit import lake_as_of
from finlake.query import sql

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
