"""Calendar arithmetic shared by the sample worlds (news, SEC, FRED)."""

from __future__ import annotations

import datetime as dt


def month_start(year: int, month: int) -> dt.date:
    """The first of a month; months past 12 (or below 1) roll into the neighbouring years."""
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month, rolling months like month_start."""
    return month_start(year, month + 1) - dt.timedelta(days=1)


def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    """The first `weekday` (Monday = 0) on or after `day`."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> dt.date:
    """The nth (1-based; -1 = last) given weekday of a month."""
    if nth > 0:
        return weekday_on_or_after(dt.date(year, month, 1), weekday) + dt.timedelta(weeks=nth - 1)
    last = month_end(year, month)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
