from finlake.catalog import Catalog
from finlake.demo import DAILY_RUNS, run_demo


def test_demo_builds_a_queryable_lakehouse_through_dagster_runs(home):
    lines: list[str] = []
    result = run_demo(home, years=0.05, echo=lines.append)
    assert all(ok for _, _, ok, _ in result.runs)
    assert len(result.runs) == 3 + 3 + DAILY_RUNS  # prices + SEC (companies, backfill, daily)
    assert result.checks
    assert all(passed for _, _, severity, passed in result.checks if severity == "ERROR")
    text = "\n".join(lines)
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
    ):
        assert word in text
    con = Catalog(home).connect()
    sessions = con.sql("SELECT count(DISTINCT date) FROM prices_daily").fetchall()[0][0]
    filings = con.sql("SELECT count(*) FROM sec_filings").fetchall()[0][0]
    con.close()
    assert sessions == len(result.sessions)
    assert filings > 0
