"""`finlake maintain --dry-run` shows and changes nothing; the lake_maintenance job (what the
daily schedule launches) compacts, vacuums and checkpoints, and the lake reads the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
from click.testing import CliRunner

from finlake.cli import main as cli
from finlake.datasets import PRICES_DAILY
from finlake.definitions import build_defs
from finlake.defs.resources import FinlakeResource
from finlake.lake import Lake
from finlake.settings import Settings

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)


def listing(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".locks" not in p.parts
    }


def test_dry_run_then_the_job(tmp_path: Path):
    home = tmp_path / "home"
    Settings(home=home, source="sample", universe=()).ensure_home()
    lake = Lake(home / "lake")
    for i in range(12):  # twelve restatements of one month: eleven replaced files
        rows = pl.DataFrame(
            [("AAPL", dt.date(2026, 11, 2), i, i, i, i, 1, "yahoo", NOW)],
            schema=PRICES_DAILY.schema,
            orient="row",
        )
        lake.merge(PRICES_DAILY, rows, rows.select("ticker", "date"))
    before = listing(home / "lake")
    shown = CliRunner().invoke(
        cli, ["maintain", "--dry-run", "--retention-hours", "0", "--home", str(home)]
    )
    assert shown.exit_code == 0, shown.output
    line = next(x for x in shown.output.splitlines() if x.startswith("silver/prices_daily"))
    assert "11 (" in line  # eleven files vacuum would delete
    assert "dry run" in shown.output
    assert listing(home / "lake") == before  # nothing changed

    defs = build_defs(FinlakeResource(home=str(home), source="sample"))
    config = {"ops": {"maintain_tables": {"config": {"dry_run": False, "retention_hours": 0}}}}
    result = defs.resolve_job_def("lake_maintenance").execute_in_process(
        run_config=config, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    [observed] = [
        e.asset_observation_data.asset_observation
        for e in result.all_events
        if e.event_type_value == "ASSET_OBSERVATION"
    ]
    assert observed.metadata["files_vacuumed"].value == 11
    assert observed.metadata["checkpoints"].value >= 1
    table = Path(lake.dataset_dir(PRICES_DAILY))
    assert len(list(table.glob("month=*/*.parquet"))) == 1  # only the newest version's file
    assert list((table / "_delta_log").glob("*.checkpoint.parquet"))
    assert lake.scan(PRICES_DAILY).collect()["close"].to_list() == [11.0]
