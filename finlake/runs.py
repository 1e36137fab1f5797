"""Runs whose process died: told apart from live ones, marked failed, their slots handed back.

A run killed with kill -9 never writes its end, so Dagster keeps it STARTED with its pool slots
(`duckdb`, `yahoo`, ...) and its run slot, and every later run that needs them waits forever.
Every run process records its pid in an engine event as it starts ("Started process for run"
from a launched run worker, "Executing steps in process" from `execute_in_process`); a run is
dead when no process with that pid, created before that event, is alive any more.

`FinlakeRunLauncher` lends that judgement to Dagster's run monitoring (the daemon of `dg dev`),
and `recover_dead_runs` applies it at once for runs executed in-process (the demo, notebooks),
which no daemon may be watching. Pids mean something only on the machine that ran them: both
serve the embedded deployment, where runs execute beside the instance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    DefaultRunLauncher,
)

# Dagster exports the health-check result types only from this module; run monitoring reads them
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.dagster_run import FINISHED_STATUSES, RunsFilter

UNFINISHED = [
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
]
# the engine events read for a pid: the run worker's and the executor's come first
PID_EVENTS_READ = 50
# a process created this long after its pid was recorded is a different one (clock resolution)
CREATE_TIME_SLACK_SECONDS = 1.0


@dataclass(frozen=True)
class Verdict:
    """Whether a run's process is gone, and why it was judged so."""

    dead: bool
    reason: str


@dataclass(frozen=True)
class Recovered:
    """A dead run that was closed: its new status, what it was, and why."""

    run_id: str
    job_name: str
    status: str
    reason: str


def run_process(instance: DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """(pid, recorded at) of the first process the run recorded, or None before it did."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=PID_EVENTS_READ
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        pid = event.engine_event_data.metadata.get("pid") if event else None
        if pid is not None and str(pid.value).isdigit():
            return int(pid.value), record.event_log_entry.timestamp
    return None


def process_alive(pid: int, recorded_at: float) -> bool:
    """Whether the process recorded at that time still runs (not a zombie, not a reused pid)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return process.create_time() <= recorded_at + CREATE_TIME_SLACK_SECONDS
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's live process: not ours to judge dead
        return True


def judge(instance: DagsterInstance, run: DagsterRun, *, now: float | None = None) -> Verdict:
    """Dead if its recorded process is gone, or if none was recorded within the start timeout."""
    process = run_process(instance, run.run_id)
    if process is not None:
        pid, recorded_at = process
        if process_alive(pid, recorded_at):
            return Verdict(False, f"its process (pid {pid}) is alive")
        return Verdict(True, f"its process (pid {pid}) is gone: killed or crashed")
    record = instance.get_run_record_by_id(run.run_id)
    since = (record.start_time or record.create_timestamp.timestamp()) if record else 0.0
    waited = (now or time.time()) - since
    limit = instance.run_monitoring_start_timeout_seconds
    if waited < limit:
        return Verdict(False, f"no process recorded yet ({waited:.0f}s of {limit}s)")
    return Verdict(True, f"no process recorded its start within {limit}s")


class FinlakeRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher, with the worker health check run monitoring needs.

    Without it the daemon's run monitoring cannot tell a dead run from a slow one; with it a
    killed run is marked failed within one `poll_interval_seconds`, and its pool slots are freed
    `free_slots_after_run_end_seconds` later (both in dagster.yaml).
    """

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        verdict = judge(self._instance, run)
        status = WorkerStatus.FAILED if verdict.dead else WorkerStatus.RUNNING
        return CheckRunHealthResult(status, verdict.reason)


@dataclass(frozen=True)
class Recovery:
    """What `recover_dead_runs` did: runs closed, and runs whose held slots were handed back."""

    closed: list[Recovered]
    slots_freed: list[str]


def recover_dead_runs(instance: DagsterInstance) -> Recovery:
    """Close every unfinished run whose process is dead and free the slots finished runs hold."""
    closed = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        verdict = judge(instance, run)
        if not verdict.dead:
            continue
        message = f"finlake recover: {verdict.reason}"
        if run.status == DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, message)
        else:
            instance.report_run_failed(run, message)
        after = instance.get_run_by_id(run.run_id)
        status = after.status.value if after else "unknown"
        closed.append(Recovered(run.run_id, run.job_name, status, verdict.reason))
    return Recovery(closed, free_finished_slots(instance))


def free_finished_slots(instance: DagsterInstance) -> list[str]:
    """Hand back the pool slots and queued claims of runs that have finished; their run ids."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    holders = list(storage.get_concurrency_run_ids())
    if not holders:
        return []
    finished = instance.get_run_records(
        filters=RunsFilter(run_ids=holders, statuses=list(FINISHED_STATUSES))
    )
    freed = [record.dagster_run.run_id for record in finished]
    for run_id in freed:
        storage.free_concurrency_slots_for_run(run_id)
    return freed
