"""How a run's recorded process is judged alive: pid reuse and zombies count as dead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil

from finlake.runs import process_alive


def test_a_running_process_recorded_after_it_started_is_alive():
    assert process_alive(os.getpid(), time.time())


def test_a_pid_reused_by_a_newer_process_is_dead():
    started = psutil.Process(os.getpid()).create_time()
    assert not process_alive(os.getpid(), started - 60)


def test_a_reaped_process_is_dead():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not process_alive(proc.pid, time.time())


def test_a_killed_process_not_yet_reaped_is_dead():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    recorded = time.time()
    os.kill(proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert not process_alive(proc.pid, recorded)
    finally:
        proc.wait()
