"""SQL models through real Dagster runs: a view, a table and a month-partitioned Parquet model
over a small sample price lake, their header tests as (blocking) checks, read back through the
catalog exactly as a notebook would."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pytest
from deltalake import DeltaTable

import finlake
from finlake.calendar import nyse
from finlake.catalog import Catalog
from finlake.definitions import build_defs
from finlake.defs.catalog.assets import CATALOG_KEY
from finlake.defs.resources import FinlakeResource
from finlake.instance import instance_for
from finlake.lake import Lake
from finlake.models.run import materialize, model_dir
from finlake.models.spec import load_project
from finlake.pipelines.prices import build_silver, fetch_prices
from finlake.settings import Settings
from finlake_tests.conftest import after_close

TICKERS = ["AAPL", "MSFT", "TSLA"]
SESSIONS = nyse().sessions_between(dt.date(2026, 10, 26), dt.date(2026, 11, 6))  # two months
STG = dg.AssetKey(["staging", "stg_closes"])
RETURNS = dg.AssetKey(["marts", "daily_returns"])
CUMULATIVE = dg.AssetKey(["marts", "cumulative_returns"])

STG_SQL = """\
-- description: The close of every stored bar.
-- columns:
--   ticker: Universe ticker.
--   date: NYSE session.
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date, close]
SELECT ticker, date, close FROM prices_daily
"""

RETURNS_SQL = """\
-- materialized: table
-- description: Simple return from the previous stored close.
-- columns:
--   return_1d: close / previous close - 1.
-- tests:
--   not_null: [return_1d]
--   accepted_range: {{return_1d: {range}}}
WITH ordered AS (
    SELECT ticker, date, close,
           lag(close) OVER (PARTITION BY ticker ORDER BY date) AS previous_close
    FROM stg_closes
)
SELECT ticker, date, close / previous_close - 1 AS return_1d
FROM ordered
WHERE previous_close IS NOT NULL
ORDER BY ticker, date
"""

CUMULATIVE_SQL = """\
-- materialized: parquet
-- partition_by: date
-- description: Log return accumulated since the first stored bar.
-- tests:
--   unique: [[ticker, date]]
--   relationships: {ticker: prices_daily.ticker}
--   custom: [cumulative_after_first_bar.sql]
SELECT ticker, date, return_1d,
       sum(ln(1 + return_1d)) OVER (PARTITION BY ticker ORDER BY date) AS log_return_cum
FROM daily_returns
"""

CUSTOM_TEST_SQL = """\
-- Rows dated on or before their ticker's first bar (there is no return to accumulate yet).
SELECT c.* FROM cumulative_returns c
WHERE c.date <= (SELECT min(p.date) FROM prices_daily p WHERE p.ticker = c.ticker)
"""


def write_models(root: Path, returns_range: str) -> None:
    files = {
        "staging/stg_closes.sql": STG_SQL,
        "marts/daily_returns.sql": RETURNS_SQL.format(range=returns_range),
        "marts/cumulative_returns.sql": CUMULATIVE_SQL,
        "tests/cumulative_after_first_bar.sql": CUSTOM_TEST_SQL,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest.fixture
def models_root(home, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "models"
    write_models(root, "[-0.95, 20]")
    monkeypatch.setenv("FINLAKE_MODELS_DIR", str(root))
    return root


@pytest.fixture
def price_lake(home, sample_provider) -> Lake:
    lake = Lake(home / "lake")
    provider = sample_provider(after_close(SESSIONS[-1]))
    fetch_prices(
        provider, lake, TICKERS, SESSIONS, run_id="t", refetch_sessions=0, now=provider.clock()
    )
    build_silver(provider, lake, TICKERS, SESSIONS, run_id="t")
    return lake


def run_models(home) -> dg.ExecuteInProcessResult:
    resource = FinlakeResource(home=str(home), source="sample", universe=TICKERS)
    job = build_defs(resource).resolve_job_def("models_job")
    return job.execute_in_process(instance=instance_for(Settings.from_env()), raise_on_error=False)


def materialized(run: dg.ExecuteInProcessResult) -> dict[dg.AssetKey, dict]:
    return {
        e.asset_key: e.step_materialization_data.materialization.metadata
        for e in run.get_asset_materialization_events()
    }


def test_a_failing_check_blocks_downstream_then_models_run_and_query_back(
    home, models_root, price_lake
):
    write_models(models_root, "[-0.0001, 0.0001]")  # daily moves exceed 0.01%: must fail
    blocked = run_models(home)
    assert not blocked.success
    assert set(materialized(blocked)) == {STG, RETURNS}  # written, but its failure stops the next
    checks = {(e.asset_key, e.check_name): e for e in blocked.get_asset_check_evaluations()}
    failed = checks[(RETURNS, "accepted_range_return_1d")]
    assert not failed.passed and failed.metadata["failing_rows"].value > 0
    assert "return_1d" in failed.metadata["preview"].value
    assert all(e.passed for k, e in checks.items() if k != (RETURNS, "accepted_range_return_1d"))
    assert not any(key == CUMULATIVE for key, _ in checks)

    write_models(models_root, "[-0.95, 20]")
    run = run_models(home)
    assert run.success
    metas = materialized(run)
    assert set(metas) == {STG, RETURNS, CUMULATIVE}
    for key, meta in metas.items():
        assert {"dagster/row_count", "dagster/column_schema", "preview", "seconds"} <= set(meta)
        assert meta["materialized"].value == {STG: "view", RETURNS: "table"}.get(key, "parquet")
    evaluations = run.get_asset_check_evaluations()
    assert {(e.asset_key.path[-1], e.check_name) for e in evaluations} == {
        ("stg_closes", "unique_ticker_date"),
        ("stg_closes", "not_null_ticker"),
        ("stg_closes", "not_null_date"),
        ("stg_closes", "not_null_close"),
        ("daily_returns", "not_null_return_1d"),
        ("daily_returns", "accepted_range_return_1d"),
        ("cumulative_returns", "unique_ticker_date"),
        ("cumulative_returns", "relationships_ticker"),
        ("cumulative_returns", "custom_cumulative_after_first_bar"),
    }
    assert all(e.passed and e.metadata["failing_rows"].value == 0 for e in evaluations)
    schema = metas[STG]["dagster/column_schema"].schema
    docs = {c.name: (c.type, c.description) for c in schema.columns}
    assert docs["ticker"] == ("VARCHAR", "Universe ticker.")
    assert docs["close"] == ("DOUBLE", None)

    # the lake holds the models' Delta tables (one commit each), the catalog their views
    stored = len(TICKERS) * len(SESSIONS)
    lake_models = home / "lake" / "models"
    assert DeltaTable.is_deltatable(str(lake_models / "daily_returns"))
    cumulative = DeltaTable(str(lake_models / "cumulative_returns"))
    months = sorted(p["__finlake_month"] for p in cumulative.partitions())
    assert months == ["2026-10", "2026-11"]
    assert cumulative.history()[0]["finlake.write"] == "model"
    assert metas[CUMULATIVE]["table_version"].value == cumulative.version()
    count = finlake.sql("SELECT count(*) AS n FROM cumulative_returns")["n"].item()
    assert count == stored - len(TICKERS) == metas[CUMULATIVE]["dagster/row_count"].value
    assert finlake.sql("SELECT count(*) AS n FROM stg_closes")["n"].item() == stored
    assert finlake.sql("SELECT * FROM cumulative_returns").columns == [
        "ticker",
        "date",
        "return_1d",
        "log_return_cum",
    ]
    # the model's SQL runs unchanged in a notebook and gives what the model stored
    project = load_project(models_root)
    query = project.models["cumulative_returns"].sql
    con = finlake.connect()
    try:
        fresh = con.sql(f"SELECT * FROM ({query}) ORDER BY ticker, date").fetchall()
        stored_rows = con.sql("SELECT * FROM cumulative_returns ORDER BY ticker, date").fetchall()
    finally:
        con.close()
    assert fresh == stored_rows


def test_asset_graph_matches_the_inferred_dependencies(home, models_root):
    defs = build_defs(FinlakeResource(home=str(home), source="sample"))
    graph = defs.resolve_asset_graph()
    project = load_project(models_root)
    for model in project.models.values():
        key = dg.AssetKey(list(model.key))
        assert graph.get(key).parent_keys == {
            dg.AssetKey(list(k)) for k in project.upstream(model.name)
        }
    assert graph.get(STG).parent_keys == {dg.AssetKey(["silver", "prices_daily"])}
    assert graph.get(CUMULATIVE).parent_keys == {RETURNS}
    assert not graph.get(CATALOG_KEY).parent_keys & {STG, RETURNS, CUMULATIVE}

    node = defs.resolve_assets_def(CUMULATIVE)
    spec = next(iter(node.specs))
    assert spec.group_name == "marts" and spec.kinds == {"duckdb", "sql", "parquet"}
    assert defs.resolve_assets_def(STG).specs_by_key[STG].group_name == "staging"
    assert defs.resolve_assets_def(STG).specs_by_key[STG].kinds == {"duckdb", "sql"}
    assert spec.description == "Log return accumulated since the first stored bar."
    references = spec.metadata["dagster/code_references"].code_references
    sql_file = (models_root / "marts/cumulative_returns.sql").resolve()
    assert (str(sql_file), 1) in {(r.file_path, r.line_number) for r in references}
    assert node.op.pool == "duckdb"

    blocking = {
        (key.asset_key, key.name): graph.get_check_spec(key).blocking
        for key in graph.get_check_keys_for_assets({STG, RETURNS, CUMULATIVE})
    }
    assert blocking[(STG, "unique_ticker_date")] and blocking[(RETURNS, "not_null_return_1d")]
    assert not blocking[(CUMULATIVE, "unique_ticker_date")]  # nothing reads it
    job = defs.resolve_job_def("models_job")
    assert {STG, RETURNS, CUMULATIVE} <= set(job.asset_layer.selected_asset_keys)


def test_catalog_skips_missing_models_and_notices_their_files(home, models_root, price_lake):
    catalog = Catalog(home)
    report = catalog.build()
    assert report.models == {
        "stg_closes": None,
        "daily_returns": "not materialized yet",
        "cumulative_returns": "not materialized yet",
    }
    project = load_project(models_root)
    materialize(catalog, project.models["daily_returns"])
    assert catalog.is_stale()  # its files exist, its view does not
    con = catalog.connect()  # rebuilds
    assert con.sql("SELECT count(*) FROM daily_returns").fetchall()[0][0] > 0
    con.close()
    assert not catalog.is_stale()

    # a partitioned model is swapped in whole; a build during the swap just skips it
    materialize(catalog, project.models["cumulative_returns"])
    target = Path(model_dir(catalog.lake.store, "cumulative_returns"))
    aside = target.with_name("aside")
    target.rename(aside)
    assert catalog.build().models["cumulative_returns"] == "not materialized yet"
    aside.rename(target)
    assert catalog.is_stale()
    con = catalog.connect()
    assert con.sql("SELECT count(*) FROM cumulative_returns").fetchall()[0][0] > 0
    con.close()
    assert not list(target.parent.glob(".*.tmp")) and not list(target.parent.glob(".*.old"))

    # a broken models directory never breaks the catalog of the datasets
    (models_root / "marts/broken.sql").write_text("SELECT * FROM nowhere")
    report = catalog.build()
    assert "unknown table nowhere in model broken" in report.models[str(models_root.resolve())]
    shutil.rmtree(models_root / "marts")
    con = catalog.connect()
    assert con.sql("SELECT count(*) FROM prices_daily").fetchall()[0][0] > 0
    con.close()
