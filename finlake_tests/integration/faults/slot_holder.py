"""A code location for the daemon case: one job whose op holds the `duckdb` pool slot.

The first attempt records its pid in `pid_file` and sleeps `hold_seconds`, so the test can kill
the run worker with SIGKILL while it holds the slot; a retry (the pid file exists) finishes at
once.
"""

import os
import time
from pathlib import Path

import dagster as dg


class Hold(dg.Config):
    hold_seconds: float = 0.0
    pid_file: str = ""


@dg.op(pool="duckdb")
def hold_slot(config: Hold) -> None:
    pid_file = Path(config.pid_file)
    if pid_file.exists():
        return
    pid_file.write_text(str(os.getpid()))
    time.sleep(config.hold_seconds)


@dg.job(executor_def=dg.in_process_executor)
def slot_holder() -> None:
    hold_slot()


defs = dg.Definitions(jobs=[slot_holder])


if __name__ == "__main__":  # run it in-process, as the demo and notebooks run their jobs
    import sys

    slot_holder.execute_in_process(
        instance=dg.DagsterInstance.get(),
        run_config=dg.RunConfig(ops={"hold_slot": Hold(hold_seconds=600, pid_file=sys.argv[1])}),
    )
