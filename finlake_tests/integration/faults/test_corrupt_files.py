"""A corrupt or stray file in the lake never wedges a run; what a killed writer left is removed."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import polars as pl
import pytest

from finlake.catalog import Catalog
from finlake.datasets import PRICES_ADJUSTED, PRICES_DAILY
from finlake.lake import CORRUPT_DIR, Lake
from finlake.pipelines.prices import build_adjusted, build_silver
from finlake_tests.conftest import after_close
from finlake_tests.integration.faults.conftest import SESSIONS, TICKERS

OCTOBER = "2026-10"


def corrupt(path: str | Path, how: str) -> None:
    path = Path(path)
    body = path.read_bytes()
    if how == "truncated":
        path.write_bytes(body[: len(body) // 2])
    elif how == "garbage":
        path.write_bytes(b"not parquet at all" * 10)
    else:  # empty
        path.write_bytes(b"")


def month_file(lake: Lake, ds, month: str) -> Path:
    """The data file of one month in the table's newest version."""
    [path] = lake.snapshot(ds).filter(pl.col("month") == month)["file"]
    return Path(path)


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty"])
def test_a_corrupt_file_is_named_set_aside_and_rebuilt_from_bronze(
    priced_home, sample_provider, caplog, how
):
    lake = Lake(priced_home / "lake")
    path = month_file(lake, PRICES_DAILY, OCTOBER)
    corrupt(path, how)
    provider = sample_provider(after_close(SESSIONS[-1]))
    with caplog.at_level(logging.WARNING, logger="finlake.lake"):
        build_silver(provider, lake, TICKERS, SESSIONS[-1:], run_id="after")
    assert any(str(path) in m and "not a readable Parquet file" in m for m in caplog.messages)
    [aside] = (Path(lake.root) / CORRUPT_DIR).rglob("*.parquet.*")
    assert aside.read_bytes() != b"" or how == "empty"
    # the run went on: the session it wrote is stored, and so is every other month
    assert lake.scan(PRICES_DAILY).collect().get_column("date").to_list() == [SESSIONS[-1]] * 3
    # silver rebuilds the month from the stored bronze payloads, without fetching
    build_silver(provider, lake, TICKERS, SESSIONS, run_id="rebuild")
    assert lake.scan(PRICES_DAILY).collect().height == len(TICKERS) * len(SESSIONS)
    build_adjusted(lake, TICKERS)
    assert lake.scan(PRICES_ADJUSTED).collect().height == len(TICKERS) * len(SESSIONS)


def test_a_corrupt_derived_file_does_not_stop_the_next_run(priced_home):
    lake = Lake(priced_home / "lake")
    corrupt(lake.files(PRICES_ADJUSTED)[0], "truncated")
    report = build_adjusted(lake, TICKERS)
    assert report.rows.height == len(TICKERS) * len(SESSIONS)
    assert lake.scan(PRICES_ADJUSTED).collect().height == len(TICKERS) * len(SESSIONS)


def test_a_corrupt_bronze_batch_is_set_aside(priced_home, sample_provider, caplog):
    lake = Lake(priced_home / "lake")
    [batch] = Path(lake.bronze_dir("yahoo_chart")).rglob("*.parquet")
    corrupt(batch, "garbage")
    with caplog.at_level(logging.WARNING, logger="finlake.lake"):
        assert lake.bronze_index("yahoo_chart").is_empty()
    assert any(str(batch) in m for m in caplog.messages)


def test_stray_files_beside_the_partitions_are_ignored(priced_home):
    lake = Lake(priced_home / "lake")
    base = Path(lake.dataset_dir(PRICES_DAILY))
    (base / "notes.txt").write_text("my notes")
    (base / "month=2026-10" / "notes.txt").write_text("more notes")
    (base / "backup").mkdir()
    (base / "backup" / "data.parquet").write_text("not parquet")
    rows = lake.scan(PRICES_DAILY).collect().height
    assert rows == len(TICKERS) * len(SESSIONS)
    con = Catalog(priced_home).connect()
    assert con.sql("SELECT count(*) FROM prices_daily").fetchall() == [(rows,)]
    con.close()
    assert (base / "backup" / "data.parquet").exists()  # not ours: left alone


def test_temp_files_of_dead_writers_are_removed_by_the_next_write(priced_home, sample_provider):
    lake = Lake(priced_home / "lake")
    month = month_file(lake, PRICES_DAILY, OCTOBER).parent
    dead = month / f".data.parquet.{2**22 + 12345}-{uuid.uuid4().hex}.tmp"
    alive = month / f".data.parquet.{os.getpid()}-{uuid.uuid4().hex}.tmp"
    for path in (dead, alive):
        path.write_bytes(b"PAR1 half written")
    build_silver(
        sample_provider(after_close(SESSIONS[-1])), lake, TICKERS, SESSIONS[-1:], run_id="x"
    )
    assert not dead.exists()
    assert alive.exists()  # a live writer's file is never touched
    assert pl.read_parquet(month_file(lake, PRICES_DAILY, OCTOBER)).height > 0
