"""The whole lake on S3 (FINLAKE_LAKE_URI=s3://bucket/prefix) against moto's server on
127.0.0.1: the same Dagster runs give the same tables as on local disk, nothing of the lake
lands on the local disk, and the README's tools (sql, history, time travel, maintain, export,
summary) work on it. A missing bucket or a bad URI fails at once, naming it, never a secret."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from click.testing import CliRunner

import finlake
from finlake.calendar import nyse
from finlake.cli import main as cli
from finlake.datasets import PRICES_DAILY
from finlake.definitions import build_defs
from finlake.defs.indicators.assets import INDICATORS_KEY
from finlake.defs.prices.assets import (
    BRONZE_KEY,
    CORPORATE_ACTIONS_KEY,
    PRICES_ADJUSTED_KEY,
    PRICES_DAILY_KEY,
)
from finlake.defs.resources import FinlakeResource
from finlake.lake import Lake
from finlake.settings import HomeMismatchError, Settings
from finlake.storage import LakeConfigError, Store
from finlake_tests.s3server import SECRET_KEY

pytestmark = pytest.mark.filterwarnings("ignore::dagster.BetaWarning")
SESSIONS = nyse().sessions_back(dt.date(2026, 11, 20), 25)
TICKERS = "AAPL,MSFT"
COMPARED = "SELECT ticker, date, open, high, low, close, volume FROM {} ORDER BY ticker, date"


def build(home: Path) -> None:
    """A prices backfill, the adjusted history, the indicators and the catalog: Dagster runs
    as the schedules launch them."""
    defs = build_defs(FinlakeResource(home=str(home), source="sample"))
    job = defs.resolve_job_def("prices_daily_job")
    instance = dg.DagsterInstance.ephemeral()
    tags = {
        "dagster/asset_partition_range_start": SESSIONS[0].isoformat(),
        "dagster/asset_partition_range_end": SESSIONS[-1].isoformat(),
    }
    for selection in (
        [BRONZE_KEY, PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY],
        [PRICES_ADJUSTED_KEY],
        [INDICATORS_KEY],
    ):
        run = job.execute_in_process(instance=instance, tags=tags, asset_selection=selection)
        assert run.success


@pytest.fixture(scope="module")
def homes(tmp_path_factory, s3_server):
    """(local home, S3 home, bucket, its keys once built) built by the same runs."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FINLAKE_SOURCE", "sample")
        mp.setenv("FINLAKE_UNIVERSE", TICKERS)
        local = tmp_path_factory.mktemp("local") / "home"
        mp.setenv("FINLAKE_HOME", str(local))
        build(local)
        remote = tmp_path_factory.mktemp("s3") / "home"
        bucket = s3_server.new_bucket()
        mp.setenv("FINLAKE_HOME", str(remote))
        for name, value in s3_server.env(bucket).items():
            mp.setenv(name, value)
        build(remote)
        yield local, remote, bucket, s3_server.keys(bucket)


@pytest.fixture
def on_s3(homes, s3_server, monkeypatch):
    """The environment a user of the S3 home has."""
    _, remote, bucket, _ = homes
    monkeypatch.setenv("FINLAKE_SOURCE", "sample")
    monkeypatch.setenv("FINLAKE_UNIVERSE", TICKERS)
    monkeypatch.setenv("FINLAKE_HOME", str(remote))
    for name, value in s3_server.env(bucket).items():
        monkeypatch.setenv(name, value)
    return remote, bucket


def test_the_same_runs_give_the_same_tables_on_s3(homes, on_s3, monkeypatch):
    local, remote, _, _ = homes
    with finlake.connect(remote) as con:
        on_s3_tables = {
            view: con.sql(COMPARED.format(view)).pl()
            for view in ("prices_daily", "prices_adjusted")
        }
        indicators_s3 = con.sql("SELECT * FROM indicators_daily").pl()
    for name in ("FINLAKE_LAKE_URI", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name)
    with finlake.connect(local) as con:
        for view, table in on_s3_tables.items():
            assert table.height == 2 * len(SESSIONS)
            assert table.equals(con.sql(COMPARED.format(view)).pl()), view
        indicators = con.sql("SELECT * FROM indicators_daily").pl()
    keys = ["ticker", "date"]
    assert indicators_s3.sort(keys).equals(indicators.sort(keys))


def test_nothing_of_the_lake_is_on_local_disk(homes):
    _, remote, _, keys = homes
    assert not (remote / "lake").exists()
    assert not list(remote.rglob("*.parquet")) and not list(remote.rglob("_delta_log"))
    assert any(k.startswith("lake/silver/prices_daily/_delta_log/") for k in keys)
    assert any(k.startswith("lake/bronze/yahoo_chart/") for k in keys)
    assert any(k.startswith("lake/gold/indicators_daily/") and k.endswith(".parquet") for k in keys)


def test_sql_history_time_travel_summary_and_export(on_s3, tmp_path):
    remote, _ = on_s3
    runner = CliRunner()
    shown = runner.invoke(cli, ["sql", "SELECT count(*) AS n FROM prices_daily"])
    assert shown.exit_code == 0, shown.output
    assert str(2 * len(SESSIONS)) in shown.output
    listed = runner.invoke(cli, ["history", "prices_daily"])
    assert listed.exit_code == 0, listed.output
    commits = Lake.of_home(remote).history(PRICES_DAILY)
    assert commits.height >= 1 and str(commits["version"].max()) in listed.output
    with finlake.connect(remote, as_of_version={"prices_daily": 0}) as con:
        # version 0 is the table's empty first commit
        assert con.execute("SELECT count(*) FROM prices_daily").fetchone()[0] == 0
    with finlake.connect(remote, as_of_time=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) as con:
        assert con.execute("SELECT count(*) FROM prices_daily").fetchone()[0] == 0
    summary = runner.invoke(cli, ["summary"])
    assert summary.exit_code == 0 and "prices_daily" in summary.output, summary.output
    out = tmp_path / "prices.parquet"
    exported = runner.invoke(cli, ["export", "prices_daily", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert pl.read_parquet(out).height == 2 * len(SESSIONS)


def test_maintain_on_s3(on_s3, s3_server):
    remote, bucket = on_s3
    before = s3_server.keys(bucket)
    runner = CliRunner()
    shown = runner.invoke(cli, ["maintain", "--dry-run", "--retention-hours", "0"])
    assert shown.exit_code == 0 and "dry run" in shown.output, shown.output
    assert s3_server.keys(bucket) == before
    done = runner.invoke(cli, ["maintain", "--retention-hours", "0"])
    assert done.exit_code == 0, done.output
    keys = s3_server.keys(bucket)
    assert any(k.endswith(".checkpoint.parquet") for k in keys)
    with finlake.connect(remote) as con:
        assert con.execute("SELECT count(*) FROM prices_daily").fetchone()[0] == 2 * len(SESSIONS)


def test_a_missing_bucket_fails_at_once_naming_it_without_the_secret(s3_home, monkeypatch):
    home, _ = s3_home
    monkeypatch.setenv("FINLAKE_LAKE_URI", "s3://finlake-no-such-bucket/lake")
    defs = build_defs(FinlakeResource(home=str(home), source="sample"))
    job = defs.resolve_job_def("prices_daily_job")
    with pytest.raises(dg.DagsterResourceFunctionError) as raised:
        job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            partition_key=SESSIONS[-1].isoformat(),
            asset_selection=[BRONZE_KEY],
        )
    message = str(raised.value.__cause__)
    assert isinstance(raised.value.__cause__, LakeConfigError)
    assert "finlake-no-such-bucket" in message and SECRET_KEY not in message


@pytest.mark.parametrize(
    "uri", ["s3://Bad_Bucket/lake", "s3://bucket/../etc", "gs://bucket/lake", "relative/lake"]
)
def test_a_bad_lake_uri_is_a_configuration_error(uri, tmp_path, monkeypatch):
    monkeypatch.setenv("FINLAKE_LAKE_URI", uri)
    with pytest.raises(LakeConfigError, match="FINLAKE_LAKE_URI"):
        Settings(home=tmp_path / "home", source="sample", universe=()).lake_location  # noqa: B018


def test_a_home_refuses_a_lake_other_than_its_own(on_s3, monkeypatch):
    remote, _ = on_s3
    monkeypatch.setenv("FINLAKE_LAKE_URI", "s3://another-bucket/lake")
    with pytest.raises(HomeMismatchError, match="another-bucket"):
        Settings(home=remote, source="sample", universe=()).ensure_home()


def test_moto_refuses_a_second_create_of_a_commit_file(s3_server):
    """Delta's commit on S3 is a PUT with If-None-Match: *; a store that ignored it would let
    two writers both 'win' one version. moto honours it, so the commit tests below are real."""
    client, bucket = s3_server.client(), s3_server.new_bucket()
    key = "lake/t/_delta_log/00000000000000000001.json"
    client.put_object(Bucket=bucket, Key=key, Body=b"first", IfNoneMatch="*")
    with pytest.raises(client.exceptions.ClientError, match="PreconditionFailed"):
        client.put_object(Bucket=bucket, Key=key, Body=b"second", IfNoneMatch="*")
    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == b"first"


def test_a_write_beaten_on_s3_by_another_machines_commit_is_redone(s3_server, monkeypatch):
    """Two writers with no lock in common (two machines): the one whose commit loses the race
    redoes its write on the newer version, and both rows are stored."""
    from finlake_tests.unit.test_lake import check_a_beaten_write_is_redone

    env = s3_server.env(s3_server.new_bucket())
    store = Store.at(env["FINLAKE_LAKE_URI"], env)
    check_a_beaten_write_is_redone(Lake(store, locks=False), Lake(store, locks=False), monkeypatch)


def test_retention_on_s3(on_s3, s3_server):
    """Bronze older than the policy goes from the bucket (dry run first: nothing goes)."""
    _, bucket = on_s3

    def bronze() -> list[str]:
        return [
            k for k in s3_server.keys(bucket, "lake/bronze/yahoo_chart/") if k.endswith(".parquet")
        ]

    kept = bronze()
    runner = CliRunner()
    listed = runner.invoke(cli, ["retention", "--keep", "bronze/yahoo_chart=1"])
    assert listed.exit_code == 0, listed.output
    assert "would remove 0 rows" not in listed.output
    assert bronze() == kept
    applied = runner.invoke(cli, ["retention", "--keep", "bronze/yahoo_chart=1", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "removed" in applied.output
    assert len(bronze()) < len(kept)
