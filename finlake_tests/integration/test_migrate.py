"""A home written before the Delta tables: an error that names `finlake migrate`, never an
empty lake; the command converts it in place, one commit per dataset, rows unchanged."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner

from finlake.cli import main as cli
from finlake.datasets import PRICES_ADJUSTED, PRICES_DAILY, QUARANTINE
from finlake.lake import Lake, LegacyLayoutError

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)


def bars(days: list[dt.date]) -> pl.DataFrame:
    rows = [("AAPL", d, 1.0, 2.0, 0.5, 1.5, 10, "yahoo", NOW) for d in days]
    return pl.DataFrame(rows, schema=PRICES_DAILY.schema, orient="row")


def old_home(tmp_path):
    """The layout of the previous finlake: one data.parquet per hive partition."""
    lake = tmp_path / "lake"
    for month, days in {
        "2026-10": [dt.date(2026, 10, 29), dt.date(2026, 10, 30)],
        "2026-11": [dt.date(2026, 11, 2)],
    }.items():
        target = lake / "silver" / "prices_daily" / f"month={month}" / "data.parquet"
        target.parent.mkdir(parents=True)
        bars(days).write_parquet(target)
    adjusted = bars([dt.date(2026, 11, 2)]).select(PRICES_ADJUSTED.column_names[:-1])
    target = lake / "silver" / "prices_adjusted" / "ticker=AAPL" / "data.parquet"
    target.parent.mkdir(parents=True)
    adjusted.with_columns(pl.lit(1.0).alias("adj_factor")).write_parquet(target)
    reject = pl.DataFrame(
        [("prices_daily", "2026-10-30", '{"ticker":"MSFT"}', "bad", "r", NOW, None)],
        schema=QUARANTINE.schema,
        orient="row",
    )
    target = lake / "quality/quarantine/dataset=prices_daily/partition=2026-10-30/data.parquet"
    target.parent.mkdir(parents=True)
    reject.write_parquet(target)
    for month in ("month=2026-10", "month=2026-11"):  # a parquet model of the old layout
        target = lake / "models" / "daily_returns" / month / "data.parquet"
        target.parent.mkdir(parents=True)
        bars([dt.date(2026, 11, 2)]).write_parquet(target)
    return tmp_path


def test_an_old_home_is_an_error_until_migrated_then_reads_the_same_rows(tmp_path):
    home = old_home(tmp_path)
    lake = Lake(home / "lake")
    with pytest.raises(LegacyLayoutError, match="finlake migrate"):
        lake.scan(PRICES_DAILY)
    result = CliRunner().invoke(cli, ["migrate", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "silver/prices_daily: 3 rows into a Delta table" in result.output
    assert "3 dataset(s) converted" in result.output
    assert result.output.count("models/daily_returns: old layout") == 1
    assert lake.version(PRICES_DAILY) == 1 and lake.partition_values(PRICES_DAILY) == [
        "2026-10",
        "2026-11",
    ]
    assert (
        lake.scan(PRICES_DAILY)
        .collect()
        .sort("date")
        .equals(bars([dt.date(2026, 10, 29), dt.date(2026, 10, 30), dt.date(2026, 11, 2)]))
    )
    assert lake.scan(PRICES_ADJUSTED).collect()["ticker"].to_list() == ["AAPL"]
    assert lake.scan(QUARANTINE).collect().select("dataset", "partition").rows() == [
        ("prices_daily", "2026-10-30")
    ]
    assert lake.legacy_files(PRICES_DAILY) == []
    again = CliRunner().invoke(cli, ["migrate", "--home", str(home)])
    assert "0 dataset(s) converted" in again.output and lake.version(PRICES_DAILY) == 1


def test_history_shows_the_migration_commit_and_refuses_an_unknown_dataset(tmp_path):
    home = old_home(tmp_path)
    CliRunner().invoke(cli, ["migrate", "--home", str(home)])
    shown = CliRunner().invoke(cli, ["history", "prices_daily", "--home", str(home)])
    assert shown.exit_code == 0, shown.output
    assert "migrate" in shown.output and "WRITE" in shown.output
    unknown = CliRunner().invoke(cli, ["history", "prices", "--home", str(home)])
    assert unknown.exit_code != 0 and "unknown dataset 'prices'" in unknown.output


def test_finlake_sql_reads_the_lake_as_committed_at_a_version_or_time(tmp_path):
    home = old_home(tmp_path)
    CliRunner().invoke(cli, ["migrate", "--home", str(home)])
    more = bars([dt.date(2026, 11, 3)])
    Lake(home / "lake").merge(PRICES_DAILY, more, more.select("ticker", "date"))  # version 2

    def count(*args: str) -> str:
        query = "SELECT count(*) AS n FROM prices_daily"
        result = CliRunner().invoke(
            cli, ["sql", query, "--home", str(home), "--format", "csv", *args]
        )
        assert result.exit_code == 0, result.output
        return result.output.splitlines()[1]

    assert count() == "4"
    assert count("--as-of-version", "1") == "3"
    assert count("--as-of-version", "0") == "0"  # the table, created empty
    assert count("--as-of-time", "2000-01-01T00:00:00Z") == "0"
    gone = CliRunner().invoke(
        cli,
        [
            "sql",
            "SELECT 1",
            "--home",
            str(home),
            "--as-of-time",
            "2000-01-01",
            "--as-of-version",
            "0",
        ],
    )
    assert gone.exit_code != 0 and "one of as_of_version and as_of_time" in gone.output
