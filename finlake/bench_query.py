"""`finlake bench query`: the lookups quants repeat all day, against the lake `bench scale` built
and, side by side in the same run, against PostgreSQL holding the same rows the way a
PostgreSQL pipeline would (primary key (ticker, date), an index on date).

Each round runs every query once on each side with the same parameters (a different ticker and
date each round, the same sequence for both), alternating which side goes first; both sides
fetch every row into Python. The figure is the median over the rounds.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from finlake.datasets import INDICATORS_DAILY, PRICES_ADJUSTED, Dataset
from finlake.postgres_local import PostgresUnavailable, local_postgres


class BenchQueryError(RuntimeError):
    """The bench cannot run: no lake at the home, or no PostgreSQL to compare with."""


@dataclass(frozen=True)
class Query:
    name: str
    duckdb: str  # $ticker, $day, $start, $end parameters
    postgres: str  # %(ticker)s, ... parameters
    goal: str  # what finlake must reach against PostgreSQL
    max_ratio: float  # finlake / PostgreSQL at most this


PA = PRICES_ADJUSTED.name
QUERIES = (
    Query(
        "one date, all tickers",
        f"SELECT * FROM {PA} WHERE date = $day",
        f"SELECT * FROM {PA} WHERE date = %(day)s",
        "faster than PostgreSQL",
        1.0,
    ),
    Query(
        "one ticker, full history",
        f"SELECT * FROM {PA} WHERE ticker = $ticker ORDER BY date",
        f"SELECT * FROM {PA} WHERE ticker = %(ticker)s ORDER BY date",
        "faster than PostgreSQL",
        1.0,
    ),
    Query(
        "one ticker, one year",
        f"SELECT * FROM {PA} WHERE ticker = $ticker AND date BETWEEN $start AND $end ORDER BY date",
        f"SELECT * FROM {PA} WHERE ticker = %(ticker)s AND date BETWEEN %(start)s AND %(end)s "
        "ORDER BY date",
        "faster than PostgreSQL",
        1.0,
    ),
    Query(
        "average close per ticker, all years",
        f"SELECT ticker, avg(close) FROM {PA} GROUP BY ticker",
        f"SELECT ticker, avg(close) FROM {PA} GROUP BY ticker",
        ">= 4x faster than PostgreSQL",
        0.25,
    ),
    Query(
        "monthly max/min per ticker",
        f"SELECT ticker, date_trunc('month', date) AS month, max(high), min(low) FROM {PA} "
        "GROUP BY ALL",
        f"SELECT ticker, date_trunc('month', date) AS month, max(high), min(low) FROM {PA} "
        "GROUP BY 1, 2",
        ">= 5x faster than PostgreSQL",
        0.2,
    ),
)


def run(home: Path, repeat: int = 50, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the lake's prices_adjusted and indicators_daily into a throwaway PostgreSQL, then
    time QUERIES and the query API interleaved with their PostgreSQL counterparts."""
    import finlake
    from finlake.lake import Lake

    if not (home / "lake").exists():
        raise BenchQueryError(
            f"no lake at {home}: build one first with `finlake bench scale` (same --tickers, "
            "--years and --home)"
        )
    lake = Lake.of_home(home)
    try:
        import psycopg
    except ImportError as exc:  # a development dependency
        raise BenchQueryError("the comparison needs psycopg: `uv sync` installs it") from exc
    tickers = lake.scan(PRICES_ADJUSTED).select(pl.col("ticker").unique()).collect()
    tickers = sorted(tickers["ticker"].to_list())
    dates = lake.scan(PRICES_ADJUSTED).select(pl.col("date").unique()).collect()
    dates = sorted(dates["date"].to_list())
    rng = random.Random(15)
    rounds = [_params(rng, tickers, dates) for _ in range(repeat)]
    try:
        with local_postgres() as server, psycopg.connect(server.conninfo, autocommit=True) as pg:
            echo("  loading the same rows into PostgreSQL")
            load_seconds = {
                ds.name: _load(pg, lake, ds) for ds in (PRICES_ADJUSTED, INDICATORS_DAILY)
            }
            con = finlake.connect(home)
            try:
                results = [_time_sql(q, con, pg, rounds) for q in QUERIES]
            finally:
                con.close()
            results += _time_api(home, pg, rounds)
    except PostgresUnavailable as exc:
        raise BenchQueryError(f"no PostgreSQL to compare with: {exc}") from None
    return {
        "home": str(home),
        "rows": lake.scan(PRICES_ADJUSTED).select(pl.len()).collect().item(),
        "tickers": len(tickers),
        "rounds": repeat,
        "postgres_load_seconds": load_seconds,
        "results": results,
    }


def _params(rng: random.Random, tickers: list[str], dates: list[dt.date]) -> dict[str, Any]:
    start = rng.randrange(max(1, len(dates) - 252))
    return {
        "ticker": rng.choice(tickers),
        "day": rng.choice(dates),
        "start": dates[start],
        "end": dates[min(start + 251, len(dates) - 1)],
    }


def _load(pg, lake, ds: Dataset) -> float:
    """Create `ds`'s table in PostgreSQL with PK (ticker, date) and an index on date, copy the
    lake's rows in and analyze it."""
    from finlake.catalog import duckdb_type

    types = {
        "VARCHAR": "text",
        "DOUBLE": "double precision",
        "BOOLEAN": "boolean",
        "DATE": "date",
        "BIGINT": "bigint",
        "INTEGER": "integer",
        "TIMESTAMPTZ": "timestamptz",
    }
    columns = ", ".join(f'"{n}" {types[duckdb_type(t)]}' for n, t in ds.schema.items())
    started = time.perf_counter()
    pg.execute(f"DROP TABLE IF EXISTS {ds.name}")
    pg.execute(f"CREATE TABLE {ds.name} ({columns}, PRIMARY KEY (ticker, date))")
    frame = lake.scan(ds).select(ds.column_names).collect()
    body = io.BytesIO()
    frame.write_csv(body, include_header=False, null_value="")
    del frame
    with pg.cursor() as cur, cur.copy(f"COPY {ds.name} FROM STDIN (FORMAT csv)") as copy:
        view = body.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])
        del view
    pg.execute(f"CREATE INDEX ON {ds.name} (date)")
    pg.execute(f"VACUUM ANALYZE {ds.name}")
    return round(time.perf_counter() - started, 1)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _result(name: str, ours: list[float], theirs: list[float], goal: str, limit: float) -> dict:
    mine, base = _median_ms(ours), _median_ms(theirs)
    ratio = mine / base if base else float("nan")
    return {
        "query": name,
        "finlake_ms": mine,
        "postgres_ms": base,
        "ratio": round(ratio, 2),
        "goal": goal,
        "met": ratio <= limit,
    }


def _time_sql(query: Query, con, pg, rounds: list[dict]) -> dict:
    ours, theirs = [], []
    for i, params in enumerate(rounds):
        duck = {k: v for k, v in params.items() if f"${k}" in query.duckdb}
        sides = [
            (ours, lambda duck=duck: con.execute(query.duckdb, duck).fetchall()),
            (theirs, lambda params=params: pg.execute(query.postgres, params).fetchall()),
        ]
        for samples, call in sides if i % 2 else reversed(sides):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
    return _result(query.name, ours, theirs, query.goal, query.max_ratio)


def _time_api(home: Path, pg, rounds: list[dict]) -> list[dict]:
    """finlake.prices / indicators / features (each call opens its own connection, as a
    notebook's call does) against the same rows from PostgreSQL."""
    import finlake

    calls = {
        "finlake.prices(ticker, adjusted=True)": (
            lambda p: finlake.prices(p["ticker"], adjusted=True, home=home),
            f"SELECT * FROM {PA} WHERE ticker = %(ticker)s ORDER BY date",
        ),
        "finlake.indicators(ticker, start, end)": (
            lambda p: finlake.indicators(p["ticker"], p["start"], p["end"], home=home),
            f"SELECT * FROM {INDICATORS_DAILY.name} WHERE ticker = %(ticker)s "
            "AND date BETWEEN %(start)s AND %(end)s ORDER BY date",
        ),
    }
    out = []
    for name, (call, sql) in calls.items():
        ours, theirs = [], []
        for params in rounds:
            t0 = time.perf_counter()
            call(params)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pg.execute(sql, params).fetchall()
            theirs.append(time.perf_counter() - t0)
        out.append(_result(name, ours, theirs, "faster than PostgreSQL", 1.0))
    try:
        finlake.features(rounds[0]["ticker"], home=home)
    except finlake.query.NotBuiltError:
        return out
    samples = []
    for params in rounds:
        t0 = time.perf_counter()
        finlake.features(params["ticker"], params["start"], params["end"], home=home)
        samples.append(time.perf_counter() - t0)
    out.append({"query": "finlake.features(ticker, start, end)", "finlake_ms": _median_ms(samples)})
    return out


def markdown(report: dict[str, Any]) -> str:
    head = (
        f"{report['rows']:,} rows of {PA}, {report['tickers']} tickers, "
        f"median of {report['rounds']} rounds; PostgreSQL load: {report['postgres_load_seconds']}"
    )
    lines = [
        head,
        "",
        "| query | finlake ms | PostgreSQL ms | finlake / PostgreSQL | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['query']} | {r['finlake_ms']} | {r.get('postgres_ms', '—')} | "
            f"{r.get('ratio', '—')} | {r.get('goal', '—')} | "
            f"{({True: 'yes', False: 'no'}).get(r.get('met'), '—')} |"
        )
    return "\n".join(lines)
