"""SQL models: discovery, header parsing and dependency inference.

A model is one `.sql` file under `staging/` or `marts/` of the models directory. Its leading `--`
lines are a YAML header (materialization, docs, tests); the rest is plain DuckDB SQL that runs
unchanged against `finlake.connect()`. What a model reads is parsed from its SQL, never declared,
so the Dagster graph cannot drift from the queries. Nothing here imports Dagster: the catalog
build (imported by notebooks) uses it too; asset keys are plain tuples of strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

from finlake.catalog_sql import REFERENCE_TABLES, derived_views, sql_dir, table_macros
from finlake.datasets import DATASETS

MODELS_DIR_ENV = "FINLAKE_MODELS_DIR"
GROUPS = ("staging", "marts")
TESTS_DIR = "tests"
MATERIALIZATIONS = ("view", "table", "parquet")
HEADER_KEYS = {"materialized", "partition_by", "description", "columns", "tests"}
TEST_KINDS = ("unique", "not_null", "accepted_range", "relationships", "custom")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Key = tuple[str, ...]


class ModelError(ValueError):
    """A model (or the models directory) is invalid; the message names the file."""


@dataclass(frozen=True)
class ModelTest:
    """One header test; finlake.models.run.failing_rows_sql gives the query of its failing rows."""

    name: str  # the asset check name, unique per model
    kind: str  # one of TEST_KINDS
    columns: tuple[str, ...] = ()
    bounds: tuple[Any, Any] = (None, None)  # accepted_range: inclusive, None = unbounded
    reference: tuple[str, str] | None = None  # relationships: (table, column)
    file: Path | None = None  # custom: a query returning failing rows


@dataclass(frozen=True)
class Model:
    name: str  # the catalog view name
    key: Key  # the asset key path: (group, *subfolders, name)
    path: Path
    sql: str  # the body, without the header and a trailing semicolon
    materialized: str
    partition_by: str | None
    description: str | None
    columns: dict[str, str]
    tests: tuple[ModelTest, ...]
    refs: frozenset[str]  # tables, views and table macros the body reads

    @property
    def group(self) -> str:
        return self.key[0]

    @property
    def writes_files(self) -> bool:
        return self.materialized != "view"


@dataclass(frozen=True)
class Project:
    root: Path
    models: dict[str, Model]  # in topological order: a model comes after what it reads

    def upstream(self, name: str) -> list[Key]:
        """Asset keys a model reads: other models, and the datasets behind catalog views."""
        keys: set[Key] = set()
        for ref in self.models[name].refs:
            keys |= {self.models[ref].key} if ref in self.models else catalog_sources()[ref]
        return sorted(keys)

    def downstream(self, name: str) -> list[str]:
        """Models reading this one (its failing tests then block them)."""
        return [m.name for m in self.models.values() if name in m.refs]


def models_dir() -> Path:
    """$FINLAKE_MODELS_DIR, else finlake's own dbt_like_sql/ (packaged, or the checkout's)."""
    if raw := os.environ.get(MODELS_DIR_ENV, "").strip():
        return Path(raw).expanduser().resolve()
    return sql_dir()


# ------------------------------------------------------------------------------ SQL references
@functools.cache
def _builtin_table_functions() -> frozenset[str]:
    con = duckdb.connect()
    try:
        rows = con.sql(
            "SELECT DISTINCT function_name FROM duckdb_functions() "
            "WHERE function_type IN ('table', 'table_macro')"
        ).fetchall()
    finally:
        con.close()
    return frozenset(r[0].lower() for r in rows)


def table_refs(sql: str) -> set[str]:
    """Names of the tables, views and table macros a query reads (lower case), CTEs excluded.

    DuckDB's own table functions (read_parquet, range, ...) are not references. Raises
    sqlglot errors for SQL it cannot parse and ValueError for what is not one query."""
    statements = [s for s in sqlglot.parse(sql, dialect="duckdb") if s is not None]
    if len(statements) != 1:
        raise ValueError(f"expected one statement, found {len(statements)}")
    refs: set[str] = set()
    for scope in traverse_scope(statements[0]):
        for source in scope.sources.values():
            if not isinstance(source, exp.Table):
                continue  # a CTE, subquery or derived table
            target = source.this
            if isinstance(target, exp.Anonymous):
                name = target.name.lower()
                if name not in _builtin_table_functions() or name in _macro_names():
                    refs.add(name)
            elif isinstance(target, exp.Identifier):
                if source.db and source.db.lower() != "main":
                    raise ValueError(f"table {source.sql(dialect='duckdb')} is not in the catalog")
                refs.add(target.name.lower())
            elif not isinstance(target, exp.Func):  # typed DuckDB functions are builtins
                raise ValueError(f"unsupported table expression {source.sql(dialect='duckdb')}")
    return refs


def _macro_name(signature: str) -> str:
    return signature.split("(", 1)[0].strip().lower()


@functools.cache
def _macro_names() -> frozenset[str]:
    return frozenset(_macro_name(s) for s in table_macros())


@functools.cache
def catalog_sources() -> dict[str, frozenset[Key]]:
    """Every name the catalog defines besides models -> the dataset asset keys it reads.

    A dataset view is its own asset (layer, name); derived views and table macros resolve to the
    datasets their SQL reads, recursively."""
    sources: dict[str, frozenset[Key]] = {
        name: frozenset({(ds.layer, ds.name)}) for name, ds in DATASETS.items()
    } | {name: frozenset() for name in REFERENCE_TABLES}  # finlake's own reference data
    derived = derived_views() | {_macro_name(s): sql for s, sql in table_macros().items()}

    def resolve(name: str, seen: tuple[str, ...]) -> frozenset[Key]:
        if name in sources:
            return sources[name]
        if name in seen:
            raise ModelError(f"catalog views form a cycle: {' -> '.join((*seen, name))}")
        keys: set[Key] = set()
        for ref in table_refs(derived[name]):
            if ref not in sources and ref not in derived:
                raise ModelError(f"unknown table {ref} in catalog view {name}")
            keys |= resolve(ref, (*seen, name))
        sources[name] = frozenset(keys)
        return sources[name]

    for name in derived:
        resolve(name, ())
    return sources


# ------------------------------------------------------------------------------ header
def split_header(text: str) -> tuple[str, str]:
    """(YAML of the leading `--` lines with `-- ` removed, the SQL body). The header ends at the
    first other line, so comments after a blank line belong to the SQL."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    header: list[str] = []
    while i < len(lines) and lines[i].lstrip().startswith("--"):
        content = lines[i].lstrip()[2:]
        header.append(content[1:] if content.startswith(" ") else content)
        i += 1
    return "\n".join(header), "\n".join(lines[i:])


def _fail(path: Path, message: str) -> ModelError:
    return ModelError(f"{path}: {message}")


def _str_list(value: Any, what: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _fail(path, f"{what} must be a non-empty list of column names, not {value!r}")
    return tuple(value)


def _mapping(value: Any, what: str, path: Path) -> Mapping[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _fail(path, f"{what} must be a mapping of column names, not {value!r}")
    return value


def _check_name(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


def _bound(value: Any, column: str, path: Path) -> Any:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, f"accepted_range bound of {column} must be a number or date: {value!r}")
    return value


def parse_tests(raw: Any, path: Path, tests_dir: Path) -> tuple[ModelTest, ...]:
    """The header's `tests:` mapping -> one ModelTest per check, names unique."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise _fail(path, f"tests must be a mapping, not {raw!r}")
    if unknown := sorted(set(raw) - set(TEST_KINDS)):
        raise _fail(path, f"unknown test kind(s) {unknown}; known: {list(TEST_KINDS)}")
    tests: list[ModelTest] = []
    unique = raw.get("unique") or []
    if not isinstance(unique, list):
        raise _fail(path, f"unique must be a list of column lists, not {unique!r}")
    for cols in unique:
        cols = _str_list([cols] if isinstance(cols, str) else cols, "a unique key", path)
        tests.append(ModelTest(_check_name("unique", *cols), "unique", cols))
    for col in _str_list(raw["not_null"], "not_null", path) if "not_null" in raw else ():
        tests.append(ModelTest(_check_name("not_null", col), "not_null", (col,)))
    for col, bounds in _mapping(raw.get("accepted_range", {}), "accepted_range", path).items():
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise _fail(path, f"accepted_range of {col} must be [min, max], not {bounds!r}")
        low, high = (_bound(b, col, path) for b in bounds)
        if low is None and high is None:
            raise _fail(path, f"accepted_range of {col} needs a min or a max")
        if low is not None and high is not None and low > high:
            raise _fail(path, f"accepted_range of {col}: min {low} is above max {high}")
        tests.append(
            ModelTest(_check_name("accepted_range", col), "accepted_range", (col,), (low, high))
        )
    for col, target in _mapping(raw.get("relationships", {}), "relationships", path).items():
        table, _, column = target.partition(".") if isinstance(target, str) else ("", "", "")
        if not (table and column):
            raise _fail(path, f"relationships of {col} must be 'table.column', not {target!r}")
        ref = (table.lower(), column)
        tests.append(
            ModelTest(_check_name("relationships", col), "relationships", (col,), reference=ref)
        )
    custom = raw.get("custom") or []
    if not isinstance(custom, list) or not all(isinstance(f, str) for f in custom):
        raise _fail(path, f"custom must be a list of files in {tests_dir}, not {custom!r}")
    for name in custom:
        file = (tests_dir / name).resolve()
        if file.suffix != ".sql" or file.parent != tests_dir.resolve() or not file.is_file():
            raise _fail(path, f"custom test {name!r} is not a .sql file in {tests_dir}")
        tests.append(ModelTest(_check_name("custom", file.stem), "custom", file=file))
    names = [t.name for t in tests]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise _fail(path, f"duplicate test name(s) {dupes}")
    return tuple(tests)


def parse_model(path: Path, key: Key, tests_dir: Path) -> Model:
    """A model file -> Model; ModelError naming the file for any bad header value or SQL."""
    name = key[-1]
    if not NAME.fullmatch(name):
        raise _fail(path, f"model name {name!r} must match {NAME.pattern}")
    header_text, body = split_header(path.read_text())
    try:
        header = yaml.safe_load(header_text) if header_text.strip() else {}
    except yaml.YAMLError as exc:
        raise _fail(path, f"header is not valid YAML: {exc}") from exc
    if header is None:
        header = {}
    if not isinstance(header, dict):
        raise _fail(path, "the header must be a YAML mapping")
    if unknown := sorted(set(header) - HEADER_KEYS):
        raise _fail(path, f"unknown header key(s) {unknown}; known: {sorted(HEADER_KEYS)}")
    materialized = header.get("materialized", "view")
    if materialized not in MATERIALIZATIONS:
        raise _fail(path, f"materialized must be one of {list(MATERIALIZATIONS)}")
    partition_by = header.get("partition_by")
    if partition_by is not None:
        if materialized != "parquet":
            raise _fail(path, "partition_by needs materialized: parquet")
        if not isinstance(partition_by, str) or not partition_by:
            raise _fail(path, f"partition_by must be a column name, not {partition_by!r}")
    description = header.get("description")
    if description is not None and not isinstance(description, str):
        raise _fail(path, "description must be text")
    columns = _mapping(header.get("columns") or {}, "columns", path)
    if not all(isinstance(v, str) for v in columns.values()):
        raise _fail(path, "columns must map each column name to its description")
    sql = body.strip().rstrip(";").rstrip()
    if not sql:
        raise _fail(path, "no SQL after the header")
    try:
        refs = table_refs(sql)
    except (SqlglotError, ValueError) as exc:
        raise _fail(path, f"cannot read the SQL: {exc}") from exc
    return Model(
        name=name,
        key=key,
        path=path,
        sql=sql,
        materialized=materialized,
        partition_by=partition_by,
        description=description.strip() if description else None,
        columns=dict(columns),
        tests=parse_tests(header.get("tests"), path, tests_dir),
        refs=frozenset(refs),
    )


# ------------------------------------------------------------------------------ project
def topological_order(refs: Mapping[str, Iterable[str]]) -> list[str]:
    """Names ordered so each comes after the names it reads (only names that are keys count);
    ModelError on a cycle. Ties keep the input order."""
    order: list[str] = []
    state: dict[str, str] = {}  # "visiting" | "done"

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = (*path[path.index(name) :], name)
            raise ModelError(f"models form a cycle: {' -> '.join(cycle)}")
        state[name] = "visiting"
        for ref in sorted(set(refs[name])):
            if ref in refs:
                visit(ref, (*path, name))
        state[name] = "done"
        order.append(name)

    for name in refs:
        visit(name, ())
    return order


def discover(root: Path) -> list[tuple[Path, Key]]:
    """Every .sql under staging/ and marts/ (recursively) with its asset key path."""
    found = []
    for group in GROUPS:
        base = root / group
        for path in sorted(base.rglob("*.sql")) if base.is_dir() else []:
            rel = path.relative_to(base).with_suffix("")
            found.append((path, (group, *rel.parts)))
    return found


def load_project(root: Path | None = None) -> Project:
    """Parse every model of the directory, check names and references, order them."""
    root = Path(root) if root is not None else models_dir()
    tests_dir = root / TESTS_DIR
    models: dict[str, Model] = {}
    for path, key in discover(root):
        model = parse_model(path, key, tests_dir)
        if model.name in models:
            raise _fail(path, f"model name {model.name} is also {models[model.name].path}")
        if model.name in catalog_sources():
            raise _fail(path, f"model name {model.name} is already a catalog view or macro")
        models[model.name] = model
    known = set(models) | set(catalog_sources())
    for model in models.values():
        if unknown := sorted(model.refs - known):
            raise _fail(model.path, f"unknown table {unknown[0]} in model {model.name}")
        for test in model.tests:
            if test.reference and test.reference[0] not in known - _macro_names():
                raise _fail(model.path, f"unknown table {test.reference[0]} in test {test.name}")
            if test.file:
                try:
                    unknown = sorted(table_refs(test.file.read_text()) - known)
                except (SqlglotError, ValueError) as exc:
                    raise _fail(test.file, f"cannot read the SQL: {exc}") from exc
                if unknown:
                    raise _fail(test.file, f"unknown table {unknown[0]} in test {test.name}")
    order = topological_order({name: m.refs for name, m in models.items()})
    return Project(root=root, models={name: models[name] for name in order})
