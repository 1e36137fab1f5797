"""An installed finlake works outside the repository: its SQL, dagster.yaml and dg settings ship
in the wheel. Built with `uv build`, installed into a clean venv, run from another directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys, tempfile
from pathlib import Path
import finlake
assert "site-packages" in finlake.__file__, finlake.__file__
from finlake.catalog import Catalog
from finlake.catalog_sql import derived_views, sql_dir, table_macros
from finlake.definitions import build_defs
from finlake.instance import instance_for
from finlake.models.spec import load_project, models_dir
from finlake.query import sql
from finlake.settings import Settings
home = Path(tempfile.mkdtemp()) / "home"
(home / "lake").mkdir(parents=True)
project = load_project(models_dir())
assert "features_daily" in project.models and sql_dir().parent == Path(finlake.__file__).parent
assert "prices_as_traded" in derived_views() and "macro_asof(as_of)" in table_macros()
assert len(list(build_defs().assets)) > 20
instance_for(Settings.from_env(home=home)).get_runs()
report = Catalog(home).build()
assert report.models["features_daily"] == "not materialized yet", report.models
print(sql("SELECT count(*) AS n FROM nyse_sessions WHERE early_close", home=home)["n"].item())
"""


def test_the_dg_settings_of_the_wheel_match_pyproject():
    packaged = tomllib.loads((ROOT / "finlake" / "dg.toml").read_text())
    checkout = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dg"]
    assert packaged == checkout


def test_an_installed_wheel_runs_outside_the_checkout(tmp_path):
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    subprocess.run([uv, "build", "--wheel", "-o", str(tmp_path / "dist")], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("finlake-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "finlake/dagster.yaml",
        "finlake/dg.toml",
        "finlake/dbt_like_sql/marts/features_daily.sql",
        "finlake/dbt_like_sql/catalog/macros/macro_asof.sql",
        "finlake_sample/news.py",
    } <= names
    venv = tmp_path / "venv"
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([uv, "venv", "-q", "-p", py, str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), str(wheel)], check=True,
                   capture_output=True)  # fmt: skip
    out = subprocess.run(
        [str(python), "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout.split()[-1]) > 20  # early closes 2000 to two years ahead
