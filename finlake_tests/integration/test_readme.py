"""Every example of the README's query section returns rows on the demo home."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import finlake

README = Path(__file__).resolve().parents[2] / "README.md"


def python_examples() -> list[str]:
    """The statements of the README's notebook example, one call per entry."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    calls, current = [], ""
    for line in block.splitlines():
        code = line.split("  #")[0].rstrip()
        if not code or code.startswith(("import ", "con = ")):
            continue
        current += code.strip()
        if current.count("(") == current.count(")"):
            calls.append(current)
            current = ""
    return calls


def sql_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"`(SELECT \* FROM \w+\(DATE '[0-9-]+'\) WHERE [^`]+)`", text)


def test_the_readme_has_examples():
    assert len(python_examples()) >= 14 and len(sql_examples()) == 2


@pytest.mark.parametrize("example", python_examples())
def test_each_python_example_returns_rows(demo_lake, monkeypatch, example):
    monkeypatch.setenv("FINLAKE_HOME", str(demo_lake))
    con = finlake.connect()
    try:
        result = eval(example, {"finlake": finlake, "con": con})  # the README's own code
        frame = result if isinstance(result, pl.DataFrame) else result.pl()
    finally:
        con.close()
    assert frame.height > 0, example


@pytest.mark.parametrize("query", sql_examples())
def test_each_sql_example_returns_rows(demo_lake, query):
    assert finlake.sql(query, home=demo_lake).height > 0, query
