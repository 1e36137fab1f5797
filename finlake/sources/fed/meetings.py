"""The FOMC's real meeting calendar, kept by hand in fomc_meetings.toml.

The RSS feeds only say that a statement came out; knowing when each decision was due (and which
meetings were unscheduled or cancelled) needs the calendar itself. It is hand-maintained from the
Fed's own calendar pages because third-party date lists proved wrong; see the file's header for
the sources, year by year.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from finlake.calendar import NY

DEFAULT_MEETINGS = Path(__file__).with_name("fomc_meetings.toml")
STATEMENT_TIME = dt.time(14, 0)  # ET, the Fed's release time since March 2013
_FLAGS = ("projections", "unscheduled", "cancelled")
_KEYS = {"start", "end", "released", *_FLAGS}


class MeetingCalendarError(ValueError):
    """The meeting calendar file is unreadable or inconsistent."""


@dataclass(frozen=True)
class FomcMeeting:
    year: int
    start: dt.date
    end: dt.date  # the decision day: the statement comes out on it
    projections: bool  # a Summary of Economic Projections was compiled for this meeting
    unscheduled: bool
    cancelled: bool
    released: dt.time = STATEMENT_TIME  # ET clock time of the statement

    @property
    def statement_at(self) -> dt.datetime | None:
        """When the statement came out (aware, ET); None for a cancelled meeting, which had none.

        Scheduled meetings: 14:00 since March 2013, about 14:15 (12:30 with a press conference)
        before; unscheduled actions carry their announced time (08:30, 07:00, 10:00, 17:00).
        """
        if self.cancelled:
            return None
        return dt.datetime.combine(self.end, self.released, tzinfo=NY)


def load_meetings(path: Path | None = None) -> tuple[FomcMeeting, ...]:
    """Every meeting in the calendar at `path` (default fomc_meetings.toml), by decision day."""
    source = path or DEFAULT_MEETINGS
    try:
        doc = tomllib.loads(source.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MeetingCalendarError(f"cannot read the FOMC calendar {source}: {exc}") from None
    meetings = [m for key, table in doc.items() for m in _year(source, key, table)]
    meetings.sort(key=lambda m: (m.end, m.start))
    for before, after in itertools.pairwise(meetings):
        if before.end == after.end:
            raise MeetingCalendarError(f"{source}: two meetings end on {after.end}")
    return tuple(meetings)


def _year(source: Path, key: str, table: object) -> list[FomcMeeting]:
    if not re.fullmatch(r"\d{4}", key):
        raise MeetingCalendarError(f"{source}: [{key}] is not a year")
    entries = table.get("meetings") if isinstance(table, dict) else None
    if not isinstance(entries, list) or not entries:
        raise MeetingCalendarError(f"{source}: [{key}] needs a non-empty `meetings` list")
    return [_meeting(f"{source}: {key} meeting {n}", int(key), e) for n, e in enumerate(entries, 1)]


def _meeting(where: str, year: int, entry: object) -> FomcMeeting:
    if not isinstance(entry, dict):
        raise MeetingCalendarError(f"{where}: expected a table, got {entry!r}")
    if unknown := set(entry) - _KEYS:
        raise MeetingCalendarError(f"{where}: unknown keys {sorted(unknown)}")
    start, end = entry.get("start"), entry.get("end")
    for name, day in (("start", start), ("end", end)):
        if type(day) is not dt.date:  # a datetime is a date too, but not a day
            raise MeetingCalendarError(f"{where}: `{name}` must be a date, got {day!r}")
    if end < start:
        raise MeetingCalendarError(f"{where}: ends {end} before it starts {start}")
    if end - start > dt.timedelta(days=1):
        raise MeetingCalendarError(f"{where}: {start} to {end} is longer than two days")
    if not start.year == end.year == year:
        raise MeetingCalendarError(f"{where}: {start} to {end} is not in {year}")
    flags = {name: entry.get(name, False) for name in _FLAGS}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise MeetingCalendarError(f"{where}: {', '.join(_FLAGS)} must be true or false")
    if flags["unscheduled"] and flags["cancelled"]:
        raise MeetingCalendarError(f"{where}: only a scheduled meeting can be cancelled")
    released = entry.get("released", f"{STATEMENT_TIME:%H:%M}")
    if not isinstance(released, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", released):
        raise MeetingCalendarError(f"{where}: `released` must be HH:MM (ET), got {released!r}")
    return FomcMeeting(year, start, end, **flags, released=dt.time.fromisoformat(released))
