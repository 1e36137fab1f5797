"""The one-way layering the codebase promises, checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the sample worlds are reached only through the sources' contracts (and the benchmarks)
MAY_IMPORT_SAMPLES = {"finlake/bench.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_finlake_reaches_the_sample_worlds_only_through_the_source_contracts():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "finlake").rglob("*.py"))
        if str(path.relative_to(ROOT)) not in MAY_IMPORT_SAMPLES
        and path.parent.name != "contracts"
        and any(n == "finlake_sample" or n.startswith("finlake_sample.") for n in _imports(path))
    ]
    assert offenders == []


def test_sources_and_contracts_skip_dagster_and_catalog_and_models_do_not_import_each_other():
    pure = [*(ROOT / "finlake/sources").rglob("*.py"), *(ROOT / "finlake/contracts").glob("*.py")]
    for path in sorted(pure):
        assert not any(n.split(".")[0] == "dagster" for n in _imports(path)), path
    models = {n for p in (ROOT / "finlake" / "models").glob("*.py") for n in _imports(p)}
    catalog = _imports(ROOT / "finlake" / "catalog.py")
    assert not any(n.startswith("finlake.models.run") for n in catalog)
    spec_and_views = _imports(ROOT / "finlake/models/spec.py") | _imports(
        ROOT / "finlake/models/views.py"
    )
    assert "finlake.catalog" not in spec_and_views and "finlake.catalog" in models
