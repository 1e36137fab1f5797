"""Item 4: a run killed with kill -9 is closed and its slots freed, so the next run proceeds.

Each case starts a real prices run in its own process, kills it with SIGKILL at one point, and
checks what a user meets: `finlake recover` leaving the live run alone, the dead run still STARTED
and holding its pool slot (the wedge), then `finlake recover` failing it and freeing the slot,
then the next run finishing with the same lake as a run nobody killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from click.testing import CliRunner

from finlake.cli import main as cli
from finlake.datasets import PRICES_DAILY
from finlake.definitions import build_defs
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.lake import Lake
from finlake.settings import Settings
from finlake_tests.integration.faults import run_until_killed as child

# columns that say when or by which run a row was written, not what it holds
RUN_COLUMNS = {"run_id", "ingested_at", "fetched_at", "updated_at", "computed_at"}
COMPARED = ["prices_daily", "corporate_actions", "prices_adjusted", "indicators_daily"]


def run_prices(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    home = os.environ["FINLAKE_HOME"]
    defs = build_defs(FinlakeResource(home=home, source="sample", sample_as_of=child.AS_OF))
    return defs.resolve_job_def("prices_daily_job").execute_in_process(
        instance=instance, partition_key=child.SESSION
    )


def contents(home: Path) -> dict[str, pl.DataFrame]:
    from finlake.datasets import DATASETS

    lake = Lake(home / "lake")
    frames = {}
    for name in COMPARED:
        df = lake.scan(DATASETS[name]).collect()
        keep = [c for c in df.columns if c not in RUN_COLUMNS]
        frames[name] = df.select(keep).sort(keep[:2])
    return frames


@pytest.fixture(scope="module")
def clean_lake(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """The lake after the same run in a home where nothing was killed."""
    home = tmp_path_factory.mktemp("clean") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FINLAKE_HOME", str(home))
        mp.setenv("FINLAKE_SOURCE", "sample")
        mp.delenv("FINLAKE_UNIVERSE", raising=False)
        mp.delenv("FINLAKE_UNIVERSE_FILE", raising=False)
        assert run_prices(instance_for(Settings.from_env())).success
        return contents(home)


def start_child(point: str, signal_file: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", child.__name__, point, str(signal_file)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(what, proc: subprocess.Popen, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = proc.stderr.read().decode()[-3000:]
            pytest.fail(f"the run ended before it was killed: {log}")
        if found := what():
            return found
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the run never reached the point to kill it at")


def the_run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs(limit=1)
    if runs and runs[0].status == dg.DagsterRunStatus.STARTED:
        return runs[0]
    return None


def slots_held(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    storage = instance.event_log_storage
    held = {}
    for pool in storage.get_concurrency_keys():
        claimed = storage.get_concurrency_info(pool).claimed_slots
        if n := sum(slot.run_id == run_id for slot in claimed):
            held[pool] = n
    return held


def temps(home: Path) -> list[Path]:
    return list((home / "lake").rglob(".*.tmp"))


def unreferenced(home: Path) -> list[Path]:
    """Data files in prices_daily's table that its newest version does not name (what a
    writer killed before its commit leaves; readers never see them, vacuum removes them)."""
    lake = Lake(home / "lake")
    named = {Path(f) for f in lake.snapshot(PRICES_DAILY)["file"]}
    return [
        p for p in Path(lake.dataset_dir(PRICES_DAILY)).rglob("part-*.parquet") if p not in named
    ]


@pytest.mark.parametrize(
    ("point", "pool"),
    [("start", None), ("bronze", "yahoo"), ("silver", None), ("catalog", "duckdb")],
)
def test_killed_run_is_closed_its_slots_freed_and_the_next_run_lands(
    home, tmp_path, clean_lake, point, pool
):
    instance = instance_for(Settings.from_env(home=home))
    signal_file = tmp_path / "paused"
    proc = start_child(point, signal_file)
    if point == "start":
        from finlake.runs import run_process

        wait_for(lambda: (run := the_run(instance)) and run_process(instance, run.run_id), proc)
    else:
        wait_for(signal_file.exists, proc)
    run = instance.get_runs(limit=1)[0]
    alive = CliRunner().invoke(cli, ["recover", "--home", str(home)])
    assert "0 dead run(s) closed" in alive.output, alive.output  # a live run is left alone
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    # the wedge: the dead run stays STARTED and keeps the pool slot its step claimed
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
    if pool:
        assert slots_held(instance, run.run_id) == {pool: 1}
    if point == "bronze":
        assert temps(home), "the kill left no staged file: the case did not kill mid-write"
    if point == "silver":
        assert unreferenced(home), "the kill left no data file: the case did not kill mid-write"

    result = CliRunner().invoke(cli, ["recover", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert f"run {run.run_id[:8]} prices_daily_job: FAILURE" in result.output
    assert f"(pid {proc.pid}) is gone" in result.output
    closed = instance.get_run_by_id(run.run_id)
    assert closed.status == dg.DagsterRunStatus.FAILURE
    assert slots_held(instance, run.run_id) == {}

    # nothing left to do on a second pass, and the next run lands what a clean run lands
    again = CliRunner().invoke(cli, ["recover", "--home", str(home)])
    assert "0 dead run(s) closed" in again.output
    assert run_prices(instance).success
    assert temps(home) == []
    after = contents(home)
    for name, expected in clean_lake.items():
        assert after[name].equals(expected), name
