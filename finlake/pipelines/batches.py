"""Bronze batches a silver dataset folds in order, and the watermark of those it has applied.

Macro vintages and policy events are built by applying each stored bronze batch once, oldest
first. The applied batch files are remembered beside the dataset, so a run picks up exactly the
batches fetched since (including those of a run whose silver step failed), and a rebuild
refolds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from finlake.datasets import Dataset
from finlake.lake import APPLIED_BATCHES, RAW_SCHEMA, Lake

APPLIED_FILE = APPLIED_BATCHES


@dataclass
class Pending:
    applied: set[str]
    index: pl.DataFrame  # bronze index rows of the pending batches
    files: list[str]  # pending batch files, oldest first

    def batch(self, lake: Lake, file: str) -> pl.DataFrame:
        rows = self.index.filter(pl.col("file") == file)
        return lake.read_bronze(rows, key="key", schema=RAW_SCHEMA)

    @property
    def partitions(self) -> list[str]:
        return sorted({partition(f) for f in self.files})


def partition(file: str) -> str:
    """The bronze partition (date=...) a batch file sits in."""
    return Path(file).parent.name.removeprefix("date=")


def pending_batches(lake: Lake, ds: Dataset, source: str, *, rebuild: bool = False) -> Pending:
    frame = None if rebuild else lake.read_sidecar(ds, APPLIED_FILE)
    applied = set(frame.get_column("file").to_list()) if frame is not None else set()
    index = lake.bronze_index(source, RAW_SCHEMA)
    index = index.filter(~pl.col("file").is_in(sorted(applied)))
    files = sorted(set(index.get_column("file").to_list()), key=lambda f: Path(f).name)
    return Pending(applied, index, files)


def finish_batches(
    lake: Lake, ds: Dataset, pending: Pending, rejects: pl.DataFrame, run_id: str
) -> None:
    """Quarantine the batches' rejects (replacing earlier ones of their partitions) and mark the
    batches applied."""
    lake.replace_quarantine(ds.name, rejects, run_id, pending.partitions)
    done = sorted(pending.applied | set(pending.files))
    lake.write_sidecar(ds, APPLIED_FILE, pl.DataFrame({"file": done}, schema={"file": pl.String}))
