"""What notebooks import: a DuckDB connection to the catalog and dataset helpers.

Connections are read-only snapshots of the catalog file; a running materialization swaps in a
new file instead of writing this one, so reading never blocks a run and a run never breaks a
reader. User values are always bound as parameters, never formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from finlake.catalog import Catalog
from finlake.catalog_hot import HOT_NAMES, TICKERS_TABLE
from finlake.catalog_sql import sql_string
from finlake.datasets import INDICATORS_DAILY
from finlake.settings import home_path
from finlake.sources.fred.payloads import validate_series_id
from finlake.universe import validate_ticker

FEATURES_VIEW = "features_daily"
_IN_TICKERS = "(len($tickers) = 0 OR list_contains($tickers, ticker))"


class NotBuiltError(LookupError):
    """A model view this home's catalog does not have yet: its job has not run there."""


class ReadOnlyError(ValueError):
    """A statement that would change something: finlake.sql() and `finlake sql` only read."""


def connect(
    home: str | Path | None = None,
    *,
    as_of_version: int | Mapping[str, int] | None = None,
    as_of_time: dt.datetime | str | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection with a view per dataset (prices_daily, corporate_actions, prices_adjusted,
    quarantine, ...) on the newest catalog build; it cannot read or write any file outside the
    lake. `home` defaults to $FINLAKE_HOME or the default home, and must exist.

    Time travel on the commit clock (not the business-time point-in-time views): `as_of_time`
    opens every table as it was committed at that instant (ISO text or datetime; naive is UTC);
    `as_of_version` opens tables at versions (`finlake history DATASET` lists them), either a
    mapping {"prices_daily": 3} or one number for every table."""
    catalog = Catalog(home_path(home))
    if as_of_version is None and as_of_time is None:
        return catalog.connect()
    if isinstance(as_of_time, str):
        as_of_time = dt.datetime.fromisoformat(as_of_time)
    return catalog.connect_as_of(version=as_of_version, at=as_of_time)


def sql(
    query: str,
    params: Sequence | dict | None = None,
    home: str | Path | None = None,
    *,
    as_of_version: int | Mapping[str, int] | None = None,
    as_of_time: dt.datetime | str | None = None,
) -> pl.DataFrame:
    """Run a reading query (SELECT, or EXPLAIN of one) against the catalog and return a Polars
    frame; any other statement (COPY, CREATE, SET, ATTACH, ...) raises ReadOnlyError. The
    as_of arguments open the lake as committed then, as in `connect`."""
    con = connect(home, as_of_version=as_of_version, as_of_time=as_of_time)
    try:
        require_read_only(con, query)
        return con.sql(query, params=params).pl()
    finally:
        con.close()


_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?P<inner>.*)$", re.IGNORECASE | re.DOTALL)


def require_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse `query` unless every statement in it only reads. EXPLAIN ANALYZE runs its
    statement, so an EXPLAIN is judged by the statement it explains."""
    for statement in con.extract_statements(query):
        kind = statement.type
        if kind == duckdb.StatementType.EXPLAIN:
            inner = _EXPLAIN.match(statement.query)
            explained = con.extract_statements(inner["inner"]) if inner else []
            kind = explained[0].type if len(explained) == 1 else kind
        if kind != duckdb.StatementType.SELECT:
            raise ReadOnlyError(
                f"only reading queries run here; refusing a {kind.name} statement: "
                f"{statement.query.strip()[:80]}"
            )


class UnknownValueError(ValueError):
    """A filter value the data does not hold: a typo would otherwise return an empty frame."""


@dataclass(frozen=True)
class TickerListing:
    """Where a view's known tickers come from: the catalog's table of the tickers in its big
    datasets when it has one (a catalog file), else a scan of the view and prices_daily."""

    view: str
    column: str = "ticker"

    def queries(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        scan = f"SELECT DISTINCT {self.column} FROM {self.view}"
        try:  # a lookup in the catalog's own tables (duckdb_tables() costs more than this)
            con.execute(f"SELECT 1 FROM {TICKERS_TABLE} LIMIT 0")
        except duckdb.CatalogException:
            return [f"{scan} UNION SELECT DISTINCT ticker FROM prices_daily"]
        names = ", ".join(sql_string(v) for v in sorted({self.view, "prices_daily"} & HOT_NAMES))
        table = f"SELECT ticker FROM {TICKERS_TABLE} WHERE view_name IN ({names})"
        return [table] if self.view in HOT_NAMES else [table, scan]


# what, the values asked for, SQL listing the known ones (or where a view's tickers are listed)
Known = tuple[str, Sequence[str], "str | TickerListing"]


def _read(home: str | Path | None, query: str, params: dict, known: Sequence[Known] = ()):
    """Run one of the helpers' queries after checking its filter values against the data."""
    con = connect(home)
    try:
        for what, wanted, listing in known:
            require_known(con, what, wanted, listing)
        return con.sql(query, params=params).pl()
    finally:
        con.close()


def require_known(
    con: duckdb.DuckDBPyConnection,
    what: str,
    wanted: Sequence[str],
    listing: str | TickerListing,
) -> None:
    """Raise UnknownValueError naming each value of `wanted` that `listing` (a query of the
    known values, or queries tried in turn until every value is found) lacks, with the nearest
    known ones. Nothing stored yet: nothing to check."""
    if not wanted:
        return
    found: set[str] = set()
    queries = [listing] if isinstance(listing, str) else listing.queries(con)
    for query in queries:
        found |= {row[0] for row in con.sql(query).fetchall() if row[0] is not None}
        if found.issuperset(wanted):
            return
    known = sorted(found)
    missing = [w for w in wanted if w not in found]
    if not known or not missing:
        return
    hints = []
    for value in missing:
        near = difflib.get_close_matches(value, known, n=3, cutoff=0.5) or known[:5]
        hints.append(f"{value!r} (nearest: {', '.join(near)})")
    raise UnknownValueError(f"unknown {what}: {'; '.join(hints)}")


def _ticker_check(view: str, tickers: str | Sequence[str] | None) -> Known:
    """Tickers are known from the view, and from prices_daily (the universe that has data), so
    a universe ticker with no row in the view yet gives an empty answer, not an error."""
    column = (
        "unnest(list_concat(tickers, mentioned_tickers))" if view == "news_articles" else "ticker"
    )
    return ("ticker", _tickers(tickers), TickerListing(view, column))


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
    return _read(home, *_panel(view, "*", tickers, start, end), [_ticker_check(view, tickers)])


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
    view = INDICATORS_DAILY.name
    select = _select(columns, INDICATORS_DAILY.column_names, view)
    return _read(home, *_panel(view, select, tickers, start, end), [_ticker_check(view, tickers)])


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
        require_known(con, *_ticker_check(FEATURES_VIEW, tickers))
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
    known = [
        _ticker_check("sec_companies", names),
        ("concept", wanted, "SELECT DISTINCT concept FROM fundamentals"),
    ]
    return _read(home, query, params, known)


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
    known = [
        _ticker_check("sec_companies", names),
        ("form", kinds, "SELECT DISTINCT form FROM sec_filings"),
    ]
    return _read(home, query, params, known)


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
    mentioned: bool = False,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Stories by ticker (any of), publication time window [start, end) in UTC (dates mean
    midnight UTC), compound sentiment range, label, category and words in title or summary. A
    ticker matches the stories about it; with `mentioned`, also those that only name it in a
    supporting role (a quoted analyst, an underwriter, a rival)."""
    names = _tickers(tickers)
    query = """
        SELECT * FROM news_articles
        WHERE (len($tickers) = 0 OR len(list_intersect(tickers, $tickers)) > 0
               OR ($mentioned AND len(list_intersect(mentioned_tickers, $tickers)) > 0))
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
        "mentioned": mentioned,
    }
    known = [
        _ticker_check("news_articles", names),
        ("category", _names(category), "SELECT DISTINCT unnest(categories) FROM news_articles"),
        ("label", _names(label), "SELECT unnest(['positive', 'negative', 'neutral'])"),
    ]
    return _read(home, query, params, known)


def news_sentiment(
    tickers: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Daily news sentiment per ticker and NYSE session (inclusive date range)."""
    view = "news_sentiment_daily"
    return _read(home, *_panel(view, "*", tickers, start, end), [_ticker_check(view, tickers)])


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
    known = [("series", ids, "SELECT DISTINCT series_id FROM macro_observations")]
    return _read(home, query, params, known)


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
    return _read(home, query, params)


def _moment(value: dt.datetime | dt.date | str | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
