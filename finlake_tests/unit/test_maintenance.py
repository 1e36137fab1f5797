import datetime as dt
import os
import shutil
import time
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable, PostCommitHookProperties, write_deltalake

from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.lake import Lake
from finlake.maintenance import MAINTENANCE_SCHEMA, maintain, render

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)
MONTHS = {
    "2026-09": dt.date(2026, 9, 1),
    "2026-10": dt.date(2026, 10, 1),
    "2026-11": dt.date(2026, 11, 2),
}
TICKERS = ["AAA", "BBB", "CCC"]
MERGES = 30
CHECKPOINT_AFTER = 10  # the build checkpoints the table after this many merges
OLD = time.time() - 40 * 86400  # older than the 30-day log retention and the vacuum window


def prices(rows) -> pl.DataFrame:
    return pl.DataFrame(
        [(t, d, c, c, c, c, 1, "yahoo", NOW) for t, d, c in rows],
        schema=PRICES_DAILY.schema,
        orient="row",
    )


def keys(rows) -> pl.DataFrame:
    return pl.DataFrame(
        [(t, d) for t, d, _ in rows], schema={"ticker": pl.String, "date": pl.Date}, orient="row"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A lake whose prices table has 1 + 30 merges into the same three month partitions (30
    removed files), a checkpoint after the 10th merge (its version is returned), then four
    small appends: 2026-11 holds four files, 2026-10 two, 2026-09 one."""
    root = tmp_path_factory.mktemp("maintenance") / "lake"
    lake = Lake(root)
    days = list(MONTHS.values())
    first = [(t, d + dt.timedelta(days=i), 1.0) for t in TICKERS for d in days for i in range(3)]
    lake.merge(PRICES_DAILY, prices(first), keys(first))
    checkpoint = -1
    for n in range(MERGES):
        row = [(TICKERS[n % 3], days[n % 3], 2.0 + n)]  # each merge rewrites one partition
        lake.merge(PRICES_DAILY, prices(row), keys(row))
        if n + 1 == CHECKPOINT_AFTER:
            table = DeltaTable(lake.dataset_dir(PRICES_DAILY))
            table.create_checkpoint()
            checkpoint = table.version()
    uri = lake.dataset_dir(PRICES_DAILY)
    for n, month in enumerate(["2026-11", "2026-11", "2026-11", "2026-10"]):
        rows = PRICES_DAILY.conform(prices([(f"NEW{n}", MONTHS[month], 9.0)]))
        data = rows.with_columns(PRICES_DAILY.partition_expr().alias("month"))
        write_deltalake(uri, data.to_arrow(), mode="append", partition_by=["month"])
    return root, checkpoint


@pytest.fixture
def lake(built: tuple[Path, int], tmp_path: Path) -> Lake:
    """A copy of the built lake, modification times kept."""
    shutil.copytree(built[0], tmp_path / "lake")
    return Lake(tmp_path / "lake")


def listing(root: Path) -> list[tuple[str, int, int]]:
    """Every path under `root` with its size and modification time."""
    out = []
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            stat = os.lstat(Path(base) / name)
            out.append((str((Path(base) / name).relative_to(root)), stat.st_size, stat.st_mtime_ns))
    return sorted(out)


def rows(lake: Lake) -> pl.DataFrame:
    return lake.scan(PRICES_DAILY).collect().sort("ticker", "date")


def rows_at(lake: Lake, version: int) -> pl.DataFrame:
    table = DeltaTable(lake.dataset_dir(PRICES_DAILY), version=version)
    return pl.from_arrow(table.to_pyarrow_table()).drop("month").sort("ticker", "date")


def data_files_on_disk(lake: Lake) -> set[Path]:
    return set(Path(lake.dataset_dir(PRICES_DAILY)).glob("month=*/*.parquet"))


def active_files(lake: Lake) -> set[Path]:
    return {Path(f) for f in lake.snapshot(PRICES_DAILY)["file"]}


def one(report: pl.DataFrame) -> dict:
    assert report.height == 1
    return report.row(0, named=True)


def test_dry_run_reports_small_files_and_vacuum_candidates_and_touches_nothing(lake: Lake):
    before = listing(Path(lake.root))
    report = maintain(lake, [PRICES_DAILY, CORPORATE_ACTIONS], dry_run=True, retention_hours=0)
    assert report.schema == pl.Schema(MAINTENANCE_SCHEMA)
    r = one(report)  # corporate_actions has no table: no row
    version = lake.version(PRICES_DAILY)
    assert (r["dataset"], r["layer"], r["dry_run"]) == ("prices_daily", "silver", True)
    assert (r["version_before"], r["version_after"]) == (version, version)
    assert (r["files"], r["partitions"]) == (7, 3)
    assert r["small_files"] == r["files_compacted_away"] == 6  # 2026-11's four, 2026-10's two
    assert r["partitions_compacted"] == 2
    assert r["vacuum_files"] == MERGES and r["vacuum_bytes"] > 0  # each merge removed a file
    assert r["checkpointed"] and r["log_files_removed"] == 0
    # within the default week nothing removed is old enough to vacuum
    assert one(maintain(lake, [PRICES_DAILY], dry_run=True))["vacuum_files"] == 0
    assert listing(Path(lake.root)) == before  # no lock file, no log entry, no data file touched
    text = render(report)
    assert "silver/prices_daily" in text and "dry run" in text
    assert len(text.splitlines()) == 3


def test_real_run_compacts_vacuums_and_checkpoints_and_a_second_run_is_a_no_op(lake: Lake):
    expected = rows(lake)
    removed_before = data_files_on_disk(lake) - active_files(lake)
    assert len(removed_before) == MERGES
    r = one(maintain(lake, [PRICES_DAILY], dry_run=False, retention_hours=0))
    assert (r["partitions_compacted"], r["files_compacted_away"]) == (2, 6)
    assert r["vacuum_files"] == MERGES + 6  # with no window the compacted files go at once
    assert r["checkpointed"]
    # one compaction commit, then vacuum's start and end
    assert r["version_after"] == r["version_before"] + 3 == lake.version(PRICES_DAILY)
    snap = lake.snapshot(PRICES_DAILY)
    assert snap.group_by("month").len()["len"].to_list() == [1, 1, 1]
    assert rows(lake).equals(expected)
    assert data_files_on_disk(lake) == active_files(lake)  # every removed file is gone
    assert not (removed_before & data_files_on_disk(lake))
    log_dir = Path(lake.dataset_dir(PRICES_DAILY)) / "_delta_log"
    assert (log_dir / f"{r['version_after']:020d}.checkpoint.parquet").is_file()
    writes = lake.history(PRICES_DAILY)["write"].to_list()
    assert writes[:3] == ["vacuum", "vacuum", "compact"]

    table_dir = listing(Path(lake.dataset_dir(PRICES_DAILY)))
    again = one(maintain(lake, [PRICES_DAILY], dry_run=False, retention_hours=0))
    assert again["version_after"] == again["version_before"] == r["version_after"]
    assert (again["partitions_compacted"], again["vacuum_files"]) == (0, 0)
    assert not again["checkpointed"] and again["small_files"] == 0
    assert listing(Path(lake.dataset_dir(PRICES_DAILY))) == table_dir
    assert rows(lake).equals(expected)


def test_time_travel_survives_within_the_window_and_not_without_one(lake: Lake):
    old = lake.version(PRICES_DAILY) - 12
    expected = rows_at(lake, old)
    partition = Path(lake.dataset_dir(PRICES_DAILY)) / "month=2026-11"
    stale, fresh = partition / "part-stale-orphan.parquet", partition / "part-fresh-orphan.parquet"
    stale.write_bytes(b"a killed writer's file")
    fresh.write_bytes(b"a writer's file not yet committed")
    os.utime(stale, (OLD, OLD))

    r = one(maintain(lake, [PRICES_DAILY], dry_run=False))  # the default week
    assert r["files_compacted_away"] == 6
    assert r["vacuum_files"] == 1 and not stale.exists() and fresh.exists()
    assert rows_at(lake, old).equals(expected)  # its removed files are still there
    assert rows_at(lake, r["version_before"]).height == rows(lake).height

    r = one(maintain(lake, [PRICES_DAILY], dry_run=False, retention_hours=0))
    assert r["vacuum_files"] == MERGES + 6 + 1  # and the fresh orphan: no window protects it
    assert data_files_on_disk(lake) == active_files(lake)
    with pytest.raises(Exception, match=r"(?i)not found|no such file"):
        rows_at(lake, old)
    assert rows_at(lake, r["version_after"]).equals(rows(lake))


def age_log(lake: Lake, through: int) -> None:
    for v in range(through + 1):
        os.utime(Path(lake.dataset_dir(PRICES_DAILY)) / "_delta_log" / f"{v:020d}.json", (OLD, OLD))


def test_log_entries_expire_only_before_a_checkpoint_that_reads_the_window(
    lake: Lake, built: tuple[Path, int]
):
    checkpoint = built[1]
    at_checkpoint = rows_at(lake, checkpoint)
    age_log(lake, checkpoint + 2)  # older than the log retention: the commits up to here
    predicted = one(maintain(lake, [PRICES_DAILY], dry_run=True))["log_files_removed"]
    r = one(maintain(lake, [PRICES_DAILY], dry_run=False))
    # the commits before the checkpoint go; those after it are needed to read the newer ones
    assert r["log_files_removed"] == predicted == checkpoint
    log_dir = Path(lake.dataset_dir(PRICES_DAILY)) / "_delta_log"
    assert not list(log_dir.glob(f"{checkpoint - 1:020d}.json"))
    assert rows_at(lake, checkpoint).equals(at_checkpoint)
    assert rows_at(lake, checkpoint + 1).height > 0
    with pytest.raises(Exception, match="log segment"):
        DeltaTable(lake.dataset_dir(PRICES_DAILY), version=checkpoint - 1)


def test_a_log_retention_shorter_than_the_vacuum_window_keeps_the_log(
    lake: Lake, built: tuple[Path, int]
):
    table = DeltaTable(lake.dataset_dir(PRICES_DAILY))
    table.alter.set_table_properties(
        {"delta.logRetentionDuration": "interval 2 hours"},
        post_commithook_properties=PostCommitHookProperties(cleanup_expired_logs=False),
    )
    log_dir = Path(lake.dataset_dir(PRICES_DAILY)) / "_delta_log"
    maintain(lake, [PRICES_DAILY], dry_run=False)  # compacts and checkpoints: no commit is left
    age_log(lake, built[1] + 2)
    # a week of removed files kept, so the commits of that week stay too
    assert one(maintain(lake, [PRICES_DAILY], dry_run=True))["log_files_removed"] == 0
    assert one(maintain(lake, [PRICES_DAILY], dry_run=False))["log_files_removed"] == 0
    assert (log_dir / f"{0:020d}.json").is_file()
    dry = one(maintain(lake, [PRICES_DAILY], dry_run=True, retention_hours=1))
    within = one(maintain(lake, [PRICES_DAILY], dry_run=False, retention_hours=1))
    assert within["log_files_removed"] == dry["log_files_removed"] == built[1]
    assert not (log_dir / f"{0:020d}.json").exists()
