import datetime as dt

import exchange_calendars as xcals
import pytest

from finlake.calendar import NY, nyse


def test_sessions_2000_to_2027_are_exactly_xnys():
    reference = xcals.get_calendar("XNYS", start="2000-01-01", end="2027-12-31")
    expected = [ts.date() for ts in reference.sessions]
    ours = nyse().sessions_between(dt.date(2000, 1, 1), dt.date(2027, 12, 31))
    assert ours == expected
    assert ours[0] == dt.date(2000, 1, 3)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2001, 9, 11),  # one-off closure
        dt.date(2012, 10, 29),  # Hurricane Sandy
        dt.date(2025, 1, 9),  # National Day of Mourning (Carter)
        dt.date(2026, 7, 3),  # Independence Day observed
        dt.date(2026, 11, 26),  # Thanksgiving
        dt.date(2026, 11, 21),  # Saturday
    ],
)
def test_closures_are_not_sessions(day):
    assert not nyse().is_session(day)


def test_early_closes_are_known():
    cal = nyse()
    assert cal.is_early_close(dt.date(2026, 11, 27))
    assert cal.session_close(dt.date(2026, 11, 27)).astimezone(NY).time() == dt.time(13, 0)
    assert not cal.is_early_close(dt.date(2026, 11, 25))
    assert cal.session_close(dt.date(2026, 11, 25)).astimezone(NY).time() == dt.time(16, 0)


def test_session_of_moves_after_close_and_weekend_to_next_session():
    cal = nyse()
    friday = dt.date(2026, 11, 20)
    assert cal.session_of(dt.datetime(2026, 11, 20, 15, 59, tzinfo=NY)) == friday
    assert cal.session_of(dt.datetime(2026, 11, 20, 16, 1, tzinfo=NY)) == dt.date(2026, 11, 23)
    assert cal.session_of(dt.datetime(2026, 11, 22, 12, tzinfo=NY)) == dt.date(2026, 11, 23)
    # early close: 13:30 on the day after Thanksgiving already belongs to Monday
    assert cal.session_of(dt.datetime(2026, 11, 27, 13, 30, tzinfo=NY)) == dt.date(2026, 11, 30)


def test_navigation_helpers():
    cal = nyse()
    assert cal.previous_session(dt.date(2026, 11, 23)) == dt.date(2026, 11, 20)
    assert cal.next_session(dt.date(2026, 11, 25)) == dt.date(2026, 11, 27)
    assert cal.sessions_back(dt.date(2026, 11, 22), 2) == [
        dt.date(2026, 11, 19),
        dt.date(2026, 11, 20),
    ]
    assert cal.last_closed_session(dt.datetime(2026, 11, 20, 15, tzinfo=NY)) == dt.date(
        2026, 11, 19
    )
    assert cal.last_closed_session(dt.datetime(2026, 11, 20, 16, tzinfo=NY)) == dt.date(
        2026, 11, 20
    )
    with pytest.raises(ValueError, match="not an NYSE session"):
        cal.session_close(dt.date(2026, 11, 26))
