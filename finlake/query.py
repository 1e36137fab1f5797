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
from finlake.datasets import INDICATORS_DAILY
from finlake.settings import resolve_home
from finlake.sources.fred.payloads import validate_series_id
from finlake.universe import validate_ticker

FEATURES_VIEW = "features_daily"
_IN_TICKERS = "(len($tickers) = 0 OR list_contains($tickers, ticker))"


class NotBuiltError(LookupError):
    """A model view this home's catalog does not have yet: its job has not run there."""


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
    view = "prices_adjusted" if adjusted else "prices_daily"
    return sql(*_panel(view, "*", tickers, start, end), home)


def indicators(
    tickers: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    columns: str | Sequence[str] | None = None,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Technical indicators per (ticker, session) (inclusive date range). `columns` keeps only
    those indicators besides ticker and date; names are checked against the contract first, so
    only known identifiers ever reach the SQL."""
    select = _select(columns, INDICATORS_DAILY.column_names, INDICATORS_DAILY.name)
    return sql(*_panel(INDICATORS_DAILY.name, select, tickers, start, end), home)


def features(
    tickers: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    columns: str | Sequence[str] | None = None,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """The features_daily mart, one row per (ticker, session). The mart is a SQL model whose
    columns may change, so `columns` is checked against the view's own columns, read on the same
    snapshot the query runs on. Raises NotBuiltError until the models job has built it."""
    con = connect(home)
    try:
        try:
            known = [row[0] for row in con.sql(f"DESCRIBE {FEATURES_VIEW}").fetchall()]
        except (duckdb.CatalogException, duckdb.IOException):  # no view, or no files under it
            raise NotBuiltError(
                f"{FEATURES_VIEW} is not built yet: run the models job "
                "(uv run finlake demo builds it)"
            ) from None
        select = _select(columns, known, FEATURES_VIEW)
        query, params = _panel(FEATURES_VIEW, select, tickers, start, end)
        return con.sql(query, params=params).pl()
    finally:
        con.close()


def _select(columns: str | Sequence[str] | None, known: Sequence[str], view: str) -> str:
    """The select list for ticker, date and the wanted columns; unknown names are refused."""
    if columns is None:
        return "*"
    wanted = _names(columns)
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValueError(f"{view} has no column {unknown}; its columns: {', '.join(known)}")
    names = dict.fromkeys(["ticker", "date", *wanted])
    return ", ".join('"' + name.replace('"', '""') + '"' for name in names)


def _panel(
    view: str,
    select: str,
    tickers: str | Sequence[str] | None,
    start: dt.date | str | None,
    end: dt.date | str | None,
) -> tuple[str, dict]:
    """A (ticker, date) panel query with bound tickers and an inclusive date range."""
    query = (
        f"SELECT {select} FROM {view} WHERE {_IN_TICKERS} AND {_in_dates('date')} "
        "ORDER BY ticker, date"
    )
    return query, {"tickers": _tickers(tickers), "start": _date(start), "end": _date(end)}


def _in_dates(column: str) -> str:
    """`column` within the inclusive range of the $start and $end parameters (None = open)."""
    return (
        f"{column} >= coalesce(CAST($start AS DATE), DATE '0001-01-01') "
        f"AND {column} <= coalesce(CAST($end AS DATE), DATE '9999-12-31')"
    )


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def fundamentals(
    tickers: str | Sequence[str] | None = None,
    concepts: str | Sequence[str] | None = None,
    *,
    as_of: dt.date | str | None = None,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """XBRL facts as known at the end of `as_of` (default: every fact as filed): only facts filed
    by then, the latest filing's value per (concept, unit, period). Same as the SQL macro
    fundamentals_asof(as_of); a `ticker` column is added through sec_companies."""
    names = _tickers(tickers)
    wanted = _names(concepts)
    source = "fundamentals_asof(CAST($as_of AS DATE))" if as_of is not None else "fundamentals"
    query = (
        f"WITH tickers AS (SELECT DISTINCT cik, ticker FROM sec_companies WHERE {_IN_TICKERS}) "
        f"SELECT t.ticker, f.* FROM {source} f JOIN tickers t USING (cik) "
        "WHERE len($concepts) = 0 OR list_contains($concepts, f.concept) "
        "ORDER BY t.ticker, f.concept, f.period_end, f.filed"
    )
    params: dict = {"tickers": names, "concepts": wanted}
    if as_of is not None:
        params["as_of"] = _date(as_of)
    return sql(query, params, home)


def filings(
    tickers: str | Sequence[str] | None = None,
    forms: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    text: str | None = None,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Filings of universe companies by ticker, form and filing date (inclusive). With `text`,
    the filing_text chunks that contain it (case-insensitive), one row per chunk."""
    names = _tickers(tickers)
    kinds = _names(forms)
    where = (
        f"{_IN_TICKERS} AND (len($forms) = 0 OR list_contains($forms, form)) "
        f"AND {_in_dates('filing_date')}"
    )
    params: dict = {"tickers": names, "forms": kinds, "start": _date(start), "end": _date(end)}
    if text is None:
        query = f"SELECT * FROM sec_filings WHERE {where} ORDER BY acceptance_datetime"
    else:
        params["text"] = text
        query = (
            f"SELECT * FROM filing_text WHERE {where} AND contains(lower(text), lower($text)) "
            "ORDER BY filing_date, accession_number, chunk_index"
        )
    return sql(query, params, home)


def _tickers(tickers: str | Sequence[str] | None) -> list[str]:
    names = _names(tickers)
    for name in names:
        validate_ticker(name)
    return names


def _names(value: str | Sequence[str] | None) -> list[str]:
    """One name or several as a list (None = none)."""
    return [value] if isinstance(value, str) else list(value or [])


def news(
    tickers: str | Sequence[str] | None = None,
    start: dt.datetime | dt.date | str | None = None,
    end: dt.datetime | dt.date | str | None = None,
    *,
    min_sentiment: float | None = None,
    max_sentiment: float | None = None,
    label: str | None = None,
    category: str | None = None,
    text: str | None = None,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Stories by ticker (any of), publication time window [start, end) in UTC (dates mean
    midnight UTC), compound sentiment range, label, category and words in title or summary."""
    names = _tickers(tickers)
    query = """
        SELECT * FROM news_articles
        WHERE (len($tickers) = 0 OR len(list_intersect(tickers, $tickers)) > 0)
          AND ($start IS NULL OR published_at >= CAST($start AS TIMESTAMPTZ))
          AND ($end IS NULL OR published_at < CAST($end AS TIMESTAMPTZ))
          AND sentiment_compound >= coalesce($min_sentiment, -1.0)
          AND sentiment_compound <= coalesce($max_sentiment, 1.0)
          AND ($label IS NULL OR sentiment_label = $label)
          AND ($category IS NULL OR list_contains(categories, $category))
          AND ($text IS NULL OR contains(lower(title || ' ' || summary), lower($text)))
        ORDER BY published_at DESC
    """
    params = {
        "tickers": names,
        "start": _moment(start),
        "end": _moment(end),
        "min_sentiment": min_sentiment,
        "max_sentiment": max_sentiment,
        "label": label,
        "category": category,
        "text": text,
    }
    return sql(query, params, home)


def news_sentiment(
    tickers: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Daily news sentiment per ticker and NYSE session (inclusive date range)."""
    return sql(*_panel("news_sentiment_daily", "*", tickers, start, end), home)


def macro(
    series: str | Sequence[str] | None = None,
    as_of: dt.date | str | None = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    first_release: bool = False,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Macro observations (inclusive observation-date range). With `as_of`, each value as it
    was known on that day (no revision published later); with `first_release`, as first
    published; otherwise the current vintage."""
    ids = _names(series)
    for sid in ids:
        validate_series_id(sid)
    if as_of is not None and first_release:
        raise ValueError("macro(): give as_of or first_release, not both")
    if as_of is not None:
        source, params = "macro_asof($as_of)", {"as_of": _date(as_of)}
    else:
        source, params = ("macro_first_release" if first_release else "macro_latest"), {}
    query = (
        f"SELECT * FROM {source} WHERE (len($ids) = 0 OR list_contains($ids, series_id)) "
        f"AND {_in_dates('date')} ORDER BY series_id, date"
    )
    params |= {"ids": ids, "start": _date(start), "end": _date(end)}
    return sql(query, params, home)


def policy_events(
    start: dt.datetime | dt.date | str | None = None,
    end: dt.datetime | dt.date | str | None = None,
    *,
    statements_only: bool = False,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Federal Reserve press releases published in [start, end) (UTC); `statements_only` keeps
    the FOMC statements with their decisions."""
    query = """
        SELECT * FROM policy_events
        WHERE ($start IS NULL OR published_at >= CAST($start AS TIMESTAMPTZ))
          AND ($end IS NULL OR published_at < CAST($end AS TIMESTAMPTZ))
          AND (NOT $statements OR is_fomc_statement)
        ORDER BY published_at
    """
    params = {"start": _moment(start), "end": _moment(end), "statements": statements_only}
    return sql(query, params, home)


def _moment(value: dt.datetime | dt.date | str | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
