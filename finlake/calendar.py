"""The NYSE (XNYS) trading calendar: sessions, opens, closes and early closes.

exchange_calendars owns the holiday rules (including one-off closures such as 2001-09-11 or
2025-01-09); this module precomputes them once into plain sorted arrays so lookups are cheap and
the rest of finlake never touches pandas timestamps.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals

NY = ZoneInfo("America/New_York")
UTC = dt.UTC
FIRST_SESSION = dt.date(2000, 1, 3)
REGULAR_CLOSE = dt.time(16, 0)


@dataclass(frozen=True)
class NyseCalendar:
    """Sessions from 2000 to a horizon two years ahead, with their UTC open and close."""

    sessions: tuple[dt.date, ...]
    opens: tuple[dt.datetime, ...]
    closes: tuple[dt.datetime, ...]
    horizon: dt.date

    def index(self, day: dt.date) -> int | None:
        i = bisect.bisect_left(self.sessions, day)
        return i if i < len(self.sessions) and self.sessions[i] == day else None

    def _check_range(self, day: dt.date) -> None:
        if not FIRST_SESSION <= day <= self.horizon:
            raise ValueError(
                f"{day} is outside the NYSE calendar finlake knows "
                f"({FIRST_SESSION}..{self.horizon})"
            )

    def is_session(self, day: dt.date) -> bool:
        return self.index(day) is not None

    def session_close(self, day: dt.date) -> dt.datetime:
        """The session's close as an aware UTC datetime (13:00 ET on early-close days)."""
        i = self.index(day)
        if i is None:
            raise ValueError(f"{day} is not an NYSE session")
        return self.closes[i]

    def session_open(self, day: dt.date) -> dt.datetime:
        i = self.index(day)
        if i is None:
            raise ValueError(f"{day} is not an NYSE session")
        return self.opens[i]

    def is_early_close(self, day: dt.date) -> bool:
        return self.session_close(day).astimezone(NY).time() < REGULAR_CLOSE

    def sessions_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Sessions with start <= session <= end."""
        lo = bisect.bisect_left(self.sessions, start)
        hi = bisect.bisect_right(self.sessions, end)
        return list(self.sessions[lo:hi])

    def previous_session(self, day: dt.date) -> dt.date:
        """The last session strictly before `day`."""
        self._check_range(day)
        i = bisect.bisect_left(self.sessions, day) - 1
        if i < 0:
            raise ValueError(f"no NYSE session before {day}")
        return self.sessions[i]

    def next_session(self, day: dt.date) -> dt.date:
        """The first session strictly after `day`."""
        self._check_range(day)
        i = bisect.bisect_right(self.sessions, day)
        if i >= len(self.sessions):
            raise ValueError(f"no NYSE session after {day} within the calendar horizon")
        return self.sessions[i]

    def sessions_back(self, day: dt.date, count: int) -> list[dt.date]:
        """`count` sessions ending with `day` (or the last session before it)."""
        hi = bisect.bisect_right(self.sessions, day)
        return list(self.sessions[max(0, hi - count) : hi])

    def last_closed_session(self, now: dt.datetime) -> dt.date:
        """The most recent session whose close is at or before `now`."""
        i = bisect.bisect_right(self.closes, now.astimezone(UTC)) - 1
        if i < 0:
            raise ValueError(f"no NYSE session has closed by {now}")
        return self.sessions[i]

    def session_of(self, moment: dt.datetime) -> dt.date:
        """The session a timestamp belongs to: its own session if before that close, else the next.

        News published after the close (or on a weekend) counts toward the next session.
        """
        i = bisect.bisect_left(self.closes, moment.astimezone(UTC))
        if i >= len(self.sessions):
            raise ValueError(f"{moment} is past the calendar horizon {self.horizon}")
        return self.sessions[i]

    def closed_weekdays(self, end: dt.date | None = None) -> list[dt.date]:
        """Weekdays that are not sessions (holidays and one-off closures) up to `end`."""
        end = end or self.horizon
        days: list[dt.date] = []
        day = FIRST_SESSION
        sessions = set(self.sessions)
        while day <= end:
            if day.weekday() < 5 and day not in sessions:
                days.append(day)
            day += dt.timedelta(days=1)
        return days


@cache
def nyse() -> NyseCalendar:
    """The process-wide calendar; built once (about 0.2 s)."""
    horizon = dt.date(max(2027, dt.date.today().year + 2), 12, 31)
    cal = xcals.get_calendar("XNYS", start=FIRST_SESSION.isoformat(), end=horizon.isoformat())
    sessions = tuple(ts.date() for ts in cal.sessions)
    opens = tuple(ts.to_pydatetime() for ts in cal.opens)
    closes = tuple(ts.to_pydatetime() for ts in cal.closes)
    return NyseCalendar(sessions=sessions, opens=opens, closes=closes, horizon=horizon)


@dataclass(frozen=True)
class EdgarCalendar:
    """EDGAR business days: weekdays except federal holidays and full-day federal closures.

    Not the NYSE calendar: EDGAR is closed on Columbus and Veterans Day (NYSE open) and open on
    Good Friday (NYSE closed). EDGAR accepts filings 06:00-22:00 ET; one accepted after 17:30 ET
    gets the next business day's filing date, except ownership and beneficial-ownership forms
    (3, 4, 5, 144, SC 13D/G and amendments), which keep the same day until 22:00.
    """

    closed: frozenset[dt.date]
    horizon: dt.date

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def business_days_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days, day = [], start
        while day <= end:
            if self.is_business_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def previous_business_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self.is_business_day(day):
            day -= dt.timedelta(days=1)
        return day

    def next_business_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day

    def closed_weekdays(self, start: dt.date = FIRST_SESSION) -> list[dt.date]:
        """Weekdays EDGAR is closed, from `start` to the horizon (partition exclusions)."""
        return sorted(d for d in self.closed if d >= start and d.weekday() < 5)

    def filing_date(self, accepted: dt.datetime, form: str) -> dt.date:
        """The filing date EDGAR assigns to a submission accepted at `accepted`."""
        local = accepted.astimezone(NY)
        day = local.date()
        same_day_until = dt.time(22, 0) if _late_filer_form(form) else dt.time(17, 30)
        if not self.is_business_day(day) or local.time() >= same_day_until:
            return self.next_business_day(day)
        return day


LATE_FORMS = ("3", "4", "5", "144", "SC 13D", "SC 13G")
# Forms SEC staff put on EDGAR themselves; their filing date can fall on any day (an UPLOAD of
# staff correspondence dated a Saturday, for one), so the business-day rules do not apply.
SEC_STAFF_FORMS = frozenset({"UPLOAD", "LETTER", "SEC STAFF LETTER", "SEC STAFF ACTION"})
# Federal closures by executive order during which EDGAR still assigned filing dates, as seen in
# real filings: Apple's S-8 0000912057-01-544489 was filed 2001-12-24.
EDGAR_OPEN_DURING_CLOSURE = frozenset({dt.date(2001, 12, 24)})


def _late_filer_form(form: str) -> bool:
    """Ownership and beneficial-ownership forms, and Rule 462(b) registration statements (the
    MEF forms), which Reg S-T 232.13 deems filed the same day until 22:00 ET."""
    base = form.removesuffix("/A").strip()
    return base in LATE_FORMS or base.endswith("MEF")


@cache
def edgar() -> EdgarCalendar:
    """Federal holidays and full-day closures (holidays' 'government' category, without the
    half-day closings) from 1994, when EDGAR filing became mandatory, to the horizon."""
    import holidays

    horizon = dt.date(max(2027, dt.date.today().year + 2), 12, 31)
    years = range(1994, horizon.year + 1)
    closures = holidays.country_holidays("US", years=years, categories=("public", "government"))
    closed = (
        frozenset(d for d, name in closures.items() if "half-day" not in name)
        - EDGAR_OPEN_DURING_CLOSURE
    )
    return EdgarCalendar(closed=closed, horizon=horizon)


HOUR_FORMAT = "%Y-%m-%d-%H:%M"  # an hourly partition's key (news polls), in UTC


def hour_starts(keys: Sequence[str]) -> list[dt.datetime]:
    return [dt.datetime.strptime(k, HOUR_FORMAT).replace(tzinfo=dt.UTC) for k in keys]
