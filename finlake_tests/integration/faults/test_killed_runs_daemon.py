"""Item 4 with the daemon: run monitoring fails a killed run worker and frees its pool slot.

A real `dagster-daemon` with finlake's dagster.yaml (only its polling made faster) dequeues a
run, the run launcher starts a real run worker, the worker is killed with SIGKILL while its op
holds the `duckdb` slot, and the daemon alone marks the run failed and hands the slot back, so
the next run that needs the slot finishes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from finlake.instance import PROJECT_ROOT
from finlake_tests.integration.faults import slot_holder

DAGSTER = Path(sys.executable).parent / "dagster"
DAEMON = Path(sys.executable).parent / "dagster-daemon"
TIMEOUT_S = 120


@pytest.fixture
def dagster_home(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """finlake's dagster.yaml, polling every second instead of every minute."""
    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    config["run_monitoring"].update(poll_interval_seconds=1, free_slots_after_run_end_seconds=1)
    path = tmp_path / "dagster_home"
    path.mkdir()
    (path / "dagster.yaml").write_text(yaml.safe_dump(config))
    (path / "workspace.yaml").write_text(
        yaml.safe_dump(
            {
                "load_from": [
                    {
                        "python_module": {
                            "module_name": slot_holder.__name__,
                            "working_directory": str(PROJECT_ROOT),
                        }
                    }
                ]
            }
        )
    )
    monkeypatch.setenv("DAGSTER_HOME", str(path))
    return path


def launch(dagster_home: Path, hold: dict) -> str:
    config = json.dumps({"ops": {"hold_slot": {"config": hold}}})
    workspace = dagster_home / "workspace.yaml"
    out = subprocess.run(
        [DAGSTER, "job", "launch", "-w", workspace, "-j", "slot_holder", "--config-json", config],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    )
    return out.stdout + out.stderr


def until(what, message: str, timeout: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := what():
            return found
        time.sleep(0.2)
    pytest.fail(message)


@pytest.fixture
def daemon(dagster_home: Path, tmp_path: Path):
    proc = subprocess.Popen(
        [DAEMON, "run", "-w", dagster_home / "workspace.yaml"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def killed(instance: dg.DagsterInstance, pid_file: Path) -> tuple[dg.DagsterRun, int]:
    """Wait for the op to hold the duckdb slot, then SIGKILL the process running it."""
    until(pid_file.exists, "the run never started its op")
    run = instance.get_runs(limit=1)[0]
    claimed = instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots
    assert [slot.run_id for slot in claimed] == [run.run_id]
    worker = int(pid_file.read_text())
    os.kill(worker, signal.SIGKILL)
    return run, worker


def failed(instance: dg.DagsterInstance, run_id: str) -> str:
    until(
        lambda: instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE,
        "the daemon never marked the killed run failed",
    )
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return records.records[0].event_log_entry.message


def test_daemon_fails_a_killed_in_process_run_and_frees_its_slot(daemon, tmp_path):
    """The demo's and notebooks' runs: only the run launcher's health check can see them die."""
    instance = dg.DagsterInstance.get()
    pid_file = tmp_path / "worker.pid"
    child = subprocess.Popen(
        [sys.executable, "-m", slot_holder.__name__, str(pid_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run, worker = killed(instance, pid_file)
    killed_at = time.monotonic()
    child.wait(timeout=30)
    assert f"its process (pid {worker}) is gone" in failed(instance, run.run_id)
    until(
        lambda: not instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots,
        "the daemon never freed the dead run's duckdb slot",
    )
    recovered_in = time.monotonic() - killed_at
    print(f"in-process run: failed and its slot freed {recovered_in:.1f}s after the kill")
    assert recovered_in < 60, f"recovered {recovered_in:.0f}s after the kill with a 1 s poll"


def test_daemon_retries_a_killed_run_worker_once_its_slot_is_free(daemon, dagster_home, tmp_path):
    """A run the daemon launched: failed, retried by run_retries, and the retry gets the slot."""
    instance = dg.DagsterInstance.get()
    pid_file = tmp_path / "worker.pid"
    launch(dagster_home, {"hold_seconds": 600, "pid_file": str(pid_file)})
    run, _ = killed(instance, pid_file)
    killed_at = time.monotonic()
    failed(instance, run.run_id)
    retry = until(
        lambda: next(
            iter(instance.get_runs(dg.RunsFilter(tags={"dagster/parent_run_id": run.run_id}))),
            None,
        ),
        "the killed run was not retried",
    )
    until(
        lambda: instance.get_run_by_id(retry.run_id).status == dg.DagsterRunStatus.SUCCESS,
        "the retry never finished: the dead run's slot was not freed",
    )
    landed_in = time.monotonic() - killed_at
    print(f"launched run: retried and the retry finished {landed_in:.1f}s after the kill")
    info = instance.event_log_storage.get_concurrency_info("duckdb")
    assert (info.claimed_slots, info.pending_step_count) == ([], 0)
    assert landed_in < 90, f"the retry landed {landed_in:.0f}s after the kill"
