"""Macro vintages through bronze and silver into the catalog, on FRED's real GDP history.

The transport below answers like FRED does from the real all-vintages capture: a real-time
window clips every interval to it and hides vintages after the clock, so the pipeline's
windowing, incremental fetches and merging run on real revision patterns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import orjson
import polars as pl
import pytest

import finlake
from finlake.catalog import Catalog
from finlake.datasets import MACRO_OBSERVATIONS, QUARANTINE
from finlake.lake import Lake
from finlake.pipelines import macro as pipeline
from finlake.pipelines.macro import build_macro_silver, fetch_macro
from finlake.sources.base import HttpExchange
from finlake.sources.fred.payloads import parse_observations

D = dt.date
SERIES_JSON = {
    "realtime_start": "2025-01-20",
    "realtime_end": "2025-01-20",
    "seriess": [
        {
            "id": "GDP",
            "title": "Gross Domestic Product",
            "frequency": "Quarterly",
            "units": "Billions of Dollars",
            "seasonal_adjustment_short": "SAAR",
        }
    ],
}


class RealGdp:
    """FRED's answers for GDP, cut from the real all-vintages capture at a clock."""

    def __init__(self, fred: Path, clock: dt.date) -> None:
        doc = orjson.loads((fred / "observations_GDP_alfred_all_vintages.json").read_bytes())
        self.rows = doc["observations"]
        self.vintages = orjson.loads((fred / "vintagedates_GDP.json").read_bytes())["vintage_dates"]
        self.clock = clock.isoformat()
        self.requests: list[tuple[str, dict]] = []

    def get(self, endpoint: str, params: Mapping[str, str]) -> HttpExchange:
        self.requests.append((endpoint, dict(params)))
        if params["series_id"] != "GDP":
            body = b'{"error_code":400,"error_message":"Bad Request.  The series does not exist."}'
            return HttpExchange(endpoint, dict(params), 400, body)
        start = params.get("realtime_start", "1776-07-04")
        end = min(params.get("realtime_end", "9999-12-31"), self.clock)
        if endpoint == "series":
            body = orjson.dumps(SERIES_JSON)
        elif endpoint == "series/vintagedates":
            dates = [v for v in self.vintages if start <= v <= end]
            body = orjson.dumps({"count": len(dates), "vintage_dates": dates})
        else:
            clipped = [
                {
                    **r,
                    "realtime_start": max(r["realtime_start"], start),
                    "realtime_end": min(self._end(r), params["realtime_end"]),
                }
                for r in self.rows
                if r["realtime_start"] <= end and r["realtime_end"] >= start
            ]
            body = orjson.dumps({"count": len(clipped), "observations": clipped})
        return HttpExchange(endpoint, dict(params), 200, body)

    def _end(self, row: dict) -> str:
        """A value still current at the clock is open-ended: its revision is in the future."""
        return "9999-12-31" if row["realtime_end"] > self.clock else row["realtime_end"]


@pytest.fixture
def fred(realdata) -> Path:
    return realdata / "fred"


def run(lake: Lake, transport, series=("GDP",), clock=dt.datetime(2025, 1, 20, tzinfo=dt.UTC)):
    report = fetch_macro(transport, lake, series, clock=clock, run_id="r")
    return report, build_macro_silver(lake, run_id="r")


def expected(fred: Path, name: str) -> pl.DataFrame:
    return parse_observations((fred / f"observations_GDP_{name}.json").read_bytes(), "GDP")


def test_acceptance_as_of_first_release_and_latest_in_sql(fred, lake, home, monkeypatch):
    monkeypatch.setattr(pipeline, "vintage_windows", _small_windows)
    report, silver = run(lake, RealGdp(fred, D(2025, 1, 20)))
    assert report.new_vintages == {"GDP": 393} and silver.failed == []
    assert report.requests == 2 + 8  # vintage dates, description, 393 vintages in windows of 50
    stored = lake.scan(MACRO_OBSERVATIONS).collect()
    full = expected(fred, "alfred_all_vintages")
    key = ["date", "realtime_start"]
    core = ["date", "value", "realtime_start", "realtime_end"]
    assert stored.sort(key).select(core).equals(full.sort(key).select(core))
    assert set(stored["title"]) == {"Gross Domestic Product"}
    Catalog(home).build()

    known = expected(fred, "alfred_asof_2019-01-01").filter(pl.col("realtime_end") == D(2019, 1, 1))
    asof = finlake.macro("GDP", as_of="2019-01-01")
    assert asof.height == known.height == 291
    assert asof.select("date", "value").equals(known.sort("date").select("date", "value"))
    sql = finlake.sql("SELECT date, value FROM macro_asof(DATE '2019-01-01') ORDER BY date")
    assert sql.equals(asof.select("date", "value"))

    initial = expected(fred, "alfred_initial_release")
    first = finlake.macro("GDP", first_release=True).join(
        initial.select("date", pl.col("value").alias("initial")), on="date"
    )
    assert first.height == initial.height == 132
    assert (first["value"] == first["initial"]).all()

    latest = finlake.macro("GDP").select("date", "value")
    plain = expected(fred, "2025-01-20").select("date", "value")
    assert latest.equals(plain.sort("date"))


def _small_windows(vintages, cap=2000):
    """Force several real-time windows (as a daily series would need) on GDP's 393 vintages."""
    from finlake.sources.fred.payloads import vintage_windows

    return vintage_windows(vintages, cap=50)


def test_incremental_runs_fetch_only_new_vintages_and_match_one_full_load(fred, lake, tmp_path):
    old = RealGdp(fred, D(2019, 1, 1))
    run(lake, old, clock=dt.datetime(2019, 1, 1, 12, tzinfo=dt.UTC))
    newer = RealGdp(fred, D(2025, 1, 20))
    report, _ = run(lake, newer)
    starts = [p["realtime_start"] for e, p in newer.requests if e == "series/observations"]
    assert starts == ["2018-12-21"]  # from the last stored vintage on, not from 1776
    assert 0 < report.new_vintages["GDP"] < 393
    again = RealGdp(fred, D(2025, 1, 20))
    repeat, silver = run(lake, again)
    assert repeat.unchanged == ["GDP"] and silver.changed == []
    assert [e for e, _ in again.requests] == ["series/vintagedates"]

    whole = Lake(tmp_path / "whole")
    run(whole, RealGdp(fred, D(2025, 1, 20)))
    key = ["date", "realtime_start"]
    core = ["date", "value", "realtime_start", "realtime_end"]
    assert (
        lake.scan(MACRO_OBSERVATIONS)
        .collect()
        .sort(key)
        .select(core)
        .equals(whole.scan(MACRO_OBSERVATIONS).collect().sort(key).select(core))
    )


def test_a_broken_payload_keeps_the_series_at_its_last_good_state(fred, lake):
    run(lake, RealGdp(fred, D(2019, 1, 1)), clock=dt.datetime(2019, 1, 1, 12, tzinfo=dt.UTC))
    before = lake.scan(MACRO_OBSERVATIONS).collect()

    class Broken(RealGdp):
        def get(self, endpoint, params):
            out = super().get(endpoint, params)
            if endpoint == "series/observations":
                body = out.body.replace(b'"value":"', b'"value":"x', 1)
                return HttpExchange(out.url, out.params, 200, body)
            return out

    report, silver = run(lake, Broken(fred, D(2025, 1, 20)), series=("GDP", "NOPE"))
    assert [f["series_id"] for f in report.failures] == ["NOPE"]
    assert silver.failed == ["GDP"] and "unreadable observation" in silver.rejected["reason"][0]
    assert lake.scan(MACRO_OBSERVATIONS).collect().equals(before)
    quarantine = (
        lake.scan(QUARANTINE)
        .filter(
            (pl.col("dataset") == MACRO_OBSERVATIONS.name) & (pl.col("partition") == "2025-01-20")
        )
        .collect()
    )
    assert quarantine.height == 1
    rebuilt = build_macro_silver(lake, run_id="again", rebuild=True)
    assert rebuilt.failed == ["GDP"]  # the broken batch is still broken when refolded
    assert lake.scan(MACRO_OBSERVATIONS).collect().equals(before)
