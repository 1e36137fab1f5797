import os
import shlex
import subprocess
import sys

from click.testing import CliRunner

from finlake.catalog import Catalog
from finlake.cli import main
from finlake.demo import DAILY_RUNS, NEWS_HOURS


def test_demo_builds_a_queryable_lakehouse_through_dagster_runs(demo_build):
    result, lines = demo_build
    home = result.home
    assert all(ok for _, _, ok, _ in result.runs)
    # prices (backfill, adjusted, indicators) + SEC (companies, backfill, daily) + news (2)
    # + macro + policy + models
    assert len(result.runs) == 3 + 3 + DAILY_RUNS + 2 + 2 + 1
    assert result.checks
    assert all(passed for _, _, severity, passed in result.checks if severity == "ERROR")
    text = "\n".join(lines)
    assert "converted silver/fomc_meetings (1 rows) to a Delta table" in text  # an old layout
    for word in (
        "prices_daily",
        "corporate_actions",
        "prices_adjusted",
        "quarantine",
        "sec_filings",
        "insider_transactions",
        "fundamentals",
        "filing_text",
        "Example query",
        "revenue_bn",
        "news_articles",
        "news_sentiment_daily",
        "most_negative_headline",
        "macro_observations",
        "policy_events",
        "fomc_meetings",
        "first_release",
        "target_high",
        "features_daily",
        "mcap_bn",
    ):
        assert word in text
    con = Catalog(home).connect()
    sessions = con.sql("SELECT count(DISTINCT date) FROM prices_daily").fetchall()[0][0]
    filings = con.sql("SELECT count(*) FROM sec_filings").fetchall()[0][0]
    hours = con.sql("SELECT count(DISTINCT date_trunc('hour', fetched_at)) FROM news_articles")
    polled = hours.fetchall()[0][0]
    con.close()
    assert sessions == len(result.sessions)
    assert filings > 0
    assert polled > NEWS_HOURS // 2  # most hourly polls bring at least one new story


def test_the_next_hints_run_as_printed(demo_build):
    """The commands the demo suggests work outside the demo's process, on the demo's home."""
    result, lines = demo_build
    hints = [line for line in "\n".join(lines).splitlines() if "uv run python -c" in line]
    assert len(hints) == 3
    for hint in hints:
        assert f"FINLAKE_HOME={result.home} " in hint  # not the default home: it must say so
        code = shlex.split(hint.split("uv run python -c", 1)[1])[0]
        env = {**os.environ, "FINLAKE_HOME": str(result.home)}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "shape:" in done.stdout


def test_the_demo_is_sample_only(monkeypatch, tmp_path):
    monkeypatch.setenv("FINLAKE_SOURCE", "live")
    result = CliRunner().invoke(main, ["demo", "--home", str(tmp_path / "h")])
    assert result.exit_code == 1
    assert "sample source only" in result.stderr and "FINLAKE_SOURCE=live" in result.stderr
    assert not (tmp_path / "h").exists()
