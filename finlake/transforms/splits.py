"""Is a split the provider reports confirmed by the bars?

Yahoo's bars are split-adjusted as of the fetch, so a real N:1 split shows itself not in one
payload but between two: bars finlake stored before the ex-date (fetched on the old basis) are N
times the same sessions re-fetched after it. A split event whose re-fetched history did not move
(a phantom split, or a provider that lists the event before it adjusts the history) would make
`prices_as_traded` N times too high before it, so it is kept out of corporate_actions, and with
it out of every factor, until a later fetch shows the history moved.

Only bars ingested before the ex-date's close can testify: a bar restated on the new basis by an
earlier run says nothing about the old one. A split with no such bar (a first backfill over it)
has no evidence against it and is taken as the provider reports it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

UNCONFIRMED = "not confirmed by the bars"  # in the quarantine reason of such a split
TOLERANCE = 0.02  # relative: stored/re-fetched close within 2% of the split ratio
EVIDENCE_SESSIONS = 20  # the sessions before the ex-date that are compared

UNCONFIRMED_SCHEMA = {
    "ticker": pl.String,
    "date": pl.Date,
    "split_ratio": pl.Float64,
    "observed_ratio": pl.Float64,
    "sessions": pl.UInt32,
}


def unconfirmed_splits(
    splits: pl.DataFrame,
    stored: pl.DataFrame,
    fetched: pl.DataFrame,
    closes: dict[dt.date, dt.datetime],
) -> pl.DataFrame:
    """The splits of `splits` (ticker, date, split_ratio: new to finlake) that the bars
    contradict. `stored` holds the stored bars (ticker, date, close, ingested_at), `fetched`
    the same sessions as just fetched (ticker, date, close), `closes` each ex-date's close.
    The observed ratio is the median of stored / fetched close over the last sessions before
    the ex-date that were ingested before it."""
    if splits.is_empty() or stored.is_empty():
        return pl.DataFrame(schema=UNCONFIRMED_SCHEMA)
    ex_close = pl.col("date").replace_strict(closes, return_dtype=pl.Datetime("us", "UTC"))
    evidence = (
        splits.select("ticker", pl.col("date").alias("ex_date"), ex_close.alias("ex_close"))
        .join(stored.select("ticker", "date", "close", "ingested_at"), on="ticker")
        .filter((pl.col("date") < pl.col("ex_date")) & (pl.col("ingested_at") < pl.col("ex_close")))
        .join(fetched.select("ticker", "date", pl.col("close").alias("now")), on=["ticker", "date"])
        .sort("date")
        .group_by("ticker", "ex_date")
        .agg(
            (pl.col("close") / pl.col("now")).tail(EVIDENCE_SESSIONS).median().alias("observed"),
            pl.len().clip(upper_bound=EVIDENCE_SESSIONS).cast(pl.UInt32).alias("sessions"),
        )
    )
    return (
        splits.join(evidence, left_on=["ticker", "date"], right_on=["ticker", "ex_date"])
        .filter(((pl.col("observed") / pl.col("split_ratio")) - 1).abs() > TOLERANCE)
        .select(
            "ticker",
            "date",
            "split_ratio",
            pl.col("observed").alias("observed_ratio"),
            "sessions",
        )
        .cast(UNCONFIRMED_SCHEMA)  # type: ignore[arg-type]
    )


def reason(split_ratio: float, observed: float, sessions: int) -> str:
    return (
        f"split {split_ratio:g}:1 {UNCONFIRMED}: the {sessions} sessions before it, "
        f"stored before the ex-date, are {observed:.2f}x their re-fetched prices (a {split_ratio:g}"
        ":1 split makes them "
        f"{split_ratio:.2f}x); kept out of corporate_actions and the factors until a fetch shows "
        "the history adjusted"
    )
