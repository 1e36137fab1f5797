"""Delta Lake against Apache Iceberg on finlake's daily-bar write patterns.

`uv run python -m finlake.bench_formats --tickers 500 --years 25 --repeats 2`

Why: silver/prices_daily is written in a few fixed ways (a yearly backfill, a daily session
append, a split restating one ticker's history, a revised month) and read in two (a date's
cross-section, a ticker's history). This measures each of them against both table formats on
the same machine and the same bytes, so a format is chosen on finlake's own workload rather than
on someone else's benchmark. The data is synthetic: a deterministic numpy RNG
(`default_rng`) draws random-walk bars for tickers S0001, S0002, ... over the first 252
weekdays of each year from 2000; nothing here touches the network or a real lake.

Every write is one commit per format: Delta writes with polars `write_delta`; Iceberg uses
pyiceberg on a SqlCatalog (a local sqlite file) with a local warehouse directory and a partition
spec identity(month). Formats run interleaved step by step on identical frames, the first
format alternating between repeats so that neither always runs on a warmer machine; compare
the ratio column, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

START_YEAR = 2000
SESSIONS_PER_YEAR = 252
SEED = 20_260_101
PRICE_COLS = ["open", "high", "low", "close"]
COLUMNS = ["ticker", "date", "open", "high", "low", "close", "volume", "source", "ingested_at"]
LOAD_TIME = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)  # stamps fixed so runs are identical


def sessions(years: int) -> list[list[dt.date]]:
    """The first 252 weekdays of each year: a stand-in trading calendar, one list per year."""
    out = []
    for year in range(START_YEAR, START_YEAR + years):
        day, days = dt.date(year, 1, 1), []
        while len(days) < SESSIONS_PER_YEAR:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        out.append(days)
    return out


def next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def bars(
    names: list[str], days: list[dt.date], seed: int, ingested_at: dt.datetime
) -> pl.DataFrame:
    """Deterministic random-walk daily bars, sorted by ticker then date (as finlake writes them)."""
    rng = np.random.default_rng([SEED, seed])
    n, m = len(names), len(days)
    level = rng.uniform(10, 500, size=(n, 1))
    close = level * np.exp(np.cumsum(rng.normal(0, 0.02, size=(n, m)), axis=1))
    open_ = close * np.exp(rng.normal(0, 0.005, size=(n, m)))
    spread = np.abs(rng.normal(0, 0.01, size=(n, m)))
    day_index = np.tile(np.arange(m), n)
    return pl.DataFrame(
        {
            "ticker": pl.Series(names, dtype=pl.String).gather(np.repeat(np.arange(n), m)),
            "date": pl.Series(days, dtype=pl.Date).gather(day_index),
            "open": open_.ravel(),
            "high": (np.maximum(open_, close) * (1 + spread)).ravel(),
            "low": (np.minimum(open_, close) * (1 - spread)).ravel(),
            "close": close.ravel(),
            "volume": rng.integers(10_000, 5_000_000, size=n * m, dtype=np.int64),
            "source": pl.Series(["sample"] * n * m, dtype=pl.String),
            "ingested_at": pl.Series([ingested_at], dtype=pl.Datetime("us", "UTC")).gather(
                np.zeros(n * m, dtype=np.int64)
            ),
            "month": pl.Series([d.strftime("%Y-%m") for d in days], dtype=pl.String).gather(
                day_index
            ),
        }
    )


def local(uri: str) -> str:
    return uri.removeprefix("file://")


def duckdb_rows(files: list[str], column: str, value: Any) -> int:
    """Rows matching column = value through DuckDB over an explicit file list (no catalog)."""
    # hive_partitioning off: Delta files lack the month column (it lives in the path only)
    sql = f"select {', '.join(COLUMNS)} from read_parquet($files, hive_partitioning = false)"
    params = {"files": files, "value": value}
    return (
        duckdb.connect()
        .sql(f"{sql} where {column} = $value", params=params)
        .to_arrow_table()
        .num_rows
    )


class DeltaFormat:
    """A Delta table written by polars `write_delta` (deltalake / delta-rs underneath)."""

    name = "delta"

    def __init__(self, root: Path) -> None:
        self.path = str(root / "delta" / "prices_daily")

    def append(self, df: pl.DataFrame) -> None:
        df.write_delta(self.path, mode="append", delta_write_options={"partition_by": ["month"]})

    def replace(self, df: pl.DataFrame, column: str, value: str) -> None:
        # overwrite with a predicate: delta-rs removes the matching rows (dropping whole
        # partitions when the predicate is on the partition column, rewriting files otherwise)
        # and adds df, in one commit. A merge on (ticker, date) with when_matched_update_all /
        # when_not_matched_insert_all is the other one-commit way; for a split (same keys,
        # new values) the predicate overwrite is the direct equivalent of Iceberg's overwrite.
        df.write_delta(
            self.path,
            mode="overwrite",
            delta_write_options={"predicate": f"{column} = '{value}'", "partition_by": ["month"]},
        )

    def files(self) -> list[str]:
        from deltalake import DeltaTable

        return DeltaTable(self.path).file_uris() if DeltaTable.is_deltatable(self.path) else []

    def rows(self) -> int:
        return pl.scan_delta(self.path).select(pl.len()).collect().item()

    def commits(self) -> tuple[int, int]:
        """(table versions, snapshots): the same thing in Delta, one per commit."""
        from deltalake import DeltaTable

        exists = DeltaTable.is_deltatable(self.path)
        versions = DeltaTable(self.path).version() + 1 if exists else 0
        return versions, versions

    def read(self, column: str, value: Any) -> int:
        return pl.scan_delta(self.path).filter(pl.col(column) == value).collect().height


class IcebergFormat:
    """An Iceberg table in a SqlCatalog (sqlite file) with a local warehouse, via pyiceberg."""

    name = "iceberg"
    ident = "finlake.prices_daily"

    def __init__(self, root: Path) -> None:
        from pyiceberg.catalog.sql import SqlCatalog
        from pyiceberg.partitioning import PartitionField, PartitionSpec
        from pyiceberg.schema import Schema
        from pyiceberg.transforms import IdentityTransform
        from pyiceberg.types import (
            DateType,
            DoubleType,
            LongType,
            NestedField,
            StringType,
            TimestamptzType,
        )

        base = root / "iceberg"
        (base / "warehouse").mkdir(parents=True)
        self.catalog = SqlCatalog(
            "bench",
            uri=f"sqlite:///{base / 'catalog.db'}",
            warehouse=f"file://{base / 'warehouse'}",
        )
        self.catalog.create_namespace("finlake")
        # an explicit schema (rather than one converted from Arrow) fixes the field ids the
        # partition spec refers to; polars' large_string and timestamp[us, tz=UTC] Arrow types
        # map onto string and timestamptz without casts
        types = [StringType(), DateType(), *[DoubleType()] * 4, LongType(), StringType()]
        types += [TimestamptzType(), StringType()]
        names = [*COLUMNS, "month"]
        fields = [
            NestedField(i, n, t, required=False)
            for i, (n, t) in enumerate(zip(names, types, strict=True), 1)
        ]
        spec = PartitionSpec(PartitionField(len(fields), 1000, IdentityTransform(), "month"))
        self.table = self.catalog.create_table(self.ident, Schema(*fields), partition_spec=spec)

    def append(self, df: pl.DataFrame) -> None:
        self.table.append(df.to_arrow())

    def replace(self, df: pl.DataFrame, column: str, value: str) -> None:
        from pyiceberg.expressions import EqualTo

        # overwrite(overwrite_filter=...): a copy-on-write delete of the matching rows (whole
        # files dropped when they match entirely, others rewritten) plus an append, in one
        # transaction: one catalog commit (one metadata file) that adds up to three snapshots
        self.table.overwrite(df.to_arrow(), overwrite_filter=EqualTo(column, value))

    def files(self) -> list[str]:
        table = self.catalog.load_table(self.ident)
        return [local(task.file.file_path) for task in table.scan().plan_files()]

    def rows(self) -> int:
        return self.table.scan().count()

    def commits(self) -> tuple[int, int]:
        """(metadata versions = catalog commits, snapshots)."""
        meta = self.table.metadata
        return len(meta.metadata_log) + 1, len(meta.snapshots)

    def read(self, column: str, value: Any) -> int:
        from pyiceberg.expressions import EqualTo

        table = self.catalog.load_table(self.ident)
        return table.scan(row_filter=EqualTo(column, value)).to_arrow().num_rows


Format = DeltaFormat | IcebergFormat


def steps(tickers: int, years: int) -> Iterator[tuple[str, Callable[[Format], Any]]]:
    """(operation, action) pairs in order; a write returns None, a read the rows it returned.

    Frames are built between yields, so outside the timed action. The initial load is one
    step per yearly chunk (each one append commit); `run` sums them into one row.
    """
    names = [f"S{i:04d}" for i in range(1, tickers + 1)]
    calendar = sessions(years)
    chunks = [(i, days) for i, days in enumerate(calendar)]
    new_day = next_weekday(calendar[-1][-1])
    split_ticker, history_ticker = names[0], names[len(names) // 2]
    month = calendar[len(calendar) // 2][SESSIONS_PER_YEAR // 2].strftime("%Y-%m")
    cross_date = calendar[len(calendar) // 4][SESSIONS_PER_YEAR // 3]

    def split(df: pl.DataFrame) -> pl.DataFrame:
        """A 4:1 split restated: prices / 4 and volume x 4 for the split ticker only."""
        hit = pl.col("ticker") == split_ticker
        prices = [pl.when(hit).then(pl.col(c) / 4).otherwise(c).alias(c) for c in PRICE_COLS]
        return df.with_columns(*prices, pl.when(hit).then(pl.col("volume") * 4).otherwise("volume"))

    session = bars(names, [new_day], len(calendar), LOAD_TIME + dt.timedelta(days=1))
    mine = pl.col("ticker") == split_ticker
    restated = split(
        pl.concat([bars(names, days, i, LOAD_TIME).filter(mine) for i, days in chunks]).vstack(
            session.filter(mine)
        )
    ).with_columns(ingested_at=pl.lit(LOAD_TIME + dt.timedelta(days=2)).dt.cast_time_unit("us"))
    # the month's current rows (after the split), revised: closes nudged, a fresh stamp
    year_index = len(calendar) // 2
    revised = (
        split(bars(names, calendar[year_index], year_index, LOAD_TIME))
        .filter(pl.col("month") == month)
        .with_columns(
            close=pl.col("close") * 1.001,
            ingested_at=pl.lit(LOAD_TIME + dt.timedelta(days=3)).dt.cast_time_unit("us"),
        )
    )
    for i, days in chunks:
        chunk = bars(names, days, i, LOAD_TIME)
        yield "initial_load", lambda fmt, chunk=chunk: fmt.append(chunk)
    yield "append_session", lambda fmt: fmt.append(session)
    yield "restate_ticker", lambda fmt: fmt.replace(restated, "ticker", split_ticker)
    yield "merge_month", lambda fmt: fmt.replace(revised, "month", month)
    yield "read_cross_section", lambda fmt: fmt.read("date", cross_date)
    yield "read_history", lambda fmt: fmt.read("ticker", history_ticker)
    yield "duckdb_cross_section", lambda fmt: duckdb_rows(fmt.files(), "date", cross_date)
    yield "duckdb_history", lambda fmt: duckdb_rows(fmt.files(), "ticker", history_ticker)


def measure(fmt: Format, operation: str, action: Callable[[Format], Any]) -> dict[str, Any]:
    before = set(fmt.files())
    commits_before, snapshots_before = fmt.commits()
    start = time.perf_counter()
    rows_read = action(fmt)
    seconds = time.perf_counter() - start
    after = fmt.files()
    commits, snapshots = fmt.commits()
    return {
        "format": fmt.name,
        "operation": operation,
        "seconds": seconds,
        "files_added": len(set(after) - before),
        "files_in_table_after": len(after),
        "rows_after": fmt.rows(),
        "rows_read": rows_read,
        "commits": commits - commits_before,
        "snapshots": snapshots - snapshots_before,
        "versions_after": commits,
        "snapshots_after": snapshots,
        "mb_after": sum(os.path.getsize(local(f)) for f in after) / 2**20,
    }


def run(
    tickers: int = 500, years: int = 25, root: Path | None = None, repeats: int = 2
) -> pl.DataFrame:
    """One row per (format, operation, repeat); each repeat starts from fresh, empty tables."""
    if root is None:
        with tempfile.TemporaryDirectory(prefix="finlake-bench-formats-") as tmp:
            return run(tickers, years, Path(tmp), repeats)
    rows = []
    for repeat in range(repeats):
        formats: list[Format] = [
            DeltaFormat(root / f"r{repeat}"),
            IcebergFormat(root / f"r{repeat}"),
        ]
        if repeat % 2:
            formats.reverse()
        for operation, action in steps(tickers, years):
            for fmt in formats:
                rows.append({**measure(fmt, operation, action), "repeat": repeat})
    additive = ["seconds", "files_added", "commits", "snapshots"]
    return (
        pl.DataFrame(rows, infer_schema_length=None)
        .group_by("format", "operation", "repeat", maintain_order=True)
        .agg(pl.col(additive).sum(), pl.exclude(additive).last())
        .select(*rows[0])
    )


def markdown(results: pl.DataFrame) -> str:
    """Median seconds per operation with iceberg/delta, then the state each format ended in."""
    order = list(dict.fromkeys(results["operation"]))
    med = {
        (r["format"], r["operation"]): statistics.median(r["seconds"])
        for r in results.group_by("format", "operation").agg("seconds").iter_rows(named=True)
    }
    lines = [
        "| operation | delta s | iceberg s | iceberg/delta |",
        "|---|---:|---:|---:|",
    ]
    for op in order:
        d, i = med[("delta", op)], med[("iceberg", op)]
        lines.append(f"| {op} | {d:.3f} | {i:.3f} | {i / d:.2f} |")
    last = results.filter(pl.col("repeat") == results["repeat"].max())
    lines += [
        "",
        "| format | operation | files added | files after | rows after | rows read | commits "
        "| snapshots |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in last.iter_rows(named=True):
        lines.append(
            f"| {r['format']} | {r['operation']} | {r['files_added']} | "
            f"{r['files_in_table_after']} | {r['rows_after']} | {r['rows_read'] or ''} | "
            f"{r['commits']} | {r['snapshots']} |"
        )
    lines += [
        "",
        "| format | versions (catalog commits) | snapshots | files | MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in last.group_by("format", maintain_order=True).last().iter_rows(named=True):
        lines.append(
            f"| {r['format']} | {r['versions_after']} | {r['snapshots_after']} | "
            f"{r['files_in_table_after']} | {r['mb_after']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", type=int, default=500)
    parser.add_argument("--years", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(markdown(run(args.tickers, args.years, repeats=args.repeats)))


if __name__ == "__main__":
    main()
