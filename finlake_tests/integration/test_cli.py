import json

import polars as pl
from click.testing import CliRunner

from finlake.cli import main
from finlake_tests.integration.test_price_pipeline import DAYS, TICKERS, run

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"


def test_parse_yahoo_chart_json_and_csv(realdata):
    runner = CliRunner()
    result = runner.invoke(main, ["parse", "yahoo-chart", str(realdata / AAPL), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"prices_daily", "corporate_actions"}
    assert len(doc["prices_daily"]) == 49
    assert doc["corporate_actions"] == [
        {
            "ticker": "AAPL",
            "date": "2020-08-31",
            "dividend": 0.0,
            "split_ratio": 4.0,
            "source": "yahoo",
        },
        {
            "ticker": "AAPL",
            "date": "2020-11-06",
            "dividend": 0.205,
            "split_ratio": 1.0,
            "source": "yahoo",
        },
    ]
    csv = runner.invoke(
        main, ["parse", "yahoo-chart", str(realdata / AAPL), "--dataset", "corporate_actions"]
    )
    assert csv.stdout.splitlines()[0] == "ticker,date,dividend,split_ratio,source"
    assert len(csv.stdout.splitlines()) == 3


def test_parse_reports_rejected_rows_on_stderr(realdata, tmp_path):
    doc = json.loads((realdata / AAPL).read_bytes())
    quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
    quote["close"][3] = -1.0
    quote["open"][4] = None
    for key in quote:
        quote[key][5] = None  # an all-null bar
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["parse", "yahoo-chart", str(bad)])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 46
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert any("all-null bar" in e for e in errors)
    assert any("close: must be > 0" in e for e in errors)
    assert any("open is null or NaN" in e for e in errors)


def test_parse_errors_are_clean(realdata, tmp_path):
    html = tmp_path / "blocked.json"
    html.write_text("<html><body>Too Many Requests</body></html>")
    result = CliRunner().invoke(main, ["parse", "yahoo-chart", str(html)])
    assert result.exit_code == 1 and "HTML/XML page" in result.stderr
    minute = CliRunner().invoke(
        main, ["parse", "yahoo-chart", str(realdata / "yahoo/chart_AAPL_1m_2024-10-02.json")]
    )
    assert minute.exit_code == 1 and "needs daily" in minute.stderr
    unknown = CliRunner().invoke(main, ["parse", "nope", str(html)])
    assert unknown.exit_code == 2


def test_sql_command(lake, sample_provider, home):
    from finlake_tests.conftest import after_close

    run(lake, sample_provider(after_close(DAYS[-1])), DAYS, "r1")
    out = CliRunner().invoke(
        main,
        [
            "sql",
            "SELECT ticker, count(*) AS n FROM prices_daily GROUP BY 1 ORDER BY 1",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    frame = pl.read_csv(out.stdout.encode())
    assert frame["ticker"].to_list() == sorted(TICKERS)
    assert frame["n"].to_list() == [len(DAYS)] * len(TICKERS)
    broken = CliRunner().invoke(main, ["sql", "SELECT * FROM no_such_view"])
    assert broken.exit_code == 1 and "no_such_view" in broken.stderr
