"""Vintage intervals (ALFRED real-time periods): merging fetches and reading them point in time.

A series is stored as rows (date, value, realtime_start, realtime_end): the value an observation
had over that real-time interval, with 9999-12-31 for "still current". FRED clips every answer
to the requested real-time window, so a row that began before the window comes back starting
at the window. Merging therefore closes the stored rows at the window start, adds the fetched
rows and joins touching intervals that carry the same value: the result does not depend on how
the fetches were windowed, and re-applying a fetch changes nothing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

KEY = ("series_id", "date")
DAY = pl.duration(days=1)


def coalesce_intervals(rows: pl.DataFrame) -> pl.DataFrame:
    """Join consecutive intervals of one observation that carry the same value (null == null)."""
    if rows.is_empty():
        return rows
    ordered = rows.sort([*KEY, "realtime_start"])
    same_obs = pl.all_horizontal([pl.col(c) == pl.col(c).shift(1) for c in KEY])
    touches = pl.col("realtime_start") == pl.col("realtime_end").shift(1) + DAY
    same_value = pl.col("value").eq_missing(pl.col("value").shift(1))
    starts_run = ~(same_obs & touches & same_value).fill_null(False)
    return (
        ordered.with_columns(starts_run.cum_sum().alias("__run"))
        .group_by("__run", maintain_order=True)
        .agg(
            *[pl.col(c).first() for c in rows.columns if c not in ("realtime_end",)],
            pl.col("realtime_end").last(),
        )
        .select(rows.columns)
    )


def merge_vintages(
    stored: pl.DataFrame, fetched: pl.DataFrame, window_start: dt.date
) -> pl.DataFrame:
    """Stored rows with a fetch covering real time from `window_start` on: what the fetch
    covers replaces the stored rows (closed the day before), the rest is kept."""
    before = stored.filter(pl.col("realtime_start") < window_start).with_columns(
        pl.min_horizontal(
            pl.col("realtime_end"), pl.lit(window_start - dt.timedelta(days=1))
        ).alias("realtime_end")
    )
    return coalesce_intervals(pl.concat([before, fetched.select(stored.columns)]))


def as_of(rows: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Each observation's value as it was known on `day` (published on or before it)."""
    return rows.filter((pl.col("realtime_start") <= day) & (pl.col("realtime_end") >= day))


def overlapping(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows whose real-time interval overlaps the next interval of the same observation."""
    ordered = rows.sort([*KEY, "realtime_start"])
    nxt = pl.col("realtime_start").shift(-1).over(list(KEY))
    return ordered.filter(nxt.is_not_null() & (pl.col("realtime_end") >= nxt))
