"""The catalog's native copies of the big (ticker, date) datasets: always the rows of the
pinned table version, whether a build loads them anew or brings the previous copy up to date."""

import datetime as dt
import shutil

import duckdb
import polars as pl
import pytest

from finlake import catalog as catalog_module
from finlake import catalog_hot
from finlake.catalog import Catalog
from finlake.catalog_hot import FILES_TABLE, STATE_TABLE, TICKERS_TABLE
from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake
from finlake.query import UnknownValueError
from finlake.query import prices as finlake_prices

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)
DAYS = [dt.date(2026, 1, 2) + dt.timedelta(days=7 * i) for i in range(40)]  # ten months


def bars(tickers, days, close=10.0) -> pl.DataFrame:
    rows = [
        (t, d, close + i, close + i, close + i, close + i, 7, "yahoo", NOW)
        for t in tickers
        for i, d in enumerate(days)
    ]
    return pl.DataFrame(rows, schema=PRICES_DAILY.schema, orient="row")


def write(home, frame: pl.DataFrame) -> None:
    Lake(home / "lake").merge(PRICES_DAILY, frame, frame.select("ticker", "date"))


def catalog_rows(catalog: Catalog) -> pl.DataFrame:
    con = catalog.connect()
    try:
        return con.sql("SELECT * FROM prices_daily").pl()
    finally:
        con.close()


def lake_rows(home) -> pl.DataFrame:
    return Lake(home / "lake").scan(PRICES_DAILY).collect()


def same_rows(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    return a.sort("ticker", "date").equals(b.sort("ticker", "date"))


def state(catalog: Catalog) -> tuple[int, int]:
    con = catalog.connect()
    try:
        return con.execute(
            f"SELECT rows, unsorted_rows FROM {STATE_TABLE} WHERE view_name = 'prices_daily'"
        ).fetchall()[0]
    finally:
        con.close()


def assert_sorted(catalog: Catalog) -> None:
    """prices_daily's rows are stored in (year, ticker, date) order."""
    con = catalog.connect()
    order = con.sql("SELECT ticker, date FROM prices_daily").fetchall()
    con.close()
    assert order == sorted(order, key=lambda r: (r[1].year, r[0], r[1]))


def test_the_big_datasets_are_sorted_native_tables(tmp_path):
    write(tmp_path, bars(["MSFT", "AAPL"], DAYS))
    catalog = Catalog(tmp_path)
    con = catalog.connect()
    tables = {r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert {"prices_daily", "prices_adjusted", "indicators_daily"} <= tables
    assert_sorted(catalog)
    assert same_rows(catalog_rows(catalog), lake_rows(tmp_path))


def test_a_merge_into_one_month_updates_only_that_month(tmp_path):
    write(tmp_path, bars(["AAPL", "MSFT"], DAYS))
    catalog = Catalog(tmp_path)
    catalog.build()
    revised = bars(["AAPL"], DAYS[:2], close=99.0)  # both in January
    write(tmp_path, revised)
    catalog_hot_report = []
    original = catalog_hot.sync_hot

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        catalog_hot_report.append((args[1].name, result))
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("finlake.catalog.sync_hot", spy)
        catalog.build()
    report = dict(catalog_hot_report)
    assert report["prices_daily"].how == "updated"
    assert report["prices_daily"].partitions == 1
    assert report["prices_adjusted"].how == "kept"
    rows = catalog_rows(catalog)
    assert same_rows(rows, lake_rows(tmp_path))
    assert rows.filter(pl.col("ticker") == "AAPL", pl.col("date") == DAYS[0])["close"][0] == 99.0
    assert state(catalog) == (80, 10)  # January's 10 rows went in again, out of order


def test_rows_inserted_out_of_order_are_sorted_again(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog_hot, "REBUILD_FRACTION", 0.01)
    write(tmp_path, bars(["AAPL", "MSFT"], DAYS))
    catalog = Catalog(tmp_path)
    catalog.build()
    write(tmp_path, bars(["AAPL"], DAYS[:2], close=99.0))
    catalog.build()
    assert state(catalog) == (80, 0)
    assert_sorted(catalog)
    assert same_rows(catalog_rows(catalog), lake_rows(tmp_path))


def test_a_restatement_of_most_months_loads_the_table_anew(tmp_path):
    write(tmp_path, bars(["AAPL", "MSFT"], DAYS))
    catalog = Catalog(tmp_path)
    catalog.build()
    write(tmp_path, bars(["AAPL"], DAYS, close=50.0))  # a whole history restated
    catalog.build()
    assert state(catalog) == (80, 0)
    assert same_rows(catalog_rows(catalog), lake_rows(tmp_path))


def test_a_removed_partition_leaves_the_table(tmp_path):
    write(tmp_path, bars(["AAPL"], DAYS))
    catalog = Catalog(tmp_path)
    catalog.build()
    lake = Lake(tmp_path / "lake")
    january = lake.scan(PRICES_DAILY).filter(pl.col("date") < dt.date(2026, 2, 1)).collect()
    lake.merge(PRICES_DAILY, PRICES_DAILY.empty(), january.select("ticker", "date"))
    catalog.build()
    rows = catalog_rows(catalog)
    assert same_rows(rows, lake_rows(tmp_path))
    assert rows["date"].min() >= dt.date(2026, 2, 1)
    con = catalog.connect()
    months = con.sql(f"SELECT DISTINCT partition FROM {FILES_TABLE}").fetchall()
    con.close()
    assert ("2026-01",) not in months


def test_a_catalog_of_another_home_or_a_broken_one_is_not_reused(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    write(one, bars(["AAPL"], DAYS))
    write(two, bars(["MSFT"], DAYS[:3]))
    Catalog(one).build()
    other = Catalog(two)
    other.path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Catalog(one).path, other.path)  # a home copied with its catalog
    other.build()
    assert same_rows(catalog_rows(other), lake_rows(two))
    other.path.write_bytes(b"not a database")
    other.build()
    assert same_rows(catalog_rows(other), lake_rows(two))


def test_lookups_check_tickers_against_the_listed_ones(tmp_path):
    write(tmp_path, bars(["AAPL", "MSFT"], DAYS[:3]))
    catalog = Catalog(tmp_path)
    con = catalog.connect()
    listed = con.sql(
        f"SELECT ticker FROM {TICKERS_TABLE} WHERE view_name = 'prices_daily' ORDER BY 1"
    ).fetchall()
    con.close()
    assert listed == [("AAPL",), ("MSFT",)]
    assert finlake_prices("MSFT", home=tmp_path).height == 3
    with pytest.raises(UnknownValueError, match="AAPX"):
        finlake_prices("AAPX", home=tmp_path)


def test_a_hot_table_reads_only_through_the_restricted_connection(tmp_path):
    write(tmp_path, bars(["AAPL"], DAYS[:3]))
    con = Catalog(tmp_path).connect()
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM prices_daily")
    con.close()


def test_a_table_of_an_older_contract_is_loaded_anew(tmp_path):
    write(tmp_path, bars(["AAPL"], DAYS[:3]))
    catalog = Catalog(tmp_path)
    catalog.build()
    con = duckdb.connect(str(catalog.path))  # as a build before a column was added left it
    con.execute("ALTER TABLE prices_daily DROP COLUMN source")
    con.close()
    catalog.build()
    assert same_rows(catalog_rows(catalog), lake_rows(tmp_path))


def test_a_catalog_an_older_finlake_built_is_rebuilt_not_read(tmp_path):
    write(tmp_path, bars(["AAPL"], DAYS[:3]))
    catalog = Catalog(tmp_path)
    catalog.build()
    con = duckdb.connect(str(catalog.path))  # views only, as before the hot tables
    con.execute("ALTER TABLE _finlake_catalog_info DROP COLUMN layout")
    con.close()
    assert catalog.is_stale()
    con = catalog.connect()
    layout = con.execute("SELECT layout FROM _finlake_catalog_info").fetchall()[0][0]
    con.close()
    assert layout == catalog_module.LAYOUT


def test_connections_share_one_database_until_the_lake_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    write(tmp_path, bars(["AAPL"], DAYS[:3]))
    catalog = Catalog(tmp_path)
    first = catalog.connect()
    second = Catalog(tmp_path).connect()
    assert catalog_module._SHARED[catalog.path][1] is not None
    for con in (first, second):  # every cursor is restricted, in UTC, on the catalog
        assert con.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
    second.close()  # closing one cursor leaves the others
    assert first.execute("SELECT count(*) FROM prices_daily").fetchall() == [(3,)]
    write(tmp_path, bars(["MSFT"], DAYS[:3]))
    newer = catalog.connect()  # a commit since the build: a new build, a new database
    assert newer.execute("SELECT count(*) FROM prices_daily").fetchall() == [(6,)]
    assert first.execute("SELECT count(*) FROM prices_daily").fetchall() == [(3,)]  # its snapshot
    first.close()
    newer.close()
