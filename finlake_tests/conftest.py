"""Shared fixtures: temp homes, the real captured payloads, sample providers at a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from finlake.calendar import nyse
from finlake.lake import Lake
from finlake.sources.yahoo.provider import YahooProvider
from finlake_sample.yahoo import SampleChartTransport

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """../shared/realdata beside the repository; tests that need it skip when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not available")
    return REALDATA


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty sample-mode home, selected through the environment (restored afterwards)."""
    path = tmp_path / "home"
    monkeypatch.setenv("FINLAKE_HOME", str(path))
    monkeypatch.setenv("FINLAKE_SOURCE", "sample")
    monkeypatch.delenv("FINLAKE_UNIVERSE", raising=False)
    monkeypatch.delenv("FINLAKE_UNIVERSE_FILE", raising=False)
    return path


@pytest.fixture
def lake(home: Path) -> Lake:
    return Lake(home / "lake")


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on 127.0.0.1 for the session (finlake_tests.s3server)."""
    pytest.importorskip("moto.server", reason="moto[server] (a dev dependency) is not installed")
    from finlake_tests.s3server import moto_server

    with moto_server() as server:
        yield server


@pytest.fixture
def s3_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3_server) -> tuple[Path, str]:
    """An empty sample-mode home whose lake is s3://<a new bucket>/lake, set through the
    environment as a user would: (home, bucket)."""
    home = tmp_path / "home"
    bucket = s3_server.new_bucket()
    monkeypatch.setenv("FINLAKE_HOME", str(home))
    monkeypatch.setenv("FINLAKE_SOURCE", "sample")
    monkeypatch.delenv("FINLAKE_UNIVERSE", raising=False)
    for name, value in s3_server.env(bucket).items():
        monkeypatch.setenv(name, value)
    return home, bucket


def after_close(day: dt.date, hours: float = 2) -> dt.datetime:
    return nyse().session_close(day) + dt.timedelta(hours=hours)


@pytest.fixture
def sample_provider() -> Callable[[dt.datetime], YahooProvider]:
    """A sample Yahoo provider whose market clock (and fetch clock) is fixed at `as_of`."""

    def make(as_of: dt.datetime) -> YahooProvider:
        return YahooProvider(SampleChartTransport(as_of), clock=lambda: as_of)

    return make


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory):
    """The demo run once for the session (half a year of every domain, models built): its
    DemoResult and printed lines. Tests that only read the lakehouse share it."""
    import os

    from finlake.demo import run_demo
    from finlake.pipelines.policy import meetings_table
    from finlake.sources.fed.meetings import load_meetings

    home = tmp_path_factory.mktemp("demo") / "home"
    # a dataset in the layout before the Delta tables: the demo converts its home first
    legacy = home / "lake" / "silver" / "fomc_meetings" / "data.parquet"
    legacy.parent.mkdir(parents=True)
    meetings_table(load_meetings()).head(1).write_parquet(legacy)
    lines: list[str] = []
    saved = {k: os.environ.get(k) for k in ("FINLAKE_HOME", "FINLAKE_SOURCE")}
    try:
        result = run_demo(home, years=0.5, echo=lines.append)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return result, lines


@pytest.fixture(scope="session")
def demo_lake(demo_build) -> Path:
    return demo_build[0].home


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder: `uv run pytest -m unit` is the fast edit-test loop (pure
    functions and parsers, no Dagster runs); `-m integration` the rest."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        item.add_marker("unit" if "unit" in parts else "integration")
