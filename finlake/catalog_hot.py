"""DuckDB-native copies of the big (ticker, date) datasets inside the catalog file.

A view over Parquet files opens every file's footer on each query: one ticker's 25-year history
reads 300 month files. The catalog of a local lake therefore holds prices_daily,
prices_adjusted and indicators_daily as DuckDB tables, sorted by (year, ticker, date) in small
row groups, so both access paths users take prune by zone maps: one ticker's rows sit in one
short run per year, one date's rows in one year's runs.

The tables are a cache of one pinned table version, never the record: a build starts from a copy
of the previous catalog file and brings each table to the new version partition by partition
(the rows of each lake partition whose file set changed are deleted and inserted again from the
new files), and sorts the whole table again when more than REBUILD_FRACTION of its rows were
inserted out of order since, when most partitions changed, or when nothing usable was copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from finlake.catalog_sql import sql_string
from finlake.datasets import INDICATORS_DAILY, PRICES_ADJUSTED, PRICES_DAILY, Dataset

HOT_DATASETS: tuple[Dataset, ...] = (PRICES_DAILY, PRICES_ADJUSTED, INDICATORS_DAILY)
HOT_NAMES = frozenset(ds.name for ds in HOT_DATASETS)
ORDER = "year(date), ticker, date"  # both a ticker and a date land in short runs of rows
ROW_GROUP_SIZE = 8192  # zone maps per 8,192 rows (measured in docs/performance.md)
# rows inserted out of order (each insert is sorted by ORDER itself, so its rows still prune by
# year), as a share of the table, before the whole table is sorted again
REBUILD_FRACTION = 0.2
FILES_TABLE = "_finlake_catalog_hot_files"  # (view_name, partition, file) the table holds
STATE_TABLE = "_finlake_catalog_hot"  # (view_name, rows, unsorted_rows)
TICKERS_TABLE = "_finlake_catalog_tickers"  # (view_name, ticker): known tickers, for lookups
KEPT_TABLES = frozenset({FILES_TABLE, STATE_TABLE}) | HOT_NAMES


@dataclass(frozen=True)
class HotSync:
    how: str  # created | kept | updated | sorted
    partitions: int  # partitions whose rows were replaced (all of them when sorted or created)
    rows: int


SelectFor = Callable[[list[str]], str]  # a SELECT of the contract columns over some files


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {FILES_TABLE} "
        "(view_name VARCHAR, partition VARCHAR, file VARCHAR)"
    )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
        "(view_name VARCHAR, rows BIGINT, unsorted_rows BIGINT)"
    )


def partition_filter(ds: Dataset, value: str) -> str:
    """SQL selecting the rows of the lake partition `value` of `ds`."""
    column = f'"{ds.partition_source or ds.partition_by}"'
    if ds.partition_grain in ("month", "year"):
        first = f"{value}-01-01" if ds.partition_grain == "year" else f"{value}-01"
        step = "1 YEAR" if ds.partition_grain == "year" else "1 MONTH"
        start = f"DATE {sql_string(first)}"
        return f"{column} >= {start} AND {column} < {start} + INTERVAL {step}"
    return f"{column} = {sql_string(value)}"


def sync_hot(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    files: pl.DataFrame,
    select_for: SelectFor,
) -> HotSync:
    """Bring the table `ds.name` on `con` to the files of one table version (`files`: `file`
    and the partition value each holds, under `ds.partition_by`)."""
    ensure_bookkeeping(con)
    name = f'"{ds.name}"'
    key = ds.partition_by
    assert key is not None, f"{ds.name}: a hot dataset is partitioned"
    new = dict(zip(files["file"].to_list(), files[key].to_list(), strict=True))
    old = dict(
        con.execute(
            f"SELECT file, partition FROM {FILES_TABLE} WHERE view_name = ?", [ds.name]
        ).fetchall()
    )
    state = con.execute(
        f"SELECT rows, unsorted_rows FROM {STATE_TABLE} WHERE view_name = ?", [ds.name]
    ).fetchall()
    columns = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ? ORDER BY column_index",
        [ds.name],
    ).fetchall()
    exists = bool(columns)
    if exists and [c for (c,) in columns] != ds.column_names:  # the contract changed since
        state = []
    if exists and state and old == new:
        return HotSync("kept", 0, state[0][0])
    changed = {new[f] for f in new.keys() - old.keys()} | {old[f] for f in old.keys() - new.keys()}
    partitions = set(new.values()) | set(old.values())
    unsorted = state[0][1] if state else 0
    if exists and state and len(changed) <= len(partitions) / 2:
        delete = " OR ".join(f"({partition_filter(ds, v)})" for v in sorted(changed))
        con.execute(f"DELETE FROM {name} WHERE {delete}")
        inserted = 0
        wanted = [f for f, v in new.items() if v in changed]
        if wanted:
            before = _count(con, name)
            con.execute(f"INSERT INTO {name} SELECT * FROM ({select_for(wanted)}) ORDER BY {ORDER}")
            inserted = _count(con, name) - before
        rows = _count(con, name)
        if unsorted + inserted <= REBUILD_FRACTION * max(rows, 1):
            _record(con, ds, new, rows, unsorted + inserted)
            return HotSync("updated", len(changed), rows)
        con.execute(f'CREATE OR REPLACE TABLE "_resorted" AS FROM {name} ORDER BY {ORDER}')
        con.execute(f"DROP TABLE {name}")
        con.execute(f'ALTER TABLE "_resorted" RENAME TO {name}')
        _record(con, ds, new, rows, 0)
        return HotSync("sorted", len(partitions), rows)
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM ({select_for(list(new))}) "
        f"ORDER BY {ORDER}"
    )
    rows = _count(con, name)
    _record(con, ds, new, rows, 0)
    return HotSync("created" if not exists else "sorted", len(set(new.values())), rows)


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]


def _record(
    con: duckdb.DuckDBPyConnection, ds: Dataset, files: dict[str, str], rows: int, unsorted: int
) -> None:
    con.execute(f"DELETE FROM {FILES_TABLE} WHERE view_name = ?", [ds.name])
    if files:
        frame = pl.DataFrame(
            {"view_name": ds.name, "partition": list(files.values()), "file": list(files)}
        )
        con.register("_hot_files", frame.to_arrow())
        con.execute(f"INSERT INTO {FILES_TABLE} SELECT view_name, partition, file FROM _hot_files")
        con.unregister("_hot_files")
    con.execute(f"DELETE FROM {STATE_TABLE} WHERE view_name = ?", [ds.name])
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?, ?)", [ds.name, rows, unsorted])


def record_tickers(con: duckdb.DuckDBPyConnection) -> None:
    """The tickers each hot table holds, so a lookup checks its names without a scan."""
    parts = " UNION ALL ".join(
        f'SELECT DISTINCT {sql_string(ds.name)} AS view_name, ticker FROM "{ds.name}"'
        for ds in HOT_DATASETS
    )
    con.execute(f"CREATE TABLE {TICKERS_TABLE} AS {parts}")


def drop_rebuilt(con: duckdb.DuckDBPyConnection) -> None:
    """On a copy of the previous catalog: drop everything a build creates again (views,
    macros, reference and bookkeeping tables), keeping the hot tables and their records."""
    db = "database_name = current_database() AND NOT internal"
    for (view,) in con.execute(f"SELECT view_name FROM duckdb_views() WHERE {db}").fetchall():
        con.execute(f'DROP VIEW IF EXISTS "{view}"')
    macros = con.execute(
        f"SELECT DISTINCT function_name, function_type FROM duckdb_functions() WHERE {db} "
        "AND function_type IN ('macro', 'table_macro')"
    ).fetchall()
    for macro, kind in macros:
        table = "TABLE " if kind == "table_macro" else ""
        con.execute(f'DROP MACRO {table}IF EXISTS "{macro}"')
    for (table,) in con.execute(f"SELECT table_name FROM duckdb_tables() WHERE {db}").fetchall():
        if table not in KEPT_TABLES:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
