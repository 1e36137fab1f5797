"""The shipped record of FOMC decisions: in step with the meeting calendar, and well formed."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from finlake.sources.fed.decisions import (
    DecisionHistoryError,
    load_decisions,
    merged_history,
    previous_target,
)
from finlake.sources.fed.meetings import load_meetings

HISTORY = load_decisions()


def test_one_decision_per_meeting_that_took_place():
    meetings = [m for m in load_meetings() if not m.cancelled and m.end <= HISTORY[-1].day]
    assert [d.day for d in HISTORY[1:]] == [m.end for m in meetings]
    assert HISTORY[0] == type(HISTORY[0])(dt.date(2007, 12, 11), 4.25, 4.25)  # the base
    for m in meetings:  # an intermeeting action is listed only because it moved the target
        if m.unscheduled:
            assert previous_target(m.end).target_high != _on(m.end).target_high, m.end


def test_single_targets_then_quarter_point_ranges():
    for d in HISTORY:
        if d.day < dt.date(2008, 12, 16):
            assert d.target_low == d.target_high
        else:
            assert d.target_high - d.target_low == 0.25, d.day
    moves = [round((b.target_high - a.target_high) * 100) for a, b in itertools.pairwise(HISTORY)]
    assert all(m % 25 == 0 and abs(m) <= 100 for m in moves)
    # the record's known landmarks
    assert _on(dt.date(2020, 3, 15)).target_high == 0.25
    assert _on(dt.date(2023, 7, 26)).target_high == 5.5
    assert sum(m for m in moves[-20:] if m < 0) == -175  # 2024-2025: 100 + 75 bp of cuts


def test_a_decision_after_the_record_finds_its_predecessor_among_stored_pages():
    later = dt.date(2026, 3, 18)
    assert previous_target(later).day == HISTORY[-1].day
    merged = merged_history([(later, 3.25, 3.5)])
    assert previous_target(dt.date(2026, 4, 29), merged).target_high == 3.5


def test_a_broken_history_file_is_named(tmp_path):
    bad = tmp_path / "fomc_decisions.csv"
    bad.write_text("date,target_low,target_high\n2020-01-01,1,x\n")
    with pytest.raises(DecisionHistoryError, match="line 2"):
        load_decisions(bad)
    bad.write_text("date,target_low,target_high\n2020-01-02,1,1.25\n2020-01-01,1,1.25\n")
    with pytest.raises(DecisionHistoryError, match="not after"):
        load_decisions(bad)


def _on(day: dt.date):
    return next(d for d in HISTORY if d.day == day)
