"""A real prices run in its own process that stops at one point and waits to be killed.

`python -m finlake_tests.integration.faults.run_until_killed POINT SIGNAL_FILE` runs the
prices_daily_job for one session into $FINLAKE_HOME. At POINT it writes its pid to SIGNAL_FILE
and sleeps, so the test can kill -9 it there:
  bronze   a bronze payload file staged but not yet moved into place
  silver   a prices_daily merge's data files written, its commit not yet made
  catalog  the catalog step, holding the `duckdb` pool slot
  start    no pause: the test kills it as soon as the run records its process
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import finlake.catalog
import finlake.lake
import finlake.storage
from finlake.definitions import build_defs
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.settings import Settings

AS_OF = "2026-10-30T22:00:00+00:00"
SESSION = "2026-10-30"
STAGED = {"bronze": "/bronze/"}


def pause(signal: Path) -> None:
    signal.write_text(str(os.getpid()))
    time.sleep(600)


def arm(point: str, signal: Path) -> None:
    if point in STAGED:
        write = finlake.storage.Store.write_bytes

        def staged_then_pause(self, uri: str, body: bytes) -> None:
            if STAGED[point] not in uri:
                return write(self, uri, body)
            target = Path(uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            finlake.storage.temp_path(target).write_bytes(body)
            pause(signal)

        finlake.storage.Store.write_bytes = staged_then_pause
    elif point == "silver":
        commit = finlake.lake.Lake._commit

        def written_then_pause(self, ds, parts, read, where=None, write="merge") -> None:
            if ds.name != "prices_daily":
                return commit(self, ds, parts, read, where, write)
            for value, rows in parts.items():  # the files a commit would add, unreferenced
                part = Path(self.dataset_dir(ds)) / f"{ds.partition_by}={value}"
                part.mkdir(parents=True, exist_ok=True)
                rows.write_parquet(part / f"part-00000-{uuid.uuid4()}-c000.snappy.parquet")
            pause(signal)

        finlake.lake.Lake._commit = written_then_pause
    elif point == "catalog":
        finlake.catalog.Catalog.build = lambda self: pause(signal)


def main(point: str, signal: Path) -> None:
    arm(point, signal)
    defs = build_defs(
        FinlakeResource(home=os.environ["FINLAKE_HOME"], source="sample", sample_as_of=AS_OF)
    )
    instance = instance_for(Settings.from_env())
    defs.resolve_job_def("prices_daily_job").execute_in_process(
        instance=instance, partition_key=SESSION
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
