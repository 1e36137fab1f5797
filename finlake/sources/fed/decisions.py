"""The real history of FOMC decisions on the federal funds target, shipped in fomc_decisions.csv.

Modern statements give only the new range ("decided to raise the target range ... to 1-1/2 to
1-3/4 percent"), so the size of a move is the difference from the previous decision. Shipping
the record lets a statement page parsed on its own know that previous target by its date. A
move is measured on the upper bound, as the Fed's own table of changes does; for 2008-12-16
(a 1 percent target replaced by a 0 to 1/4 percent range) that is -75 bp.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from finlake.sources.fed.statements import Decision

DEFAULT_DECISIONS = Path(__file__).with_name("fomc_decisions.csv")
_COLUMNS = ["date", "target_low", "target_high"]


class DecisionHistoryError(ValueError):
    """The decision history file is unreadable or inconsistent."""


@dataclass(frozen=True)
class TargetDecision:
    day: dt.date  # the meeting's decision day
    target_low: float  # percent; equal to target_high for a single target (before 2008-12-16)
    target_high: float


@cache
def load_decisions(path: Path | None = None) -> tuple[TargetDecision, ...]:
    """Every decision in the history at `path` (default fomc_decisions.csv), by day."""
    source = path or DEFAULT_DECISIONS
    try:
        lines = [line for line in source.read_text().splitlines() if not line.startswith("#")]
    except OSError as exc:
        raise DecisionHistoryError(f"cannot read the FOMC decisions {source}: {exc}") from None
    reader = csv.reader(lines)
    if next(reader, None) != _COLUMNS:
        raise DecisionHistoryError(f"{source}: the header must be {','.join(_COLUMNS)}")
    out: list[TargetDecision] = []
    for n, row in enumerate(reader, 2):
        try:
            day, low, high = row
            decision = TargetDecision(dt.date.fromisoformat(day), float(low), float(high))
        except ValueError:
            raise DecisionHistoryError(f"{source}: line {n} is not date,low,high: {row}") from None
        if not 0 <= decision.target_low <= decision.target_high <= 25:
            raise DecisionHistoryError(f"{source}: line {n} has an implausible target: {row}")
        if out and decision.day <= out[-1].day:
            raise DecisionHistoryError(f"{source}: line {n} is not after {out[-1].day}")
        out.append(decision)
    if not out:
        raise DecisionHistoryError(f"{source}: no decisions")
    return tuple(out)


def previous_target(
    day: dt.date, history: Sequence[TargetDecision] | None = None
) -> TargetDecision | None:
    """The last decision before `day` (None before the history starts)."""
    decisions = load_decisions() if history is None else history
    at = bisect.bisect_left([d.day for d in decisions], day)
    return decisions[at - 1] if at else None


def with_history(
    decision: Decision, day: dt.date | None, history: Sequence[TargetDecision] | None = None
) -> Decision:
    """The decision with what its text leaves unsaid filled from the previous target: the size
    of the move (change_source "derived") and, for "establish a target range", the action."""
    if decision.change_bps is not None or decision.target_high is None or day is None:
        return decision
    previous = previous_target(day, history)
    if previous is None:
        return decision
    change = round((decision.target_high - previous.target_high) * 100)
    implied = "hike" if change > 0 else "cut" if change < 0 else "hold"
    if decision.action not in (None, implied):  # the text contradicts the record: say nothing
        return decision
    return replace(decision, change_bps=change, action=implied, change_source="derived")


def merged_history(
    stated: Iterable[tuple[dt.date, float, float]],
    history: Sequence[TargetDecision] | None = None,
) -> tuple[TargetDecision, ...]:
    """The shipped history with decisions read from pages (which win on the same day), so that
    a decision after the shipped record still finds its predecessor."""
    by_day = {d.day: d for d in (load_decisions() if history is None else history)}
    for day, low, high in stated:
        by_day[day] = TargetDecision(day, low, high)
    return tuple(by_day[d] for d in sorted(by_day))
