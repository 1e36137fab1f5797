"""The sample worlds' FOMC: every meeting with its decision, shared by the Fed world (statement
pages, press feeds) and the FRED world (the effective funds rate follows the target).

Through the last decision of finlake's shipped record (fomc_decisions.csv) the meetings and
decisions are the real ones, intermeeting moves at their real release times and no statement
for a cancelled meeting; after it the decisions are drawn (mostly holds, a quarter point either
way otherwise) on the real calendar where it is known, else on the Fed's usual rhythm.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache

from finlake.calendar import NY
from finlake.sources.fed.decisions import load_decisions
from finlake.sources.fed.meetings import FomcMeeting, load_meetings
from finlake_sample.util import nth_weekday, weekday_on_or_after


def _rng(*parts: object) -> random.Random:
    """The news world's seeding (its draws are unchanged by the move)."""
    return random.Random(zlib.crc32("|".join(("finlake-news", *map(str, parts))).encode()))


def _et(day: dt.date, seconds: float) -> dt.datetime:
    s = int(seconds)
    local = dt.datetime(day.year, day.month, day.day, s // 3600, s // 60 % 60, s % 60, tzinfo=NY)
    return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class Meeting:
    day: dt.date  # the decision day: the statement comes out on it
    at: dt.datetime  # the statement's release (ET)
    change: int  # basis points, on the upper bound
    low: float  # the target after the decision (low == high: a single target, before 2008-12-16)
    high: float
    projections: bool
    first: dt.date  # first day (the same day for a one-day meeting)
    unscheduled: bool = False  # an intermeeting action: no projections, no minutes of its own
    real: bool = True  # the decision is the real record; False: drawn after the shipped history

    @property
    def minutes(self) -> dt.date:
        return self.day + dt.timedelta(days=21)

    @property
    def range_text(self) -> str:
        return range_text(self.low, self.high)


def range_text(low: float, high: float) -> str:
    if low == high:
        return f"{fraction(high)} percent"
    return f"{fraction(low)} to {fraction(high)} percent"


def fraction(x: float) -> str:
    whole, part = int(x), round((x - int(x)) * 4)
    frac = ("", "1/4", "1/2", "3/4")[part]
    if not whole:
        return frac or "0"
    return f"{whole}-{frac}" if frac else str(whole)


FOMC_FROM = 2008  # the first year of the shipped decision history (fomc_decisions.csv)


@cache
def _real_calendar() -> dict[int, dict[dt.date, FomcMeeting]]:
    """The real meetings that took place (scheduled and unscheduled), by year and decision day."""
    out: dict[int, dict[dt.date, FomcMeeting]] = {}
    for m in load_meetings():
        if not m.cancelled:
            out.setdefault(m.year, {})[m.end] = m
    return out


def _meeting_days(year: int) -> list[tuple[dt.date, dt.date, dt.datetime, bool, bool]]:
    """(first day, decision day, release, projections, unscheduled) of the year's meetings: the
    real calendar where it covers the year, else eight meetings on the Fed's usual rhythm."""
    if year in _real_calendar():
        return [
            (m.start, m.end, m.statement_at, m.projections, m.unscheduled)
            for _, m in sorted(_real_calendar()[year].items())
        ]
    wed = 2
    days = [
        nth_weekday(year, 1, -1, wed),
        nth_weekday(year, 3, 3, wed),
        weekday_on_or_after(dt.date(year, 4, 25), wed),
        nth_weekday(year, 6, 3, wed),
        nth_weekday(year, 7, -1, wed),
        nth_weekday(year, 9, 3, wed),
        weekday_on_or_after(dt.date(year, 10, 28), wed),
        weekday_on_or_after(dt.date(year, 12, 9), wed),
    ]
    return [
        (d - dt.timedelta(days=1), d, _et(d, 14 * 3600), n in (1, 3, 5, 7), False)
        for n, d in enumerate(days)
    ]


@lru_cache(maxsize=64)
def meetings(year: int) -> tuple[Meeting, ...]:
    """The year's decisions: the real record through the last shipped decision, then drawn (a
    hold most of the time, a quarter point either way otherwise)."""
    if year < FOMC_FROM:
        return ()
    history = load_decisions()
    real = {d.day: d for d in history}
    before = meetings(year - 1)[-1] if year > FOMC_FROM else None
    low, high = (
        (before.low, before.high) if before else (history[0].target_low, history[0].target_high)
    )
    rng = _rng("fomc", year)
    out = []
    for first, day, at, projections, unscheduled in _meeting_days(year):
        if day <= history[-1].day:
            decided = real[day]  # a test keeps the history and the calendar in step
            change = round((decided.target_high - high) * 100)
            low, high, drawn = decided.target_low, decided.target_high, False
        else:
            change = max(rng.choice((0, 0, 0, 0, 0, 0, -25, 25)), -round(low * 100))
            low, high, drawn = round(low + change / 100, 2), round(high + change / 100, 2), True
        out.append(Meeting(day, at, change, low, high, projections, first, unscheduled, not drawn))
    return tuple(out)
