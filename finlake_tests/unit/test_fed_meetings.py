"""The hand-kept FOMC calendar: real dates, the 2020 emergency, statement times, validation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from finlake.sources.fed.meetings import FomcMeeting, MeetingCalendarError, load_meetings

UTC = dt.UTC


@pytest.fixture(scope="module")
def meetings() -> tuple[FomcMeeting, ...]:
    return load_meetings()


def by_end(meetings: tuple[FomcMeeting, ...], day: str) -> FomcMeeting:
    return next(m for m in meetings if m.end == dt.date.fromisoformat(day))


def test_the_calendar_is_sorted_and_has_eight_scheduled_meetings_every_year(meetings):
    assert list(meetings) == sorted(meetings, key=lambda m: m.end)
    scheduled = Counter(m.year for m in meetings if not m.unscheduled)
    assert scheduled == {year: 8 for year in range(2008, 2027)}
    assert all(m.year == m.start.year == m.end.year for m in meetings)
    assert all(dt.timedelta(0) <= m.end - m.start <= dt.timedelta(days=1) for m in meetings)


def test_known_meetings(meetings):
    december = by_end(meetings, "2024-12-18")
    assert (december.start, december.projections, december.unscheduled) == (
        dt.date(2024, 12, 17), True, False,
    )  # fmt: skip
    july = by_end(meetings, "2025-07-30")
    assert (july.start, july.projections) == (dt.date(2025, 7, 29), False)
    assert by_end(meetings, "2008-12-16").start == dt.date(2008, 12, 15)  # moved from one day
    assert by_end(meetings, "2008-03-18").start == dt.date(2008, 3, 18)  # a one-day meeting
    assert by_end(meetings, "2018-01-31").start == dt.date(2018, 1, 30)
    assert by_end(meetings, "2024-11-07").start == dt.date(2024, 11, 6)  # after election day


def test_2020_march_emergency_and_the_cancelled_meeting(meetings):
    march = [m for m in meetings if m.end.year == 2020 and m.end.month == 3]
    assert [(m.start.day, m.end.day, m.unscheduled, m.cancelled) for m in march] == [
        (2, 3, True, False), (15, 15, True, False), (17, 18, False, True),
    ]  # fmt: skip
    first, sunday, cancelled = march
    assert first.statement_at.astimezone(UTC) == dt.datetime(2020, 3, 3, 15, 0, tzinfo=UTC)
    assert sunday.statement_at.astimezone(UTC) == dt.datetime(2020, 3, 15, 21, 0, tzinfo=UTC)
    assert cancelled.statement_at is None and not cancelled.projections
    early = by_end(meetings, "2008-01-22")
    assert early.unscheduled and early.statement_at.hour == 8 and early.statement_at.minute == 30


def test_statements_are_at_two_pm_eastern_since_march_2013(meetings):
    recent = [m for m in meetings if m.end >= dt.date(2013, 3, 20) and not m.unscheduled]
    assert all(m.statement_at.time() == dt.time(14, 0) for m in recent if not m.cancelled)
    assert all(m.statement_at.tzinfo is not None for m in recent if not m.cancelled)
    winter, summer = by_end(meetings, "2024-12-18"), by_end(meetings, "2025-07-30")
    assert winter.statement_at.astimezone(UTC) == dt.datetime(2024, 12, 18, 19, tzinfo=UTC)
    assert summer.statement_at.astimezone(UTC) == dt.datetime(2025, 7, 30, 18, tzinfo=UTC)
    assert by_end(meetings, "2010-08-10").statement_at.time() == dt.time(14, 15)
    assert by_end(meetings, "2012-12-12").statement_at.time() == dt.time(12, 30)  # press conf.


def test_projections_come_with_the_last_meeting_of_each_quarter_since_2013(meetings):
    for m in meetings:
        if m.end.year >= 2013 and not m.unscheduled and not m.cancelled:
            assert m.projections == (m.end.month in (3, 6, 9, 12)), m
    assert [m.end.month for m in meetings if m.year == 2008 and m.projections] == [1, 4, 6, 10]


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "meetings.toml"
    path.write_text(body)
    return path


def test_a_small_calendar_loads_sorted(tmp_path):
    path = write(
        tmp_path,
        "[2030]\nmeetings = [\n"
        '  { start = 2030-03-19, end = 2030-03-20, projections = true, released = "14:30" },\n'
        "  { start = 2030-01-29, end = 2030-01-29, unscheduled = true },\n]\n",
    )
    first, second = load_meetings(path)
    assert (first.end, first.unscheduled, first.statement_at.time()) == (
        dt.date(2030, 1, 29), True, dt.time(14, 0),
    )  # fmt: skip
    assert (second.projections, second.statement_at.time()) == (True, dt.time(14, 30))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{ start = 2030-01-30, end = 2030-01-29 }", "ends 2030-01-29 before it starts"),
        ("{ start = 2030-01-27, end = 2030-01-29 }", "longer than two days"),
        ("{ start = 2031-01-28, end = 2031-01-29 }", "is not in 2030"),
        ("{ start = 2030-01-28, end = 2030-01-29, extra = 1 }", "unknown keys"),
        ('{ start = 2030-01-28, end = 2030-01-29, released = "2pm" }', "must be HH:MM"),
        ("{ start = 2030-01-28T10:00:00, end = 2030-01-29 }", "`start` must be a date"),
        ("{ start = 2030-01-28, end = 2030-01-29, cancelled = 1 }", "must be true or false"),
        (
            "{ start = 2030-01-28, end = 2030-01-29, cancelled = true, unscheduled = true }",
            "only a scheduled meeting can be cancelled",
        ),
    ],
)
def test_an_inconsistent_meeting_is_refused(tmp_path, entry, message):
    path = write(tmp_path, f"[2030]\nmeetings = [ {entry} ]\n")
    with pytest.raises(MeetingCalendarError, match=message):
        load_meetings(path)


def test_a_broken_calendar_file_is_refused(tmp_path):
    with pytest.raises(MeetingCalendarError, match="cannot read"):
        load_meetings(tmp_path / "missing.toml")
    with pytest.raises(MeetingCalendarError, match="is not a year"):
        load_meetings(write(tmp_path, "[next]\nmeetings = []\n"))
    with pytest.raises(MeetingCalendarError, match="non-empty `meetings`"):
        load_meetings(write(tmp_path, "[2030]\nmeetings = []\n"))
    twice = "{ start = 2030-01-29, end = 2030-01-29 }"
    with pytest.raises(MeetingCalendarError, match="two meetings end on 2030-01-29"):
        load_meetings(write(tmp_path, f"[2030]\nmeetings = [{twice}, {twice}]\n"))
