"""Quality gates of the macro and policy datasets: ids, real-time intervals, decisions."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from finlake.datasets import FOMC_MEETINGS, MACRO_OBSERVATIONS, POLICY_EVENTS
from finlake.schemas import contract_schema, is_finite
from finlake.sources.fred.payloads import SERIES_ID

ACTIONS = ["hike", "cut", "hold"]


def interval_ordered() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col("realtime_start") <= pl.col("realtime_end")),
        name="realtime_start: after realtime_end",
        error="realtime_start is later than realtime_end",
    )


def intervals_disjoint() -> pa.Check:
    """Point in time: an observation has one value on any real-time day."""
    nxt = pl.col("realtime_start").shift(-1).over("series_id", "date", order_by="realtime_start")
    return pa.Check(
        lambda data: data.lazyframe.select((pl.col("realtime_end") < nxt).fill_null(True)),
        name="realtime_end: overlaps the next vintage",
        error="two vintages of one observation overlap in real time",
    )


def range_ordered() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(
            (pl.col("target_low") <= pl.col("target_high")).fill_null(True)
        ),
        name="target_low: above target_high",
        error="target_low is above target_high",
    )


MACRO_OBSERVATIONS_SCHEMA = contract_schema(
    MACRO_OBSERVATIONS,
    checks={
        "series_id": [pa.Check.str_matches(SERIES_ID.pattern, error="invalid series id")],
        "value": [is_finite()],
        "title": [pa.Check.str_length(min_value=1, error="empty title")],
    },
    nullable=["value", "units", "frequency", "title"],  # filled by the pipeline, not by parse
    unique=["series_id", "date", "realtime_start"],
    frame_checks=[interval_ordered(), intervals_disjoint()],
)

POLICY_EVENTS_SCHEMA = contract_schema(
    POLICY_EVENTS,
    checks={
        "event_id": [pa.Check.str_matches(r"^[0-9a-f]{32}$", error="not a 32-hex id")],
        "url": [pa.Check.str_matches(r"^https://", error="not an https URL")],
        "title": [pa.Check.str_length(min_value=1, error="empty title")],
        "action": [pa.Check.isin(ACTIONS, error="unknown action")],
        "target_low": [pa.Check.in_range(0.0, 25.0, error="implausible target")],
        "target_high": [pa.Check.in_range(0.0, 25.0, error="implausible target")],
        "change_bps": [pa.Check.in_range(-500, 500, error="implausible change")],
        "change_source": [pa.Check.isin(["stated", "derived"], error="unknown change source")],
    },
    nullable=[
        *["meeting_date", "target_low", "target_high", "change_bps", "change_source"],
        *["action", "dissents"],
        "category",
    ],  # the decision columns are for FOMC statements only
    unique=["event_id"],
    frame_checks=[range_ordered()],
)

FOMC_MEETINGS_SCHEMA = contract_schema(
    FOMC_MEETINGS, checks={}, nullable=["statement_at"], unique=["start_date"]
)
