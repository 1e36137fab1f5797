"""`finlake sql`, `finlake.sql()` and `finlake export` never write the lake or read outside it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import finlake
from finlake.cli import main
from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake
from finlake.query import ReadOnlyError


def lake_state(home: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((home / "lake").rglob("*")) if p.is_file()}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def month_file(home: Path) -> Path:
    snapshot = Lake(home / "lake").snapshot(PRICES_DAILY)
    [path] = snapshot.filter(pl.col("month") == "2026-10")["file"]
    return Path(path)


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT * FROM prices_daily LIMIT 0) TO '{lake_file}' (FORMAT parquet)",
        "COPY (SELECT * FROM prices_daily LIMIT 0) TO '{lake_file}' (USE_TMP_FILE false)",
        "EXPLAIN ANALYZE COPY (SELECT 1) TO '{lake_file}'",
        "SELECT 1; COPY (SELECT 1) TO '{lake_file}'",
        "CREATE TABLE t AS SELECT 1",
        "ATTACH '{home}/x.duckdb' AS x",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ],
)
def test_sql_refuses_every_statement_that_is_not_a_read(priced_home, statement):
    before = lake_state(priced_home)
    query = statement.format(lake_file=month_file(priced_home), home=priced_home)
    result = invoke("sql", query)
    assert result.exit_code == 1
    assert "only reading queries run here" in result.stderr, result.stderr
    with pytest.raises(ReadOnlyError):
        finlake.sql(query)
    assert lake_state(priced_home) == before
    assert not (priced_home / "x.duckdb").exists()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_parquet('{home}/dagster/*.parquet')",
        "SELECT * FROM glob('/etc/*')",
    ],
)
def test_sql_reads_nothing_outside_the_lake(priced_home, query):
    result = invoke("sql", query.format(home=priced_home))
    assert result.exit_code == 1
    assert "file system operations are disabled" in result.stderr, result.stderr


def test_sql_still_reads_explains_and_describes(priced_home):
    assert finlake.sql("SELECT count(*) AS n FROM prices_daily")["n"].item() > 0
    assert finlake.sql("EXPLAIN SELECT * FROM prices_daily").height > 0
    assert finlake.sql("DESCRIBE prices_daily").height == len(PRICES_DAILY.schema)
    result = invoke(
        "sql", "SELECT ticker, count(*) FROM prices_daily GROUP BY 1", "--format", "csv"
    )
    assert result.exit_code == 0 and "AAPL" in result.stdout


def test_export_refuses_a_target_inside_the_home(priced_home):
    before = lake_state(priced_home)
    for target in (
        month_file(priced_home),
        priced_home / "catalog" / "x.csv",
        priced_home / "x.csv",
    ):
        result = invoke("export", "prices_daily", "--format", "parquet", "--out", str(target))
        assert result.exit_code == 1
        assert "inside the finlake home" in result.stderr, result.stderr
    assert lake_state(priced_home) == before
    assert pl.read_parquet(month_file(priced_home)).height > 0


def test_export_refuses_a_missing_directory_and_creates_none(priced_home, tmp_path):
    target = tmp_path / "nonexistent" / "dir" / "x.csv"
    result = invoke("export", "prices_daily", "--out", str(target))
    assert result.exit_code == 1
    assert f"the directory {target.parent} does not exist" in result.stderr
    assert not (tmp_path / "nonexistent").exists()


def test_export_writes_only_its_target(priced_home, tmp_path):
    target = tmp_path / "aapl.csv"
    result = invoke("export", "prices_daily", "--where", "ticker = 'AAPL'", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert pl.read_csv(target).height == 22
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["aapl.csv"]
