"""First contact: no command pays for compiling the environment before it starts."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_uv_does_not_recompile_the_environment_on_every_run():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "compile-bytecode" not in config.get("tool", {}).get("uv", {})


def test_finlake_caches_bytecode_even_where_the_environment_forbids_it(tmp_path):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import finlake"], env=env, check=True, timeout=120)
    written = {p.name.split(".")[0] for p in tmp_path.rglob("*.pyc")}
    assert {"frame", "query"} <= written  # polars' and finlake's own modules
