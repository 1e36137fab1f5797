"""The lake as it stood at a session's close: everything published later removed.

`lake_as_of` copies a home keeping only what was public at `session`'s real close (16:00 ET, 13:00
on early-close days) and rebuilds
what is derived from it (adjusted prices, indicators, daily news sentiment, the catalog), so a
backtest can check a feature against the world it claims to describe. It is also the proof of
the features mart: its row for a session must not change when everything after it is cut.

What "public at the close" means per dataset:
- prices: sessions up to and including the day; bars as traded then (a later split, applied by
  Yahoo to the stored history, is taken out again); corporate actions up to the day.
- SEC: filings accepted before the close; facts, transactions and text of those filings (a
  filing not in sec_filings counts from the end of its filing day).
- news: stories counted toward that session or an earlier one (published before its close).
- macro: vintages public by the close (dated before the day, or on it when the series' release
  time is before the close); a value revised later is current again (its revision was not
  published yet).
- policy: releases published before the close.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.calendar import nyse
from finlake.catalog import Catalog
from finlake.datasets import (
    CORPORATE_ACTIONS,
    FILING_TEXT,
    FOMC_MEETINGS,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    MACRO_OBSERVATIONS,
    NEWS_ARTICLES,
    POLICY_EVENTS,
    PRICES_DAILY,
    SEC_COMPANIES,
    SEC_FILINGS,
    Dataset,
)
from finlake.lake import Lake
from finlake.pipelines.indicators import build_indicators
from finlake.pipelines.news import build_sentiment_daily
from finlake.pipelines.prices import build_adjusted
from finlake.sources.fred.payloads import OPEN_END
from finlake.sources.fred.releases import vintage_day


def session_close(session: dt.date) -> dt.datetime:
    """The session's real close in UTC (13:00 ET on early-close days): the instant the features
    mart is taken at."""
    return nyse().session_close(session)


def _write(lake: Lake, ds: Dataset, rows: pl.DataFrame) -> None:
    if rows.is_empty():
        return
    if ds.partition_by is None:
        lake.write_table(ds, rows)
    else:
        lake.merge(ds, rows, rows.select(ds.partition_source).unique())


def _as_traded(prices: pl.DataFrame, actions: pl.DataFrame, session: dt.date) -> pl.DataFrame:
    """Bars as served on `session`: splits after it are not applied yet (the same arithmetic as
    the prices_as_traded view)."""
    later = (
        actions.filter((pl.col("date") > session) & (pl.col("split_ratio") != 1.0))
        .group_by("ticker")
        .agg(pl.col("split_ratio").product().alias("ratio"))
    )
    ratio = pl.col("ratio").fill_null(1.0)
    return prices.join(later, on="ticker", how="left").with_columns(
        *[(pl.col(c) * ratio).alias(c) for c in ("open", "high", "low", "close")],
        (pl.col("volume") / ratio).round().cast(pl.Int64).alias("volume"),
    )


def _known_accessions(filings: pl.DataFrame, cutoff: dt.datetime) -> pl.Expr:
    accepted = filings.filter(pl.col("acceptance_datetime") < cutoff)
    return pl.col("accession_number").is_in(accepted.get_column("accession_number").implode())


def _filed_before(column: str, session: dt.date) -> pl.Expr:
    """A filing missing from sec_filings counts from the end of its filing day."""
    return pl.col(column) < session


def lake_as_of(source: Path, target: Path, session: dt.date) -> Path:
    """Write into home `target` the part of home `source` public at `session`'s close."""
    src, dst = Lake.of_home(Path(source)), Lake.of_home(Path(target))
    cutoff = session_close(session)

    def read(ds: Dataset) -> pl.DataFrame:
        return src.scan(ds).collect() if src.has_data(ds) else ds.empty()

    all_actions = read(CORPORATE_ACTIONS)
    actions = all_actions.filter(pl.col("date") <= session)
    prices = read(PRICES_DAILY).filter(pl.col("date") <= session)
    _write(dst, PRICES_DAILY, _as_traded(prices, all_actions, session))
    _write(dst, CORPORATE_ACTIONS, actions)

    filings = read(SEC_FILINGS)
    known = _known_accessions(filings, cutoff)
    unlisted = ~pl.col("accession_number").is_in(filings.get_column("accession_number").implode())
    _write(dst, SEC_COMPANIES, read(SEC_COMPANIES))
    _write(dst, SEC_FILINGS, filings.filter(pl.col("acceptance_datetime") < cutoff))
    facts = read(FUNDAMENTALS)
    _write(dst, FUNDAMENTALS, facts.filter(known | (unlisted & _filed_before("filed", session))))
    for ds in (INSIDER_TRANSACTIONS, INSIDER_HOLDINGS, FILING_TEXT):
        rows = read(ds)
        _write(dst, ds, rows.filter(known | (unlisted & _filed_before("filing_date", session))))

    articles = read(NEWS_ARTICLES)
    if not articles.is_empty():
        cal = nyse()
        moments = articles.get_column("published_at").unique()
        counted = pl.DataFrame(
            {"published_at": moments, "session": [cal.session_of(m) for m in moments.to_list()]},
            schema={"published_at": pl.Datetime("us", "UTC"), "session": pl.Date},
        ).filter(pl.col("session") <= session)
        _write(dst, NEWS_ARTICLES, articles.join(counted, on="published_at", how="semi"))

    macro = read(MACRO_OBSERVATIONS)
    days = {s: vintage_day(s, session, cutoff) for s in macro.get_column("series_id").unique()}
    known_day = pl.col("series_id").replace_strict(days, return_dtype=pl.Date, default=None)
    macro = macro.filter(pl.col("realtime_start") <= known_day)
    reopened = pl.when(pl.col("realtime_end") >= known_day).then(pl.lit(OPEN_END))
    _write(
        dst,
        MACRO_OBSERVATIONS,
        macro.with_columns(reopened.otherwise(pl.col("realtime_end")).alias("realtime_end")),
    )
    _write(dst, POLICY_EVENTS, read(POLICY_EVENTS).filter(pl.col("published_at") < cutoff))
    _write(dst, FOMC_MEETINGS, read(FOMC_MEETINGS))

    tickers = sorted(set(prices.get_column("ticker").to_list()))
    sessions = sorted(set(prices.get_column("date").to_list()))
    if tickers:
        build_adjusted(dst, tickers)
        build_indicators(dst, tickers, sessions)
    if dst.has_data(NEWS_ARTICLES):
        build_sentiment_daily(dst)
    Catalog(Path(target)).build()
    return Path(target)
