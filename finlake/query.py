"""What notebooks import: a DuckDB connection to the catalog and dataset helpers.

Connections are read-only snapshots of the catalog file; a running materialization swaps in a
new file instead of writing this one, so reading never blocks a run and a run never breaks a
reader. User values are always bound as parameters, never formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from finlake.catalog import Catalog
from finlake.settings import resolve_home
from finlake.universe import validate_ticker


def _home(home: str | Path | None) -> Path:
    return Path(home).expanduser().resolve() if home else resolve_home()


def connect(home: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection with a view per dataset (prices_daily, corporate_actions,
    prices_adjusted, quarantine, ...). `home` defaults to $FINLAKE_HOME or the default home."""
    return Catalog(_home(home)).connect()


def sql(
    query: str, params: Sequence | dict | None = None, home: str | Path | None = None
) -> pl.DataFrame:
    """Run one query against the catalog and return a Polars frame."""
    con = connect(home)
    try:
        return con.sql(query, params=params).pl()
    finally:
        con.close()


def prices(
    tickers: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    adjusted: bool = False,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Daily bars (split-adjusted; `adjusted=True` adds dividend adjustment), optionally for some
    tickers and an inclusive date range."""
    names = [tickers] if isinstance(tickers, str) else list(tickers or [])
    for name in names:
        validate_ticker(name)
    view = "prices_adjusted" if adjusted else "prices_daily"
    query = (
        f"SELECT * FROM {view} WHERE (len($tickers) = 0 OR list_contains($tickers, ticker)) "
        "AND date >= coalesce(CAST($start AS DATE), DATE '0001-01-01') "
        "AND date <= coalesce(CAST($end AS DATE), DATE '9999-12-31') ORDER BY ticker, date"
    )
    params = {"tickers": names, "start": _date(start), "end": _date(end)}
    return sql(query, params, home)


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
