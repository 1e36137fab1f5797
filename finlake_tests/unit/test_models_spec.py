"""SQL model specs: headers, dependencies inferred with sqlglot, ordering, and test SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from finlake.models.run import failing_rows, failing_rows_sql
from finlake.models.spec import (
    ModelError,
    load_project,
    models_dir,
    parse_model,
    split_header,
    table_refs,
    topological_order,
)

HEADER = """\
-- materialized: parquet        # view | table | parquet
-- partition_by: date
-- description: Daily returns.
-- columns:
--   ticker: Universe ticker.
--   date: NYSE session.
-- tests:
--   unique: [[ticker, date]]
--   not_null: [ticker, date]
--   accepted_range: {return_1d: [-0.95, 20], date: [2000-01-01, null]}
--   relationships: {ticker: prices_daily.ticker}
--   custom: [no_future.sql]
SELECT ticker, date, close AS return_1d FROM prices_daily;
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path, "tests/no_future.sql", "SELECT * FROM daily WHERE date > current_date")
    return tmp_path


def test_header_is_parsed_and_tests_named(root):
    model = parse_model(write(root, "marts/daily.sql", HEADER), ("marts", "daily"), root / "tests")
    assert (model.name, model.group, model.materialized, model.partition_by) == (
        "daily",
        "marts",
        "parquet",
        "date",
    )
    assert model.description == "Daily returns."
    assert model.columns == {"ticker": "Universe ticker.", "date": "NYSE session."}
    assert model.sql == "SELECT ticker, date, close AS return_1d FROM prices_daily"
    assert [t.name for t in model.tests] == [
        "unique_ticker_date",
        "not_null_ticker",
        "not_null_date",
        "accepted_range_return_1d",
        "accepted_range_date",
        "relationships_ticker",
        "custom_no_future",
    ]
    ranges = {t.name: t.bounds for t in model.tests if t.kind == "accepted_range"}
    assert ranges == {
        "accepted_range_return_1d": (-0.95, 20),
        "accepted_range_date": (dt.date(2000, 1, 1), None),
    }


def test_the_header_ends_at_the_first_other_line():
    header, body = split_header("\n-- materialized: table\n--\n\n-- a comment\nSELECT 1 -- one\n")
    assert header == "materialized: table\n"
    assert body == "\n-- a comment\nSELECT 1 -- one"


def test_a_model_without_header_is_a_view(root):
    model = parse_model(write(root, "staging/s.sql", "SELECT 1 AS x"), ("staging", "s"), root)
    assert (model.materialized, model.tests, model.refs) == ("view", (), frozenset())


@pytest.mark.parametrize(
    "header,message",
    [
        ("-- materialised: table", "unknown header key(s) ['materialised']"),
        ("-- materialized: csv", "materialized must be one of"),
        ("-- partition_by: date", "partition_by needs materialized: parquet"),
        ("-- tests: {unique: [[a, 1]]}", "a unique key must be a non-empty list"),
        ("-- tests: {not_null: ticker}", "not_null must be a non-empty list"),
        ("-- tests: {accepted_range: {x: [1]}}", "accepted_range of x must be [min, max]"),
        ("-- tests: {accepted_range: {x: [2, 1]}}", "min 2 is above max 1"),
        ("-- tests: {accepted_range: {x: [null, null]}}", "needs a min or a max"),
        ("-- tests: {accepted_range: {x: [a, 1]}}", "must be a number or date"),
        ("-- tests: {relationships: {x: prices_daily}}", "must be 'table.column'"),
        ("-- tests: {custom: [missing.sql]}", "custom test 'missing.sql' is not a .sql file"),
        ("-- tests: {unique: [[a]], not_unique: [a]}", "unknown test kind(s) ['not_unique']"),
        ("-- tests: {not_null: [a, a]}", "duplicate test name(s) ['not_null_a']"),
        ("-- columns: [a, b]", "columns must be a mapping"),
        ("-- description: a: b", "header is not valid YAML"),
    ],
)
def test_bad_headers_name_the_file(root, header, message):
    path = write(root, "marts/bad.sql", f"{header}\nSELECT 1 AS a")
    with pytest.raises(ModelError) as err:
        parse_model(path, ("marts", "bad"), root / "tests")
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_bad_names_and_sql_are_model_errors(root):
    with pytest.raises(ModelError, match="must match"):
        parse_model(write(root, "marts/Bad.sql", "SELECT 1"), ("marts", "Bad"), root)
    with pytest.raises(ModelError, match="cannot read the SQL"):
        parse_model(write(root, "marts/two.sql", "SELECT 1; SELECT 2"), ("marts", "two"), root)
    with pytest.raises(ModelError, match="no SQL after the header"):
        parse_model(write(root, "marts/empty.sql", "-- description: x\n"), ("marts", "e"), root)


def test_refs_exclude_ctes_and_builtin_table_functions():
    sql = """
        WITH r AS (SELECT * FROM prices_daily), s AS (SELECT * FROM r)
        SELECT * FROM s
        JOIN macro_asof(current_date) m ON true
        JOIN main.stg_x x USING (ticker)
        CROSS JOIN range(3) t
        WHERE ticker IN (SELECT ticker FROM corporate_actions)
          AND EXISTS (SELECT 1 FROM read_parquet('x.parquet'))
    """
    assert table_refs(sql) == {"prices_daily", "macro_asof", "stg_x", "corporate_actions"}
    recursive = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT * FROM n"
    assert table_refs(recursive) == set()


def test_dependencies_map_to_assets_through_views_and_macros(root):
    write(root, "staging/stg_prices.sql", "SELECT * FROM prices_daily")
    write(
        root,
        "marts/macro_now.sql",
        "WITH m AS (SELECT * FROM macro_asof(current_date)) SELECT * FROM m, prices_as_traded",
    )
    write(
        root,
        "marts/sub/returns.sql",
        "-- materialized: table\nSELECT * FROM stg_prices JOIN macro_latest USING (date)",
    )
    project = load_project(root)
    assert project.models["returns"].key == ("marts", "sub", "returns")
    assert project.upstream("stg_prices") == [("silver", "prices_daily")]
    assert project.upstream("macro_now") == [
        ("silver", "corporate_actions"),
        ("silver", "macro_observations"),
        ("silver", "prices_daily"),
    ]
    assert project.upstream("returns") == [
        ("silver", "macro_observations"),
        ("staging", "stg_prices"),
    ]
    assert project.downstream("stg_prices") == ["returns"]
    order = list(project.models)
    assert order.index("stg_prices") < order.index("returns")


def test_quarantine_and_gold_datasets_keep_their_layer(root):
    write(root, "staging/q.sql", "SELECT * FROM quarantine, indicators_daily")
    assert load_project(root).upstream("q") == [
        ("gold", "indicators_daily"),
        ("quality", "quarantine"),
    ]


def test_unknown_tables_cycles_and_duplicate_names_are_errors(root):
    write(root, "staging/a.sql", "SELECT * FROM nowhere")
    with pytest.raises(ModelError, match="unknown table nowhere in model a"):
        load_project(root)
    write(root, "staging/a.sql", "SELECT * FROM b")
    write(root, "marts/b.sql", "SELECT * FROM a")
    with pytest.raises(ModelError, match=r"models form a cycle: (a -> b -> a|b -> a -> b)"):
        load_project(root)
    write(root, "marts/b.sql", "SELECT 1 AS x")
    write(root, "marts/x/a.sql", "SELECT 2 AS x")
    with pytest.raises(ModelError, match="model name a is also"):
        load_project(root)
    (root / "marts/x/a.sql").unlink()
    write(root, "marts/prices_daily.sql", "SELECT 1")
    with pytest.raises(ModelError, match="already a catalog view"):
        load_project(root)
    (root / "marts/prices_daily.sql").unlink()
    write(root, "marts/c.sql", "-- tests: {relationships: {x: nowhere.x}}\nSELECT 1 AS x")
    with pytest.raises(ModelError, match="unknown table nowhere in test relationships_x"):
        load_project(root)


def test_tests_dir_is_not_models_and_order_is_topological(root):
    assert topological_order({"c": ["b"], "b": ["a", "prices_daily"], "a": []}) == ["a", "b", "c"]
    project = load_project(root)  # tests/no_future.sql is not a model
    assert project.models == {}


def test_models_dir_defaults_to_the_repository_and_the_env_overrides(monkeypatch, tmp_path):
    monkeypatch.delenv("FINLAKE_MODELS_DIR", raising=False)
    assert models_dir() == Path(__file__).resolve().parents[2] / "dbt_like_sql"
    monkeypatch.setenv("FINLAKE_MODELS_DIR", str(tmp_path))
    assert models_dir() == tmp_path.resolve()


def test_test_sql_returns_the_failing_rows(root):
    write(root, "tests/no_future.sql", "SELECT * FROM daily WHERE date > DATE '2025-01-02';")
    model = parse_model(write(root, "marts/daily.sql", HEADER), ("marts", "daily"), root / "tests")
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE prices_daily AS SELECT * FROM (VALUES ('AAA')) t(ticker);"
        "CREATE TABLE daily AS SELECT * FROM (VALUES "
        "('AAA', DATE '2025-01-02', 0.1), ('AAA', DATE '2025-01-02', NULL), "
        "('ZZZ', DATE '2025-01-03', 25.0), (NULL, DATE '1999-12-31', -0.99)"
        ") t(ticker, date, return_1d)"
    )
    failing = {t.name: failing_rows(con, failing_rows_sql(model, t))[0] for t in model.tests}
    assert failing == {
        "unique_ticker_date": 1,
        "not_null_ticker": 1,
        "not_null_date": 0,
        "accepted_range_return_1d": 2,  # above 20 and below -0.95; null passes
        "accepted_range_date": 1,
        "relationships_ticker": 1,  # ZZZ; a null ticker is not_null's business
        "custom_no_future": 1,
    }
    count, preview = failing_rows(con, failing_rows_sql(model, model.tests[0]), limit=20)
    assert count == 1 and preview.columns == ["ticker", "date", "n_rows"]
    con.close()
