"""The offline FRED/ALFRED world: real wire format, ALFRED real-time semantics, the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

import finlake_sample.fred as sample
from finlake.sources.base import HttpExchange
from finlake.sources.fred.client import FRED_ROOT
from finlake.sources.fred.payloads import DEFAULT_SERIES
from finlake_sample.fred import SampleFred

AS_OF = dt.datetime(2026, 11, 18, 16, 45, tzinfo=dt.UTC)  # a Wednesday
TODAY = AS_OF.date().isoformat()
ALL = {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31"}
REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
KEY = "abcdef0123456789abcdef0123456789"


@pytest.fixture(scope="module")
def fred() -> SampleFred:
    return SampleFred(AS_OF)


def get(fred: SampleFred, endpoint: str, **params: str) -> HttpExchange:
    return fred.get(endpoint, {"file_type": "json", **params})


def rows(fred: SampleFred, series: str, **params: str) -> list[dict]:
    ex = get(fred, "series/observations", series_id=series, **params)
    assert ex.status == 200, ex.body
    return orjson.loads(ex.body)["observations"]


def vintages(fred: SampleFred, series: str, **params: str) -> list[str]:
    ex = get(fred, "series/vintagedates", series_id=series, **params)
    assert ex.status == 200, ex.body
    return orjson.loads(ex.body)["vintage_dates"]


def as_of(all_rows: list[dict], day: str) -> dict[str, str]:
    """The values a vintage-day reader saw: rows whose real-time interval contains `day`."""
    return {
        r["date"]: r["value"] for r in all_rows if r["realtime_start"] <= day <= r["realtime_end"]
    }


# =================================================================================================
# Wire format


CAPTURES = [
    ("observations_GDP_2025-01-20.json", "series/observations", {}),
    ("observations_GDP_alfred_all_vintages.json", "series/observations", ALL),
    (
        "observations_GDP_alfred_asof_2019-01-01.json",
        "series/observations",
        {"realtime_start": "1776-07-04", "realtime_end": "2019-01-01"},
    ),
    (
        "observations_GDP_alfred_initial_release.json",
        "series/observations",
        {"realtime_start": "1776-07-04", "output_type": "4"},
    ),
    ("vintagedates_GDP.json", "series/vintagedates", {}),
]


@pytest.mark.parametrize(("capture", "endpoint", "params"), CAPTURES)
def test_bodies_are_laid_out_like_the_real_captures(fred, capture, endpoint, params):
    path = REALDATA / "fred" / capture
    if not path.is_file():
        pytest.skip("../shared/realdata is not available")
    real = orjson.loads(path.read_bytes())
    ex = get(fred, endpoint, series_id="GDP", **params)
    ours = orjson.loads(ex.body)
    assert ex.status == 200
    assert ex.body == orjson.dumps(ours)  # compact: no spaces, nothing FRED would not send
    assert list(ours) == list(real)
    listed = next(k for k, v in real.items() if isinstance(v, list))
    dated = {"count"} | ({"realtime_start", "realtime_end"} if not params else set())
    assert {k: v for k, v in ours.items() if k not in dated | {listed}} == {
        k: v for k, v in real.items() if k not in dated | {listed}
    }
    assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in real.items()}
    assert ours["count"] == len(ours[listed]) > 0
    if listed == "observations":
        assert list(ours[listed][0]) == list(real[listed][0])
        assert all(type(r["value"]) is str for r in ours[listed])
        assert all(len(r["value"].split(".")[1]) == 3 for r in ours[listed])  # "29374.914"


def test_the_series_endpoint_describes_the_real_series(fred):
    ex = get(fred, "series", series_id="T10Y2Y")
    doc = orjson.loads(ex.body)
    assert list(doc) == ["realtime_start", "realtime_end", "seriess"]
    info = doc["seriess"][0]
    assert list(info) == [
        "id", "realtime_start", "realtime_end", "title", "observation_start", "observation_end",
        "frequency", "frequency_short", "units", "units_short", "seasonal_adjustment",
        "seasonal_adjustment_short", "last_updated", "popularity", "notes",
    ]  # fmt: skip
    assert info["title"] == (
        "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity"
    )
    assert (info["frequency_short"], info["units"]) == ("D", "Percent")
    assert info["observation_end"] == rows(fred, "T10Y2Y")[-1]["date"] == "2026-11-17"
    gdp = orjson.loads(get(fred, "series", series_id="GDP").body)["seriess"][0]
    assert (gdp["title"], gdp["units_short"], gdp["seasonal_adjustment_short"]) == (
        "Gross Domestic Product", "Bil. of $", "SAAR",
    )  # fmt: skip
    assert gdp["last_updated"][:10] == vintages(fred, "GDP")[-1]
    assert gdp["last_updated"].endswith(("-05", "-06"))
    for series in DEFAULT_SERIES:
        assert get(fred, "series", series_id=series).status == 200


# =================================================================================================
# Determinism


def test_the_same_request_gives_the_same_bytes_in_any_process(fred):
    request = {"series_id": "GDP", "file_type": "json", **ALL}
    again = SampleFred(AS_OF).get("series/observations", request)
    assert again == fred.get("series/observations", request)
    code = (
        "import datetime as dt, hashlib\n"
        "from finlake_sample.fred import SampleFred\n"
        f"ex = SampleFred(dt.datetime.fromisoformat({AS_OF.isoformat()!r})).get("
        f"'series/observations', {request!r})\n"
        "print(hashlib.sha256(ex.body).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == hashlib.sha256(again.body).hexdigest()


@pytest.mark.parametrize("series", ["UNRATE", "GDPC1", "A191RL1Q225SBEA", "ICSA", "UMCSENT"])
def test_a_longer_horizon_only_appends(series):
    short = sample._history(series, dt.date(2026, 12, 31))
    full = sample._history(series)
    cutoff = dt.date(2026, 12, 31).toordinal()

    def visible(h: sample._History) -> list[tuple]:
        return [
            (d, [(s, v) for s, v in zip(st, vs, strict=True) if s <= cutoff])
            for d, st, vs in zip(h.dates, h.starts, h.values, strict=True)
            if st[0] <= cutoff
        ]

    assert visible(short) == visible(full)


# =================================================================================================
# ALFRED semantics


@pytest.mark.parametrize("series", ["GDP", "UNRATE", "ICSA", "UMCSENT"])
def test_a_plain_request_is_todays_slice_of_all_vintages(fred, series):
    plain = rows(fred, series)
    assert {(r["realtime_start"], r["realtime_end"]) for r in plain} == {(TODAY, TODAY)}
    assert {r["date"]: r["value"] for r in plain} == as_of(rows(fred, series, **ALL), TODAY)


@pytest.mark.parametrize("series", ["GDP", "CPIAUCSL", "UMCSENT"])
def test_intervals_are_contiguous_and_only_change_with_the_value(fred, series):
    by_date = defaultdict(list)
    for r in rows(fred, series, **ALL):
        by_date[r["date"]].append(r)
    for history in by_date.values():
        assert history[-1]["realtime_end"] == "9999-12-31"
        for a, b in itertools.pairwise(history):
            end = dt.date.fromisoformat(a["realtime_end"])
            assert (end + dt.timedelta(days=1)).isoformat() == b["realtime_start"]
            assert a["value"] != b["value"]  # an unchanged value is one interval, not two


def test_a_window_clips_intervals_and_omits_what_was_not_yet_published(fred):
    start, end = "2015-03-01", "2019-06-30"
    window = rows(fred, "GDP", realtime_start=start, realtime_end=end)
    expected = [
        {**r, "realtime_start": max(r["realtime_start"], start),
         "realtime_end": min(r["realtime_end"], end)}
        for r in rows(fred, "GDP", **ALL)
        if r["realtime_start"] <= end and r["realtime_end"] >= start
    ]  # fmt: skip
    assert window == expected
    assert max(r["date"] for r in window) == "2019-01-01"  # Q1 2019 came out in April 2019
    assert all(start <= r["realtime_start"] <= r["realtime_end"] <= end for r in window)


def test_an_incremental_request_restates_every_current_value_from_yesterday(fred):
    yesterday = (AS_OF.date() - dt.timedelta(days=1)).isoformat()
    got = rows(fred, "DGS10", realtime_start=yesterday, realtime_end="9999-12-31")
    assert {r["realtime_start"] for r in got} == {yesterday, TODAY}
    assert {r["realtime_end"] for r in got} == {"9999-12-31"}
    assert [r["date"] for r in got if r["realtime_start"] == TODAY] == ["2026-11-17"]


def test_output_type_4_is_the_first_row_of_each_later_observation(fred):
    for series in ("GDP", "UNRATE", "INDPRO"):
        first: dict[str, dict] = {}
        for r in rows(fred, series, **ALL):
            first.setdefault(r["date"], r)
        expected = [r for r in first.values() if r["realtime_start"] > "2005-01-03"]
        assert rows(fred, series, realtime_start="1776-07-04", output_type="4") == expected


@pytest.mark.parametrize("series", ["GDP", "UNRATE", "CPIAUCSL", "INDPRO", "ICSA", "DFF"])
def test_later_vintages_revise_values(fred, series):
    params = ALL if series != "DFF" else {"realtime_start": "2020-01-02", "realtime_end": TODAY}
    values = defaultdict(set)
    for r in rows(fred, series, **params):
        values[r["date"]].add(r["value"])
    revised = [d for d, v in values.items() if len(v) > 1]
    assert revised
    if series == "GDP":  # small plausible revisions, not noise
        for day in revised:
            numbers = [float(v) for v in values[day]]
            assert max(numbers) / min(numbers) < 1.02


def test_more_than_2000_vintage_dates_is_refused_and_a_window_under_the_cap_works(fred):
    ex = get(fred, "series/observations", series_id="DFF", **ALL)
    assert ex.status == 400
    assert ex.body == (
        b'{"error_code":400,"error_message":"Bad Request.  This exceeds the maximum number of '
        b'vintage dates allowed (2000)."}'
    )
    dates = vintages(fred, "DFF")
    assert dates[0] == "2005-01-03" and len(dates) > 2000
    first = rows(fred, "DFF", realtime_start=dates[0], realtime_end=dates[1999])
    assert first[0]["date"] == "2000-01-01" and first[0]["realtime_start"] == "2005-01-03"
    assert max(r["realtime_end"] for r in first) == dates[1999]
    over = get(fred, "series/observations", series_id="DFF", realtime_start=dates[0],
               realtime_end=dates[2000])  # fmt: skip
    assert over.status == 400
    tail = rows(fred, "DFF", realtime_start=dates[-2000], realtime_end="9999-12-31")
    assert tail[-1]["realtime_end"] == "9999-12-31"
    longer = get(fred, "series/observations", series_id="DFF", realtime_start=dates[-2001],
                 realtime_end="9999-12-31")  # fmt: skip
    assert longer.status == 400


# =================================================================================================
# The clock


def test_a_vintage_is_invisible_before_1330_utc_on_its_day():
    before = SampleFred(AS_OF.replace(hour=13, minute=29))
    after = SampleFred(AS_OF.replace(hour=13, minute=31))
    assert vintages(before, "DGS10")[-1] == "2026-11-17"
    assert vintages(after, "DGS10")[-1] == TODAY
    assert rows(before, "DGS10")[-1]["date"] == "2026-11-16"
    assert rows(after, "DGS10")[-1]["date"] == "2026-11-17"
    assert {r["realtime_start"] for r in rows(before, "DGS10")} == {TODAY}  # dated today anyway


@pytest.mark.parametrize("series", DEFAULT_SERIES)
def test_nothing_is_published_after_the_clock(fred, series):
    assert vintages(fred, series)[-1] <= TODAY
    window = {"realtime_start": "2026-01-02", "realtime_end": "9999-12-31"}
    got = rows(fred, series, **window)
    assert max(r["realtime_start"] for r in got) <= TODAY
    assert max(r["date"] for r in got) < TODAY


def test_the_clock_must_be_aware_and_inside_the_world():
    with pytest.raises(ValueError, match="timezone-aware"):
        SampleFred(dt.datetime(2026, 11, 18, 16, 45))
    with pytest.raises(ValueError, match="runs from"):
        SampleFred(dt.datetime(2004, 6, 1, tzinfo=dt.UTC))


# =================================================================================================
# Consistency between series


def test_yield_spreads_are_exact_differences(fred):
    window = {"observation_start": "2023-01-01"}
    ten, two, bill = (
        {r["date"]: r["value"] for r in rows(fred, s, **window)}
        for s in ("DGS10", "DGS2", "DGS3MO")
    )
    for spread, short in (("T10Y2Y", two), ("T10Y3M", bill)):
        got = {r["date"]: r["value"] for r in rows(fred, spread, **window)}
        assert got.keys() == ten.keys() == short.keys()
        for day, value in got.items():
            if value == ".":
                assert ten[day] == short[day] == "."
            else:
                assert Decimal(value) == Decimal(ten[day]) - Decimal(short[day])
    assert "." in got.values()  # federal holidays


def test_real_growth_is_gdpc1s_annualized_change_in_every_vintage(fred):
    real, growth = rows(fred, "GDPC1", **ALL), rows(fred, "A191RL1Q225SBEA", **ALL)
    for vintage in vintages(fred, "GDPC1"):
        level, rate = as_of(real, vintage), as_of(growth, vintage)
        assert rate.keys() == level.keys() - {"2000-01-01"}
        for day, value in rate.items():
            previous = (dt.date.fromisoformat(day) - dt.timedelta(days=80)).replace(day=1)
            x, x0 = float(level[day]), float(level[previous.isoformat()])
            assert float(value) == round(((x / x0) ** 4 - 1) * 100, 1)


def test_gdp_is_real_gdp_times_a_rising_deflator(fred):
    nominal = {r["date"]: float(r["value"]) for r in rows(fred, "GDP")}
    real = {r["date"]: float(r["value"]) for r in rows(fred, "GDPC1")}
    deflator = [nominal[d] / real[d] for d in sorted(nominal)]
    assert 0.65 < deflator[0] < 0.8 and 1.2 < deflator[-1] < 1.45
    assert deflator[-1] > deflator[len(deflator) // 2] > deflator[0]


def test_fedfunds_is_the_monthly_mean_of_dff(fred):
    window = {"observation_start": "2024-06-01", "observation_end": "2024-06-30"}
    daily = [float(r["value"]) for r in rows(fred, "DFF", **window)]
    assert len(daily) == 30  # 7-day: weekends repeat Friday
    monthly = rows(fred, "FEDFUNDS", **window)
    assert float(monthly[0]["value"]) == pytest.approx(sum(daily) / 30, abs=0.006)


# =================================================================================================
# Requests FRED refuses, paging, the key


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"series_id": "NOPE"}, "Bad Request.  The series does not exist."),
        ({"series_id": "GDP", "realtime_start": "2020-13-01"}, "not a YYYY-MM-DD formatted date"),
        ({"series_id": "GDP", "observation_end": "2020/01/01"}, "not a YYYY-MM-DD formatted date"),
        (
            {"series_id": "GDP", "realtime_start": "2020-02-01", "realtime_end": "2020-01-01"},
            "realtime_start can not be after",
        ),
        ({"series_id": "GDP", "realtime_end": "2027-01-01"}, "can not be after today's date"),
        (
            {"series_id": "GDP", "realtime_start": "1776-07-04", "realtime_end": "2004-12-31"},
            "does not exist in ALFRED",
        ),
        ({"series_id": "GDP", "output_type": "2"}, "not supported by the sample"),
        ({"series_id": "GDP", "limit": "0"}, "limit"),
        ({}, "series_id is not set"),
    ],
)
def test_bad_requests_get_fred_error_bodies(fred, params, message):
    ex = get(fred, "series/observations", **params)
    assert ex.status == 400
    doc = orjson.loads(ex.body)
    assert list(doc) == ["error_code", "error_message"] and doc["error_code"] == 400
    assert message in doc["error_message"]


def test_unknown_series_and_endpoints(fred):
    assert get(fred, "series/observations", series_id="NOPE").body == (
        b'{"error_code":400,"error_message":"Bad Request.  The series does not exist."}'
    )
    assert get(fred, "series/vintagedates", series_id="NOPE").status == 400
    missing = get(fred, "release/series", series_id="GDP")
    assert missing.status == 404 and orjson.loads(missing.body)["error_code"] == 404
    xml = fred.get("series/observations", {"series_id": "GDP"})  # FRED's default is XML
    assert xml.status == 400


def test_limit_and_offset_page_through_the_same_rows(fred):
    everything = rows(fred, "UNRATE", **ALL)
    pages = []
    for offset in range(0, len(everything), 250):
        ex = get(fred, "series/observations", series_id="UNRATE", limit="250",
                 offset=str(offset), **ALL)  # fmt: skip
        doc = orjson.loads(ex.body)
        assert (doc["count"], doc["limit"], doc["offset"]) == (len(everything), 250, offset)
        pages += doc["observations"]
    assert pages == everything
    dates = vintages(fred, "UNRATE")
    page = orjson.loads(
        get(fred, "series/vintagedates", series_id="UNRATE", limit="10", offset="5").body
    )
    assert page["vintage_dates"] == dates[5:15] and page["count"] == len(dates)


def test_the_api_key_is_never_echoed(fred):
    requests = [
        ("series/observations", {"series_id": "GDP"}),
        ("series/observations", {"series_id": "NOPE"}),
        ("series/observations", {"series_id": "DFF", **ALL}),
        ("series/vintagedates", {"series_id": "GDP"}),
        ("series", {"series_id": "GDP"}),
        ("nowhere", {"series_id": "GDP"}),
    ]
    for endpoint, params in requests:
        ex = fred.get(endpoint, {**params, "file_type": "json", "api_key": KEY})
        assert ex.url.startswith(FRED_ROOT + endpoint + "?")
        assert "api_key" not in ex.params
        assert KEY not in ex.url + repr(ex.params) + repr(ex.headers)
        assert KEY.encode() not in ex.body
        assert ex.headers == {"content-type": "application/json; charset=UTF-8"}


def test_the_effective_rate_follows_the_fomc_decisions_the_fed_world_publishes(fred):
    """DFF sits inside the target range of the decision in force, the real record and the
    drawn decisions after it alike (one FOMC for both sample worlds)."""
    from finlake_sample.fomc import meetings

    current = {r["date"]: float(r["value"]) for r in rows(fred, "DFF") if r["value"] != "."}
    decided = [m for year in (2019, 2020, 2022, 2024, 2025, 2026) for m in meetings(year)]
    checked = 0
    for meeting, following in itertools.pairwise(decided):
        day = meeting.day + dt.timedelta(days=2)
        while day.isoformat() not in current and day < following.day:
            day += dt.timedelta(days=1)
        if day >= following.day or day.isoformat() not in current:
            continue
        low, high = (meeting.low, meeting.low + 0.25) if meeting.day.year > 2008 else (0, 9)
        assert low <= current[day.isoformat()] <= high + 1e-9, (meeting.day, day)
        checked += 1
    assert checked > 40
    assert any(not m.real for m in decided)  # the drawn 2026 decisions are covered too
