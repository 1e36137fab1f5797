"""A kill -9 anywhere inside one multi-partition Delta commit leaves the previous version whole.

A child process restates every bar of a 48-month table in one merge (one commit over every
month partition). The test watches the table's directory and kills the child with SIGKILL at
points of delta-rs's own write: when its first data file lands, when half of them have, when all
have, and once the commit file is there. Each time the table must read as exactly the version
before (every close 1.0) or the version after (every close 2.0), never a mix; the files a killed
writer left are not read; and a rerun restates the table completely.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake
from finlake_tests.integration.faults import delta_writer as child

ROWS = child.bars(1.0).height


def data_files(table: Path) -> set[Path]:
    return set(table.glob("month=*/*.parquet"))


def commits(table: Path) -> set[Path]:
    return set((table / "_delta_log").glob("*.json"))


POINTS = {  # point -> (reached, given the new data files and whether a new commit exists)
    "first-data-file": lambda new, committed: len(new) >= 1,
    "half-the-data-files": lambda new, committed: len(new) >= child.MONTHS // 2,
    "all-data-files": lambda new, committed: len(new) >= child.MONTHS,
    "commit-file": lambda new, committed: committed,
}


def closes(lake: Lake) -> pl.DataFrame:
    return lake.scan(PRICES_DAILY).group_by("close").len().collect()


@pytest.mark.parametrize("point", list(POINTS))
def test_kill_inside_a_multi_partition_commit(tmp_path: Path, point: str):
    root = tmp_path / "lake"
    child.restate(root, 1.0)
    lake = Lake(root)
    table = Path(lake.dataset_dir(PRICES_DAILY))
    before_files, before_commits = data_files(table), commits(table)
    assert len(before_files) == child.MONTHS

    proc = subprocess.Popen(
        [sys.executable, "-m", child.__name__, str(root), "2.0"],
        env=os.environ.copy(),
        stderr=subprocess.PIPE,
    )
    reached = POINTS[point]
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if reached(data_files(table) - before_files, commits(table) != before_commits):
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    proc.wait(timeout=30)
    killed = proc.returncode == -signal.SIGKILL
    if point != "all-data-files":  # the window between the last file and the commit is short
        assert killed, f"the writer finished before {point}: {proc.stderr.read().decode()[-500:]}"

    # the table is one whole version: all closes 1.0 (before) or all 2.0 (after), every row
    state = closes(Lake(root))
    assert state.height == 1 and state["len"][0] == ROWS, state
    version = lake.version(PRICES_DAILY)
    assert (version, state["close"][0]) in {(1, 1.0), (2, 2.0)}  # 0: the table's creation
    if point in ("first-data-file", "half-the-data-files"):
        assert version == 1
        assert data_files(table) - before_files  # the dead writer's files, named by no commit
    if point == "commit-file":
        assert version == 2

    # the next run finishes the work: every bar restated, the dead writer's files never read
    child.restate(root, 2.0)
    state = closes(Lake(root))
    assert state.rows() == [(2.0, ROWS)]
    assert {str(p) for p in Lake(root).files(PRICES_DAILY)} <= {str(p) for p in data_files(table)}
    assert len(Lake(root).files(PRICES_DAILY)) == child.MONTHS
