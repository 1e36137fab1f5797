"""Two writer processes merging into the same partitions of one table at once both land.

Each writer adds its own ticker's bars to the same month partition of prices_daily, round after
round. Without the file lock the writers race on every commit: delta-rs refuses a commit made on
a version another writer has since replaced the partition of, and the lake redoes that write on
the newer version, so no round of either writer is lost. With the lock they take turns.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake
from finlake_tests.integration.faults import concurrent_writer as child

ROUNDS = 30
TICKERS = ("AAA", "BBB")


def race(root: Path, locks: bool) -> list[int]:
    start = time.time() + 3.0  # both processes imported and waiting by then
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                child.__name__,
                str(root),
                ticker,
                str(ROUNDS),
                "1" if locks else "0",
                str(start),
            ],
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ticker in TICKERS
    ]
    redone = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        redone.append(int(out.strip().splitlines()[-1]))
    return redone


@pytest.mark.parametrize("locks", [False, True], ids=["commit-protocol-only", "file-lock"])
def test_two_writers_on_one_partition_lose_no_row(tmp_path: Path, locks: bool):
    root = tmp_path / "lake"
    redone = race(root, locks)
    lake = Lake(root)
    rows = lake.scan(PRICES_DAILY).collect()
    for ticker in TICKERS:
        mine = rows.filter(pl.col("ticker") == ticker).sort("date")
        assert mine.get_column("close").to_list() == [float(i) for i in range(ROUNDS)], ticker
    assert rows.height == ROUNDS * len(TICKERS)
    history = lake.history(PRICES_DAILY).filter(pl.col("write") == "merge")
    assert history.height == ROUNDS * len(TICKERS)  # one commit per write, none lost or doubled
    assert sorted(set(history["run_id"])) == [f"writer-{t}" for t in TICKERS]
    if locks:
        assert redone == [0, 0]  # they took turns
    else:
        assert sum(redone) > 0  # they raced, and the losers redid their writes
