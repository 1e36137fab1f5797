"""`finlake export`: one catalog view, optionally filtered, written to a CSV, Parquet or JSON file.

The view name must be one the catalog has, and the filter must parse as a single boolean
expression over the view's columns. The query that runs is rebuilt from the parsed expression,
so DuckDB executes exactly what was checked, on the catalog's read-only connection.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from finlake.catalog import Catalog
from finlake.catalog_sql import sql_identifier, sql_string
from finlake.settings import home_path
from finlake.storage import temp_path

# --format -> DuckDB COPY options (json: one object per line)
FORMATS: dict[str, str] = {
    "csv": "FORMAT csv, HEADER true",
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "json": "FORMAT json",
}


def catalog_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What can be exported: dataset views, derived views and model views or tables, not the
    catalog's own bookkeeping tables (named with a leading underscore)."""
    rows = con.sql(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal "
        "UNION SELECT table_name FROM duckdb_tables() WHERE NOT internal"
    ).fetchall()
    return sorted(name for (name,) in rows if not name.startswith("_"))


def predicate(where: str) -> str:
    """`where` as SQL DuckDB can run, if it is one boolean expression: no statement separator,
    no other clause (GROUP BY, UNION, LIMIT, ...) and no subquery, so a filter can only look at
    the exported row. Comments are dropped: only the checked tree is rendered."""
    try:
        tokens = sqlglot.tokenize(where, read="duckdb")
        statements = sqlglot.parse(f"SELECT 1 WHERE {where}", read="duckdb")
    except SqlglotError as exc:
        raise ValueError(f"--where is not a SQL expression: {exc}") from None
    if any(token.token_type == TokenType.SEMICOLON for token in tokens):
        raise ValueError("--where must be one expression: ';' is not allowed")
    tree = statements[0] if len(statements) == 1 else None
    clauses = {key for key, value in tree.args.items() if value} if tree else set()
    if not isinstance(tree, exp.Select) or clauses != {"expressions", "where"}:
        raise ValueError("--where must be a boolean expression only, with no other clause")
    if any(node is not tree for node in tree.find_all(exp.Query, exp.DDL, exp.DML, exp.Command)):
        raise ValueError("--where may not contain a subquery or another statement")
    return tree.args["where"].this.sql(dialect="duckdb", comments=False)


def export(
    view: str,
    out: Path,
    fmt: str,
    where: str | None = None,
    home: str | Path | None = None,
) -> int:
    """Write the view's rows (those matching `where`) to `out` and return how many. The file
    appears complete or not at all: DuckDB writes a temporary file beside it that is renamed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    condition = predicate(where) if where is not None else None
    root = home_path(home)
    out = target_file(Path(out), root)
    tmp = temp_path(out)
    con = Catalog(root).connect(writable=[tmp])  # the one file this connection may write
    try:
        views = catalog_views(con)
        if view not in views:
            raise ValueError(f"no view {view!r} in the catalog; one of: {', '.join(views)}")
        query = f"SELECT * FROM {sql_identifier(view)}"
        if condition is not None:
            query += f" WHERE {condition}"
        copy = f"COPY ({query}) TO {sql_string(str(tmp))} ({FORMATS[fmt]}, USE_TMP_FILE false)"
        try:
            [(rows,)] = con.execute(copy).fetchall()
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return int(rows)
    finally:
        con.close()


def target_file(out: Path, home: Path) -> Path:
    """The export's target, refused when it lies inside the home (an export must never replace
    a lake, catalog or Dagster file), is a directory, or its directory does not exist (a typo
    must not create directories)."""
    out = out.expanduser().resolve()
    if out.is_relative_to(home):
        raise ValueError(f"refusing to write {out}: it is inside the finlake home {home}")
    if out.is_dir():
        raise ValueError(f"{out} is a directory; give a file name")
    if not out.parent.is_dir():
        raise ValueError(f"the directory {out.parent} does not exist")
    return out
