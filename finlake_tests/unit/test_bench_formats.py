"""The Delta/Iceberg format benchmark at a toy size: both formats end up holding the same rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from finlake.bench_formats import markdown, run

TICKERS, YEARS = 5, 1
WRITES = ["initial_load", "append_session", "restate_ticker", "merge_month"]
READS = ["read_cross_section", "read_history", "duckdb_cross_section", "duckdb_history"]


def test_both_formats_agree_on_every_step(tmp_path: Path) -> None:
    results = run(tickers=TICKERS, years=YEARS, root=tmp_path, repeats=1)
    loaded = TICKERS * YEARS * 252
    total = loaded + TICKERS  # one appended session; the restate and the month keep the count
    expected_rows = dict.fromkeys(WRITES + READS, total) | {"initial_load": loaded}
    expected_read = {
        "read_cross_section": TICKERS,
        "duckdb_cross_section": TICKERS,
        "read_history": YEARS * 252 + 1,
        "duckdb_history": YEARS * 252 + 1,
    }
    assert results.height == 2 * len(WRITES + READS)
    for fmt in ("delta", "iceberg"):
        got = results.filter(pl.col("format") == fmt)
        by_op = {r["operation"]: r for r in got.iter_rows(named=True)}
        assert list(by_op) == WRITES + READS
        assert {op: r["rows_after"] for op, r in by_op.items()} == expected_rows
        assert {op: by_op[op]["rows_read"] for op in READS} == expected_read
        # one commit per write (per yearly chunk for the load); reads commit nothing
        assert [by_op[op]["commits"] for op in WRITES] == [YEARS, 1, 1, 1]
        assert all(by_op[op]["commits"] == 0 and by_op[op]["files_added"] == 0 for op in READS)
        assert all(r["files_in_table_after"] > 0 and r["seconds"] >= 0 for r in by_op.values())
        assert by_op["append_session"]["files_added"] == 1
    assert "| restate_ticker |" in markdown(results)
