"""The user-facing tools on a small real home: finlake.indicators/features, `finlake export`,
`finlake summary` and `finlake quality`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

import finlake
from finlake import query, status
from finlake.cli import main
from finlake.datasets import INDICATORS_DAILY, PRICES_DAILY
from finlake.export import predicate
from finlake.instance import instance_for
from finlake.lake import Lake
from finlake.pipelines.indicators import build_indicators
from finlake.pipelines.prices import build_adjusted
from finlake.query import NotBuiltError
from finlake.settings import Settings
from finlake.sources.yahoo.provider import YahooProvider
from finlake.universe import InvalidTickerError
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults
from finlake_tests.integration.test_price_pipeline import DAYS, TICKERS, run

PRICES_KEY = dg.AssetKey(["silver", "prices_daily"])


@pytest.fixture
def built(home: Path, lake: Lake, sample_provider) -> Path:
    """Prices, adjusted prices and indicators for a month of sessions (no Dagster runs)."""
    run(lake, sample_provider(after_close(DAYS[-1])), DAYS, "r1")
    build_adjusted(lake, TICKERS)
    build_indicators(lake, TICKERS, DAYS)
    return home


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# ------------------------------------------------------------------ query helpers
def test_indicators_selects_validated_columns(built):
    picked = finlake.indicators("AAPL", DAYS[5], DAYS[9], columns=["rsi_14", "sma_5"])
    assert picked.columns == ["ticker", "date", "rsi_14", "sma_5"]
    assert picked["date"].to_list() == DAYS[5:10] and set(picked["ticker"]) == {"AAPL"}
    stored = Lake(built / "lake").scan(INDICATORS_DAILY).collect()
    expected = stored.filter(pl.col("ticker") == "AAPL", pl.col("date").is_in(DAYS[5:10]))
    assert picked.equals(expected.sort("date").select(picked.columns))
    everything = finlake.indicators(start=DAYS[-1].isoformat())
    assert everything.columns == INDICATORS_DAILY.column_names
    assert everything["ticker"].to_list() == sorted(TICKERS)
    assert finlake.indicators("MSFT", columns="macd").columns == ["ticker", "date", "macd"]


@pytest.mark.parametrize("bad", [["rsi_14", "nope"], ['rsi_14" FROM prices_daily --'], [1]])
def test_indicators_refuses_unknown_columns(built, bad):
    with pytest.raises(ValueError, match="indicators_daily has no column"):
        finlake.indicators("AAPL", columns=bad)


def test_indicators_refuses_bad_tickers(built):
    with pytest.raises(InvalidTickerError):
        finlake.indicators("AAPL' OR 1=1 --")


def test_features_before_the_mart_is_built(built):
    with pytest.raises(NotBuiltError, match=r"features_daily is not built yet: run the models"):
        finlake.features("AAPL")


def test_features_validates_against_the_views_own_columns(monkeypatch):
    def stand_in(home=None) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.execute(
            "CREATE VIEW features_daily AS SELECT * FROM (VALUES "
            "('AAPL', DATE '2026-10-01', 0.01, 55.0), ('AAPL', DATE '2026-10-02', -0.02, 48.0), "
            "('MSFT', DATE '2026-10-01', 0.03, 61.0)) t(ticker, date, return_1d, rsi_14)"
        )
        con.execute("CREATE VIEW prices_daily AS SELECT * FROM (VALUES ('AAPL')) t(ticker)")
        return con

    monkeypatch.setattr(query, "connect", stand_in)
    frame = finlake.features("AAPL", end="2026-10-01", columns=["rsi_14"])
    assert frame.rows() == [("AAPL", dt.date(2026, 10, 1), 55.0)]
    assert finlake.features(start="2026-10-02").height == 1
    with pytest.raises(ValueError, match="features_daily has no column"):
        finlake.features(columns=["sma_5"])


# ------------------------------------------------------------------ export
def test_export_csv_parquet_json(built, tmp_path):
    tmp_path = tmp_path / "exports"  # beside the home
    (tmp_path / "sub").mkdir(parents=True)
    prices = Lake(built / "lake").scan(PRICES_DAILY).collect()
    out = invoke("export", "prices_daily", "--format", "csv", "--out", str(tmp_path / "all.csv"))
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == f"wrote {prices.height} rows to {tmp_path / 'all.csv'}"
    csv = pl.read_csv(tmp_path / "all.csv", try_parse_dates=True)
    assert csv.columns == PRICES_DAILY.column_names and csv.height == prices.height

    where = f"ticker = 'AAPL' AND date >= '{DAYS[10]}'"
    parquet = tmp_path / "sub" / "aapl.parquet"  # format from the suffix
    out = invoke("export", "prices_daily", "--where", where, "--out", str(parquet))
    assert out.exit_code == 0, out.output
    expected = prices.filter(pl.col("ticker") == "AAPL", pl.col("date") >= DAYS[10])
    assert pl.read_parquet(parquet).sort("date").equals(expected.sort("date"))

    ndjson = tmp_path / "two.json"
    where = "list_contains(['MSFT', 'TSLA'], ticker) AND close > 0"
    out = invoke("export", "prices_daily", "--format", "json", "--where", where, "--out", ndjson)
    assert out.exit_code == 0, out.output
    rows = pl.read_ndjson(ndjson)
    assert rows.height == 2 * len(DAYS) and set(rows["ticker"]) == {"MSFT", "TSLA"}

    derived = tmp_path / "traded.parquet"
    out = invoke("export", "prices_as_traded", "--where", "split_factor = 1", "--out", derived)
    assert out.exit_code == 0 and pl.read_parquet(derived).height == prices.height
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "aapl.parquet",
        "all.csv",
        "traded.parquet",
        "two.json",
    ]  # no temporary file left behind


@pytest.mark.parametrize(
    ("dataset", "where", "message"),
    [
        ("no_such_view", None, "no view 'no_such_view' in the catalog; one of: "),
        ('prices_daily"; DROP TABLE x; --', None, "no view"),
        ("_finlake_catalog", None, "no view"),
        ("prices_daily", "1=1; DROP TABLE x", "';' is not allowed"),
        ("prices_daily", "ticker = 'AAPL';", "';' is not allowed"),
        ("prices_daily", "ticker IN (SELECT ticker FROM sec_companies)", "subquery"),
        ("prices_daily", "EXISTS (SELECT 1 FROM quarantine)", "subquery"),
        ("prices_daily", "(INSERT INTO t VALUES (1)) IS NULL", "not a SQL expression"),
        ("prices_daily", "1=1 UNION SELECT * FROM sec_companies", "no other clause"),
        ("prices_daily", "close > 0 ORDER BY close LIMIT 1", "no other clause"),
        ("prices_daily", "ticker = 'AAPL", "not a SQL expression"),
        ("prices_daily", "no_such_column > 1", "no_such_column"),
    ],
)
def test_export_refuses(built, tmp_path, dataset, where, message):
    out = tmp_path / "exports"
    out.mkdir()
    args = ["export", dataset, "--out", str(out / "x.csv")]
    result = invoke(*args, *(["--where", where] if where else []))
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_export_needs_a_format(built, tmp_path):
    result = invoke("export", "prices_daily", "--out", str(tmp_path / "prices.txt"))
    assert result.exit_code == 2 and "--format" in result.output


def test_predicate_is_the_parsed_expression():
    assert predicate("ticker = 'A;B' and close>1") == "ticker = 'A;B' AND close > 1"
    assert predicate("date BETWEEN '2026-01-01' AND '2026-02-01' -- note") == (
        "date BETWEEN '2026-01-01' AND '2026-02-01'"
    )
    # what a comment hides from the parser never reaches DuckDB
    assert predicate("1=1 -- */ OR x IN (SELECT 1)) TO '/tmp/y' (FORMAT csv); /*") == "1 = 1"


# ------------------------------------------------------------------ summary and quality
def test_summary_and_quality_on_an_empty_home(home):
    for command in ("summary", "quality"):
        result = invoke(command)
        assert result.exit_code == 0, result.output
        assert f"No data in {home} yet" in result.stdout and "finlake demo" in result.stdout
    assert not home.exists()  # nothing was created


def test_summary_without_dagster_runs(built):
    result = invoke("summary", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["home"] == str(built)
    table = doc["datasets"]
    rows = {r["dataset"]: r for r in table}
    prices = rows["prices_daily"]
    assert prices["layer"] == "silver" and prices["rows"] == len(TICKERS) * len(DAYS)
    assert prices["partitions"] == 1 and prices["bytes"] > 0  # October 2026: one month file
    assert (prices["first"], prices["last"]) == (str(DAYS[0]), str(DAYS[-1]))
    assert prices["age_days"] == (dt.datetime.now(dt.UTC).date() - DAYS[-1]).days
    assert prices["failing_checks"] == [] and prices["last_materialized"] is None
    assert rows["sec_filings"]["rows"] == 0 and rows["sec_filings"]["first"] is None
    assert list(rows) == [*finlake.datasets.DATASETS]
    assert not (built / "dagster").exists()
    quality = invoke("quality")
    assert quality.exit_code == 0 and "No Dagster runs recorded" in quality.stdout


def test_summary_reports_models_from_the_lake(built):
    mart = built / "lake" / "models" / "features_daily"
    rows = pl.DataFrame({"ticker": ["AAPL", "AAPL"], "date": DAYS[:2], "x": [1.0, 2.0]})
    rows.with_columns(pl.lit("2026-10").alias("__finlake_month")).write_delta(
        mart, delta_write_options={"partition_by": ["__finlake_month"]}
    )
    rows.write_delta(mart.parent / "replaced_mart")  # a newer version replaces the rows:
    rows.head(1).write_delta(mart.parent / "replaced_mart", mode="overwrite")
    table = status.summary(built, None, today=DAYS[1] + dt.timedelta(days=1))
    models = table.filter(pl.col("layer") == "models")
    [row] = models.filter(pl.col("dataset") == "features_daily").to_dicts()
    assert (row["dataset"], row["rows"], row["partitions"]) == ("features_daily", 2, 1)
    assert (row["first"], row["last"], row["age_days"]) == (DAYS[0], DAYS[1], 1)
    [replaced] = models.filter(pl.col("dataset") == "replaced_mart").to_dicts()
    assert replaced["rows"] == 1  # its newest version's file only, not the replaced one
    # a dataset listing days yet to come is as old as its newest day that has passed
    ahead = status.summary(built, None, today=DAYS[0])
    [row] = ahead.filter(pl.col("dataset") == "features_daily").to_dicts()
    assert (row["last"], row["age_days"]) == (DAYS[1], 0)


def _evaluate(instance: dg.DagsterInstance, check: str, passed: bool) -> None:
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(
            asset_key=PRICES_KEY,
            check_name=check,
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR,
        )
    )


def test_summary_and_quality_read_the_latest_check_evaluations(built):
    with instance_for(Settings.from_env()) as instance:
        idle = invoke("quality", "--format", "json")  # an instance without any run
        assert idle.exit_code == 0, idle.output
        checks = json.loads(idle.stdout)["asset_checks"]
        assert checks and {c["status"] for c in checks} == {"not evaluated"}
        _evaluate(instance, "universe_coverage", passed=False)
        _evaluate(instance, "universe_coverage", passed=True)
        _evaluate(instance, "bars_are_final", passed=True)
        _evaluate(instance, "bars_are_final", passed=False)
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PRICES_KEY))
    summary = invoke("summary", "--format", "json")
    assert summary.exit_code == 0, summary.output
    table = json.loads(summary.stdout)["datasets"]
    prices = next(r for r in table if r["dataset"] == "prices_daily")
    assert prices["failing_checks"] == ["bars_are_final"] and prices["last_materialized"]
    quality = invoke("quality", "--format", "json")
    by_check = {c["check"]: c for c in json.loads(quality.stdout)["asset_checks"]}
    assert by_check["bars_are_final"]["status"] == "failed"
    assert (
        by_check["bars_are_final"]["severity"] == "ERROR"
        and by_check["bars_are_final"]["evaluated_at"]
    )
    assert by_check["universe_coverage"]["status"] == "passed"
    assert by_check["unique_ticker_date"]["status"] == "not evaluated"
    table = invoke("summary")
    assert table.exit_code == 0 and "bars_are_final" in table.stdout


def test_quality_counts_the_quarantine_by_dataset_and_reason(built, lake):
    before = invoke("quality", "--format", "json")
    assert json.loads(before.stdout)["quarantine"] == []
    day = DAYS[-1]
    fault = faults.set_field("AAPL", day, "open", -3.0)
    bad = YahooProvider(
        faults.FaultyTransport(after_close(day), fault), clock=lambda: after_close(day)
    )
    run(lake, bad, [day], "bad", refetch=1)
    result = invoke("quality", "--format", "json")
    [row] = json.loads(result.stdout)["quarantine"]
    assert (row["dataset"], row["rows"]) == ("prices_daily", 1)
    assert row["reason"].startswith("open: must be > 0")
    assert "open: must be > 0" in invoke("quality").stdout


def test_summary_survives_definitions_that_fail_to_load(built, monkeypatch):
    def broken() -> status.Location:
        raise RuntimeError("a model header is not valid YAML")

    monkeypatch.setattr(status.Location, "load", broken)
    instance_for(Settings.from_env()).dispose()  # an instance exists, checks cannot be listed
    result = invoke("summary")
    assert result.exit_code == 0 and "prices_daily" in result.stdout
    assert "warning: no check results" in result.stderr and "not valid YAML" in result.stderr
