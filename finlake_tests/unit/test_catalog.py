import datetime as dt
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from finlake.catalog import Catalog, VersionGoneError
from finlake.datasets import DATASETS, NEWS_ARTICLES, PRICES_DAILY
from finlake.lake import Lake
from finlake.query import connect as finlake_connect
from finlake.query import news as finlake_news
from finlake.query import sql
from finlake.settings import HomeNotFoundError, Settings

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 20)


def write_bar(home, ticker="AAPL", close=10.0):
    row = [(ticker, DAY, close, close, close, close, 7, "yahoo", NOW)]
    frame = pl.DataFrame(row, schema=PRICES_DAILY.schema, orient="row")
    Lake(home / "lake").merge(PRICES_DAILY, frame, frame.select("ticker", "date"))


def test_empty_home_has_typed_empty_views(tmp_path):
    Settings(home=tmp_path, source="sample", universe=()).ensure_home()
    con = Catalog(tmp_path).connect()
    for name, ds in DATASETS.items():
        cols = con.sql(f'DESCRIBE "{name}"').fetchall()
        assert [c[0] for c in cols] == list(ds.schema), name
        assert con.sql(f'SELECT count(*) FROM "{name}"').fetchall() == [(0,)]
    types = dict((c[0], c[1]) for c in con.sql("DESCRIBE prices_daily").fetchall())
    assert types == {
        "ticker": "VARCHAR",
        "date": "DATE",
        "open": "DOUBLE",
        "high": "DOUBLE",
        "low": "DOUBLE",
        "close": "DOUBLE",
        "volume": "BIGINT",
        "source": "VARCHAR",
        "ingested_at": "TIMESTAMP WITH TIME ZONE",
    }
    con.close()


def test_views_pin_a_version_and_a_new_commit_rebuilds_them(tmp_path):
    catalog = Catalog(tmp_path)
    catalog.build()
    write_bar(tmp_path)  # the view was empty-typed: connect() notices and rebuilds
    assert catalog.is_stale()
    con = catalog.connect()
    assert con.sql("SELECT ticker, close FROM prices_daily").fetchall() == [("AAPL", 10.0)]
    con.close()
    held = catalog.connect()  # a notebook's connection: it keeps the version it opened
    assert not catalog.is_stale()
    write_bar(tmp_path, "MSFT", 20.0)  # a new commit: the next connection rebuilds
    assert catalog.is_stale()
    con = catalog.connect()
    assert con.sql("SELECT count(*) FROM prices_daily").fetchall() == [(2,)]
    assert held.sql("SELECT count(*) FROM prices_daily").fetchall() == [(1,)]
    con.close()
    held.close()


def test_reader_holding_the_file_never_blocks_a_build(tmp_path):
    catalog = Catalog(tmp_path)
    write_bar(tmp_path)
    reader = catalog.connect()  # a notebook keeps this open
    errors = []

    def build():
        try:
            for _ in range(5):
                catalog.build()
        except Exception as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    thread = threading.Thread(target=build)
    thread.start()
    for _ in range(20):
        assert reader.sql("SELECT count(*) FROM prices_daily").fetchall() == [(1,)]
    thread.join()
    assert errors == []
    # and a second process-style read-only connection to the new file works too
    again = duckdb.connect(str(catalog.path), read_only=True)
    assert again.sql("SELECT count(*) FROM prices_daily").fetchall() == [(1,)]
    again.close()
    reader.close()


def test_as_traded_view_unapplies_splits(tmp_path):
    lake = Lake(tmp_path / "lake")
    d0, d1 = dt.date(2026, 11, 19), DAY
    bars = pl.DataFrame(
        [
            ("AAA", d0, 10.0, 10.0, 10.0, 10.0, 100, "yahoo", NOW),
            ("AAA", d1, 10.0, 10.0, 10.0, 10.0, 100, "yahoo", NOW),
        ],
        schema=PRICES_DAILY.schema,
        orient="row",
    )
    lake.merge(PRICES_DAILY, bars, bars.select("ticker", "date"))
    from finlake.datasets import CORPORATE_ACTIONS

    split = pl.DataFrame(
        [("AAA", d1, 0.0, 4.0, "yahoo")], schema=CORPORATE_ACTIONS.schema, orient="row"
    )
    lake.merge(CORPORATE_ACTIONS, split, split.select("ticker", "date"))
    con = Catalog(tmp_path).connect()
    got = con.sql("SELECT date, close, volume FROM prices_as_traded ORDER BY date").fetchall()
    assert got == [(d0, 40.0, 25), (d1, 10.0, 100)]
    con.close()


def test_reading_never_creates_a_home(tmp_path):
    missing = tmp_path / "typo"
    with pytest.raises(HomeNotFoundError, match=f"{missing} is not a finlake home"):
        Catalog(missing).connect()
    assert not missing.exists()
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(HomeNotFoundError):
        Catalog(plain).connect()
    assert list(plain.iterdir()) == []


def test_a_new_connection_sees_the_newest_build_while_an_old_one_is_open(tmp_path):
    """DuckDB hands a second connect() of the same path the database already open in the
    process; a notebook's reconnect must still see the catalog rebuilt since."""
    catalog = Catalog(tmp_path)
    write_bar(tmp_path)
    old = catalog.connect()
    built = old.sql("SELECT built_at FROM _finlake_catalog_info").fetchall()
    catalog.build()
    new = catalog.connect()
    assert new.sql("SELECT built_at FROM _finlake_catalog_info").fetchall() != built
    assert old.sql("SELECT built_at FROM _finlake_catalog_info").fetchall() == built
    old.close()
    new.close()


def test_a_connection_touches_no_file_outside_the_lake(tmp_path):
    write_bar(tmp_path)
    outside = tmp_path / "outside.csv"
    con = Catalog(tmp_path).connect()
    for statement in (
        "SELECT * FROM read_csv('/etc/passwd')",
        f"COPY (SELECT 1) TO '{outside}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
    ):
        with pytest.raises(duckdb.Error):
            con.execute(statement)
    assert not outside.exists()
    assert con.sql("SELECT count(*) FROM prices_daily").fetchall() == [(1,)]
    con.close()


def test_files_written_before_a_column_existed_read_it_as_null(tmp_path):
    """A lake from an earlier finlake: its news files lack mentioned_tickers and ciks. The
    catalog still builds, and the old rows read those columns as null."""
    lake = Lake(tmp_path / "lake")
    when = dt.datetime(2026, 11, 16, 15, tzinfo=dt.UTC)
    row = {c: None for c in NEWS_ARTICLES.schema} | {
        "article_id": "a" * 32, "url": "https://example.com/a", "title": "Apple rises",
        "summary": "", "published_at": when, "fetched_at": when, "publisher": "P",
        "feed": "f", "authors": [], "tickers": ["AAPL"], "categories": [],
        "mentioned_tickers": [], "ciks": [], "sentiment_compound": 0.5,
        "sentiment_label": "positive",
    }  # fmt: skip
    frame = pl.DataFrame([row], schema=NEWS_ARTICLES.schema)
    lake.merge(NEWS_ARTICLES, frame, frame.select("published_at"))
    [path] = lake.files(NEWS_ARTICLES)
    pl.read_parquet(path).drop("mentioned_tickers", "ciks").write_parquet(path)
    Catalog(tmp_path).build()
    got = sql("SELECT tickers, mentioned_tickers, ciks FROM news_articles", home=tmp_path)
    assert got.rows() == [(["AAPL"], None, None)]
    assert finlake_news("AAPL", home=tmp_path).height == 1
    assert finlake_news("AAPL", mentioned=True, home=tmp_path).height == 1


def test_a_later_file_with_the_column_keeps_its_values_beside_older_files_without_it(tmp_path):
    """Old month files lack mentioned_tickers; a month written since has it. The view reads
    the old rows as null and the new rows with their values, whatever order the files have."""
    lake = Lake(tmp_path / "lake")
    base = {c: None for c in NEWS_ARTICLES.schema} | {
        "summary": "", "publisher": "P", "feed": "f", "authors": [], "categories": [],
        "tickers": ["AAPL"], "ciks": [], "sentiment_compound": 0.5, "sentiment_label": "positive",
    }  # fmt: skip
    old_when = dt.datetime(2026, 10, 16, 15, tzinfo=dt.UTC)
    new_when = dt.datetime(2026, 11, 16, 15, tzinfo=dt.UTC)
    rows = [
        base | {"article_id": "a" * 32, "url": "https://example.com/a", "title": "Old",
                "published_at": old_when, "fetched_at": old_when, "mentioned_tickers": []},
        base | {"article_id": "b" * 32, "url": "https://example.com/b", "title": "New",
                "published_at": new_when, "fetched_at": new_when, "mentioned_tickers": ["MSFT"]},
    ]  # fmt: skip
    frame = pl.DataFrame(rows, schema=NEWS_ARTICLES.schema)
    lake.merge(NEWS_ARTICLES, frame, frame.select("published_at"))
    old_file = next(p for p in lake.files(NEWS_ARTICLES) if "2026-10" in str(p))
    pl.read_parquet(old_file).drop("mentioned_tickers").write_parquet(old_file)
    Catalog(tmp_path).build()
    got = sql("SELECT title, mentioned_tickers FROM news_articles ORDER BY title", home=tmp_path)
    assert got.rows() == [("New", ["MSFT"]), ("Old", None)]


def test_time_travel_by_version_and_by_commit_time(tmp_path):
    """The lake as committed: a version or an instant reads the rows of then, on the same
    views and macros, while the newest catalog is untouched."""
    Settings(home=tmp_path, source="sample", universe=()).ensure_home()
    write_bar(tmp_path, close=10.0)  # version 1 (0 created the table, empty)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)  # commit times have millisecond precision
    write_bar(tmp_path, close=11.0)  # version 2
    write_bar(tmp_path, "MSFT", close=20.0)  # version 3
    query = "SELECT ticker, close FROM prices_daily ORDER BY ticker"
    assert sql(query, home=tmp_path).rows() == [("AAPL", 11.0), ("MSFT", 20.0)]
    assert sql(query, home=tmp_path, as_of_version=1).rows() == [("AAPL", 10.0)]
    assert sql(query, home=tmp_path, as_of_version=0).is_empty()
    assert sql(query, home=tmp_path, as_of_version={"prices_daily": 2}).rows() == [("AAPL", 11.0)]
    assert sql(query, home=tmp_path, as_of_time=between).rows() == [("AAPL", 10.0)]
    assert sql(query, home=tmp_path, as_of_time=between.isoformat()).rows() == [("AAPL", 10.0)]
    # before the first commit the table reads empty, typed as ever
    assert sql(query, home=tmp_path, as_of_time="2001-01-01T00:00:00").is_empty()
    con = finlake_connect(tmp_path, as_of_version=1)
    pinned = dict(con.sql("SELECT view_name, table_version FROM _finlake_catalog").fetchall())
    assert pinned["prices_daily"] == 1
    with pytest.raises(duckdb.Error):  # as locked down as the newest catalog
        con.sql("SELECT * FROM read_csv('/etc/passwd')").fetchall()
    con.close()
    with pytest.raises(VersionGoneError, match="silver/prices_daily has no version 7"):
        finlake_connect(tmp_path, as_of_version={"prices_daily": 7})
    with pytest.raises(ValueError, match="unknown tables"):
        finlake_connect(tmp_path, as_of_version={"prices": 0})


def test_a_vacuumed_version_is_an_error_not_a_repair(tmp_path):
    Settings(home=tmp_path, source="sample", universe=()).ensure_home()
    write_bar(tmp_path, close=10.0)
    write_bar(tmp_path, close=11.0)
    lake = Lake(tmp_path / "lake")
    old = lake.snapshot(PRICES_DAILY, 1)["file"].to_list()
    Path(old[0]).unlink()  # what vacuum does to a file only an old version names
    with pytest.raises(VersionGoneError, match="version 1: 1 of its files were vacuumed"):
        finlake_connect(tmp_path, as_of_version=1)
    assert lake.version(PRICES_DAILY) == 2  # no repair commit was made
    assert sql("SELECT close FROM prices_daily", home=tmp_path).rows() == [(11.0,)]


def test_a_file_model_is_a_table_read_at_its_version(tmp_path):
    """A `parquet` model is one Delta commit per materialization: the catalog reads its newest
    version, time travel an older one, and a new version makes the catalog stale."""
    from finlake.models.run import build_models
    from finlake.models.spec import load_project

    models = tmp_path / "models"
    (models / "marts").mkdir(parents=True)
    (models / "marts" / "closes.sql").write_text(
        "-- materialized: parquet\n-- partition_by: date\n"
        "SELECT ticker, date, close FROM prices_daily\n"
    )
    home = tmp_path / "home"
    Settings(home=home, source="sample", universe=()).ensure_home()
    catalog = Catalog(home, models)
    write_bar(home, close=10.0)
    stale = home / "lake" / "models" / "closes" / "month=2026-11" / "data.parquet"
    stale.parent.mkdir(parents=True)  # the model as the layout before Delta tables wrote it
    pl.DataFrame({"ticker": ["OLD"]}).write_parquet(stale)
    build_models(catalog, load_project(models))
    assert not stale.exists()
    write_bar(home, close=11.0)
    assert catalog.is_stale()  # prices_daily has a new version
    build_models(catalog, load_project(models))
    con = catalog.connect()
    assert con.sql("SELECT close FROM closes").fetchall() == [(11.0,)]
    assert con.sql("DESCRIBE closes").fetchall()[0][:2] == ("ticker", "VARCHAR")
    assert [c[0] for c in con.sql("DESCRIBE closes").fetchall()] == ["ticker", "date", "close"]
    con.close()
    old = catalog.connect_as_of(version={"closes": 0})
    assert old.sql("SELECT close FROM closes").fetchall() == [(10.0,)]
    old.close()
    assert not catalog.is_stale()
    write_bar(home, "MSFT", close=20.0)
    build_models(catalog, load_project(models))
    assert catalog.connect().sql("SELECT count(*) FROM closes").fetchall() == [(2,)]


def test_a_file_model_keeps_its_columns_when_empty_and_when_repartitioned(tmp_path):
    from finlake.models.run import build_models
    from finlake.models.spec import load_project

    models = tmp_path / "models"
    (models / "marts").mkdir(parents=True)
    mart = models / "marts" / "closes.sql"
    body = "SELECT ticker, date, close FROM prices_daily WHERE close > 100\n"
    mart.write_text("-- materialized: parquet\n-- partition_by: date\n" + body)
    home = tmp_path / "home"
    Settings(home=home, source="sample", universe=()).ensure_home()
    catalog = Catalog(home, models)
    write_bar(home, close=10.0)
    build_models(catalog, load_project(models))  # no rows: a typed empty view
    columns = [c[0] for c in catalog.connect().sql("DESCRIBE closes").fetchall()]
    assert columns == ["ticker", "date", "close"]
    mart.write_text("-- materialized: parquet\n" + body.replace("> 100", "> 1"))
    build_models(catalog, load_project(models))  # partition_by removed: written anew
    assert catalog.connect().sql("SELECT close FROM closes").fetchall() == [(10.0,)]


def test_time_travel_past_a_cleaned_log_is_an_error_not_an_empty_lake(tmp_path):
    Settings(home=tmp_path, source="sample", universe=()).ensure_home()
    early = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    for close in (10.0, 11.0, 12.0):
        write_bar(tmp_path, close=close)
    lake = Lake(tmp_path / "lake")
    lake.table(PRICES_DAILY).create_checkpoint()
    log_dir = Path(lake.dataset_dir(PRICES_DAILY)) / "_delta_log"
    for version in (0, 1):  # what log cleanup removes once past the log retention
        (log_dir / f"{version:020d}.json").unlink()
    with pytest.raises(VersionGoneError, match="its log keeps commits from version 2"):
        finlake_connect(tmp_path, as_of_time=early)
    with pytest.raises(VersionGoneError, match="silver/prices_daily version 1"):
        finlake_connect(tmp_path, as_of_version={"prices_daily": 1})
    with pytest.raises(ValueError, match="count from 0"):
        finlake_connect(tmp_path, as_of_version=-1)
    assert sql("SELECT close FROM prices_daily", home=tmp_path).rows() == [(12.0,)]
