"""FRED JSON parsing, vintage merging and the live transport's edge (no network)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

import httpx
import polars as pl
import pytest

from finlake.sources.base import PayloadError, RetryableSourceError, SourceError
from finlake.sources.fred.client import FredConfigError, LiveFredTransport, api_key
from finlake.sources.fred.payloads import (
    OPEN_END,
    InvalidSeriesError,
    VintageCapError,
    fred_error,
    macro_series,
    parse_observations,
    parse_series,
    parse_vintage_dates,
    validate_series_id,
    vintage_windows,
)
from finlake.sources.http import CrossProcessRateLimiter
from finlake.transforms.vintages import as_of, coalesce_intervals, merge_vintages, overlapping

D = dt.date
KEY = "abcdef0123456789abcdef0123456789"


@pytest.fixture(scope="module")
def fred(realdata):
    return realdata / "fred"


def obs(fred, name: str) -> pl.DataFrame:
    return parse_observations((fred / f"observations_GDP_{name}.json").read_bytes(), "GDP")


def clip(rows: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """What FRED answers for a real-time window: intervals clipped to it."""
    return rows.filter(
        (pl.col("realtime_end") >= start) & (pl.col("realtime_start") <= end)
    ).with_columns(
        pl.max_horizontal("realtime_start", pl.lit(start)).alias("realtime_start"),
        pl.min_horizontal("realtime_end", pl.lit(end)).alias("realtime_end"),
    )


def test_real_files_parse_with_their_counts(fred):
    assert obs(fred, "2025-01-20").height == 315
    assert obs(fred, "alfred_all_vintages").height == 3201
    assert obs(fred, "alfred_asof_2019-01-01").height == 2902
    assert obs(fred, "alfred_initial_release").height == 132
    dates = parse_vintage_dates((fred / "vintagedates_GDP.json").read_bytes())
    assert len(dates) == 393 and dates[0] == D(1991, 12, 4)
    plain = obs(fred, "2025-01-20")
    assert plain["value"].null_count() > 0  # FRED's "." is missing, not zero
    assert set(plain["realtime_start"]) == set(plain["realtime_end"]) == {D(2024, 12, 19)}


def test_the_two_gdp_snapshots_show_a_revision(fred):
    def q3(name: str) -> float:
        return obs(fred, name).filter(pl.col("date") == D(2024, 7, 1))["value"].item()

    assert q3("2024-11-03") == 29349.924
    assert q3("2025-01-20") == 29374.914


def test_as_of_from_all_vintages_equals_the_as_of_file(fred):
    known = obs(fred, "alfred_asof_2019-01-01").filter(pl.col("realtime_end") == D(2019, 1, 1))
    got = as_of(obs(fred, "alfred_all_vintages"), D(2019, 1, 1))
    assert got.height == known.height == 291
    columns = ["date", "value"]
    assert got.sort("date").select(columns).equals(known.sort("date").select(columns))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merging_windowed_fetches_rebuilds_the_history_whatever_the_windows(fred, seed):
    full = obs(fred, "alfred_all_vintages")
    cuts = sorted(random.Random(seed).sample(range(7500, 20000), 6))
    bounds = [D(1776, 7, 4), *(D(1970, 1, 1) + dt.timedelta(days=c) for c in cuts)]
    stored = full.head(0)
    for start, nxt in zip(bounds, [*bounds[1:], None], strict=True):
        end = nxt - dt.timedelta(days=1) if nxt else OPEN_END
        stored = merge_vintages(stored, clip(full, start, end), start)
    key = ["date", "realtime_start"]
    assert stored.sort(key).equals(full.sort(key))
    again = merge_vintages(stored, clip(full, bounds[3], OPEN_END), bounds[3])
    assert again.sort(key).equals(full.sort(key))  # re-applying a fetch changes nothing
    assert overlapping(stored).is_empty()


def test_coalesce_joins_touching_equal_values_only():
    rows = pl.DataFrame(
        {
            "series_id": ["X"] * 4,
            "date": [D(2020, 1, 1)] * 4,
            "value": [1.0, 1.0, None, None],
            "realtime_start": [D(2020, 2, 1), D(2020, 2, 5), D(2020, 3, 1), D(2020, 3, 3)],
            "realtime_end": [D(2020, 2, 4), D(2020, 2, 28), D(2020, 3, 2), OPEN_END],
        }
    )
    out = coalesce_intervals(rows)
    assert out["realtime_start"].to_list() == [D(2020, 2, 1), D(2020, 3, 1)]
    assert out["realtime_end"].to_list() == [D(2020, 2, 28), OPEN_END]
    gap = rows.with_columns(pl.Series("realtime_start", [D(2020, 2, 1), D(2020, 2, 6)] * 2))
    assert coalesce_intervals(gap.head(2)).height == 2  # a day apart: not touching


def test_vintage_windows_respect_the_cap():
    days = [D(2020, 1, 1) + dt.timedelta(days=i) for i in range(4500)]
    windows = vintage_windows(days)
    assert len(windows) == 3 and windows[-1][1] == OPEN_END
    for start, end in windows:
        assert sum(start <= d <= end for d in days) <= 2000
    assert all(b + dt.timedelta(days=1) == c for (_, b), (c, _) in itertools.pairwise(windows))
    assert vintage_windows([]) == []


def test_errors_in_status_or_body():
    assert isinstance(
        fred_error(b'{"error_code":429,"error_message":"Too Many"}', 200), RetryableSourceError
    )
    cap = (
        b'{"error_code":400,"error_message":"Bad Request.  This exceeds the maximum number'
        b' of vintage dates allowed (2000)."}'
    )
    assert isinstance(fred_error(cap, 400), VintageCapError)
    assert isinstance(fred_error(b"<html>bad gateway</html>", 502), RetryableSourceError)
    assert fred_error(b'{"observations":[]}', 200) is None
    with pytest.raises(PayloadError, match="observations"):
        parse_observations(b'{"seriess":[]}', "GDP")
    bad = {
        "observations": [
            {
                "date": "2020-13-01",
                "value": "1",
                "realtime_start": "2020-01-01",
                "realtime_end": "2020-01-01",
            }
        ]
    }
    with pytest.raises(PayloadError, match="unreadable"):
        parse_observations(json.dumps(bad).encode(), "GDP")
    with pytest.raises(PayloadError):
        parse_series(b'{"seriess":[{"id":"GDP"}]}')


def test_series_ids_are_validated_and_configurable():
    assert validate_series_id("A191RL1Q225SBEA") == "A191RL1Q225SBEA"
    for bad in ("gdp", "GDP;DROP", "../x", "", "GDP ID"):
        with pytest.raises(InvalidSeriesError):
            validate_series_id(bad)
    assert macro_series(env={"FINLAKE_MACRO_SERIES": "DGS10, UNRATE,DGS10"}) == ("DGS10", "UNRATE")
    assert len(macro_series(env={})) == 20
    with pytest.raises(InvalidSeriesError):
        macro_series(env={"FINLAKE_MACRO_SERIES": "DGS10,bad-id"})


# ----------------------------------------------------------------------------- live transport
def transport(tmp_path, handler, **kwargs) -> LiveFredTransport:
    return LiveFredTransport(
        tmp_path / "fred-rate",
        key=KEY,
        backoff_s=0.01,
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


def test_missing_key_names_the_variable():
    with pytest.raises(FredConfigError, match="FRED_API_KEY"):
        api_key({})


def test_key_is_sent_but_never_kept_or_shown(tmp_path):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json={"vintage_dates": ["2020-01-01"]})

    exchange = transport(tmp_path, handler).get("series/vintagedates", {"series_id": "GDP"})
    assert seen[0].params["api_key"] == KEY and seen[0].params["file_type"] == "json"
    assert KEY not in exchange.url and "api_key" not in exchange.params
    assert exchange.url.startswith("https://api.stlouisfed.org/fred/series/vintagedates?")
    assert KEY not in repr(transport(tmp_path, handler))

    def denied(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text=f'{{"error_code":400,"error_message":"bad key {KEY}"}}')

    with pytest.raises(SourceError) as info:
        transport(tmp_path, denied).get("series", {"series_id": "GDP"})
    assert KEY not in str(info.value) and "***" in str(info.value)
    assert info.value.__cause__ is None


def test_rate_limits_in_the_body_are_retried_after_retry_after(tmp_path, monkeypatch):
    calls, waits = [], []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    monkeypatch.setattr(CrossProcessRateLimiter, "acquire", lambda self: 0.0)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return httpx.Response(
                200,
                json={"error_code": 429, "error_message": "Too Many Requests."},
                headers={"Retry-After": "7"},
            )
        return httpx.Response(200, json={"vintage_dates": ["2020-01-01"]})

    out = transport(tmp_path, handler).get("series/vintagedates", {"series_id": "GDP"})
    assert out.status == 200 and len(calls) == 3
    assert len(waits) == 2 and all(w >= 7 for w in waits)
