"""Folding the Fed's statements into policy_events: sizes derived from the previous decision,
undated pages, and one spelling per statement page."""

from __future__ import annotations

import datetime as dt

import polars as pl

from finlake.datasets import POLICY_EVENTS
from finlake.pipelines.policy import _derive_changes, _same_page, event_id, fold_events

NOW = dt.datetime(2027, 4, 1, tzinfo=dt.UTC)


def statement(day: dt.date, low: float, high: float, change: int | None, source: str | None):
    url = f"https://www.federalreserve.gov/newsevents/pressreleases/monetary{day:%Y%m%d}a.htm"
    return {
        "event_id": event_id(url),
        "published_at": dt.datetime.combine(day, dt.time(19), tzinfo=dt.UTC),
        "title": "Federal Reserve issues FOMC statement",
        "url": url,
        "category": "Monetary Policy",
        "feeds": ["fed_press_monetary"],
        "is_fomc_statement": True,
        "meeting_date": day,
        "target_low": low,
        "target_high": high,
        "change_bps": change,
        "change_source": source,
        "action": None,
        "dissents": [],
        "fetched_at": NOW,
    }


def test_a_derived_size_is_derived_again_when_an_earlier_decision_arrives():
    march = statement(dt.date(2027, 3, 17), 4.00, 4.25, 50, "derived")  # stale: from an older range
    january = statement(dt.date(2027, 1, 27), 4.25, 4.50, None, None)
    events = pl.DataFrame([march, january], schema=POLICY_EVENTS.schema)
    out = _derive_changes(events).filter(pl.col("meeting_date") == dt.date(2027, 3, 17))
    assert out.select("change_bps", "change_source").row(0) == (-25, "derived")


def test_a_stated_size_is_never_replaced():
    stated = statement(dt.date(2027, 3, 17), 4.00, 4.25, -25, "stated")
    january = statement(dt.date(2027, 1, 27), 3.00, 3.25, None, None)
    events = pl.DataFrame([stated, january], schema=POLICY_EVENTS.schema)
    out = _derive_changes(events).filter(pl.col("meeting_date") == dt.date(2027, 3, 17))
    assert out.select("change_bps", "change_source").row(0) == (-25, "stated")


def test_an_undated_statement_page_no_feed_listed_is_left_out_instead_of_failing():
    page = {
        "event_id": event_id("https://www.federalreserve.gov/x.htm"),
        "url": "https://www.federalreserve.gov/x.htm",
        "page_day": None,
        "page_title": None,
        "fetched_at": NOW,
        **{c: None for c in ("target_low", "target_high", "change_bps", "action")},
        "change_source": None,
        "dissents": [],
    }
    decided = pl.DataFrame(
        [page],
        schema={
            "event_id": pl.String,
            "url": pl.String,
            "page_day": pl.Date,
            "page_title": pl.String,
            "fetched_at": POLICY_EVENTS.schema["fetched_at"],
            "target_low": pl.Float64,
            "target_high": pl.Float64,
            "change_bps": pl.Int64,
            "action": pl.String,
            "change_source": pl.String,
            "dissents": pl.List(pl.String),
        },
    )
    stored, added = fold_events(POLICY_EVENTS.empty(), POLICY_EVENTS.empty(), decided)
    assert stored.is_empty() and added == set()


def test_a_feed_link_and_the_stored_page_compare_as_one_page():
    stored = "https://federalreserve.gov/newsevents/pressreleases/monetary20270317a.htm"
    listed = "http://www.federalreserve.gov/newsevents/pressreleases/monetary20270317a.htm"
    assert _same_page(listed) == _same_page(stored) and event_id(listed) == event_id(stored)
