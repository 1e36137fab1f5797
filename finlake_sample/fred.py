"""An offline FRED/ALFRED: a deterministic synthetic macro world, served as FRED's own JSON.

Sample mode must run the parser live mode runs (`finlake.sources.fred.payloads`), so this module
answers `series`, `series/observations` and `series/vintagedates` with bodies laid out like the
real captures (../shared/realdata/fred): compact JSON, FRED's key order, values as strings and
"." for missing, FRED's error bodies (the 2,000-vintage cap, unknown series, bad dates).

The world holds the twenty default series with their real titles and units and invented numbers
near the real levels. Observations start in 2000; ALFRED vintages start on 2005-01-03, whose
vintage holds everything published until then. After that each series keeps its agency's
release rhythm and revises the way the real one does, because revisions are the point:

- DFF, DGS3MO, DGS2, DGS10, T10Y2Y, T10Y3M, VIXCLS, DEXUSEU: published the next federal business
  day and never revised, except a DFF correction of the previous release about once a year. DFF
  is 7-day (weekends and holidays repeat the last business day); the others have "." on
  holidays; T10Y2Y and T10Y3M are exactly DGS10 - DGS2 and DGS10 - DGS3MO.
- ICSA (weeks ending Saturday): the following Thursday; the previous week is revised a week later.
- FEDFUNDS (the month's mean of DFF): first business day of the next month, never revised.
  UNRATE: first Friday of the next month; each January's release revises five years (+-0.1).
  CPIAUCSL, CPILFESL: the Wednesday on or after the 10th; each February revises five years.
  PCEPILFE: last Friday of the next month, revised by the next two releases. INDPRO: the 16th,
  revised by the next five. UMCSENT: preliminary on the month's second Friday, final on its last.
  M2SL: fourth Tuesday of the next month, revised a month later.
- GDP, GDPC1, A191RL1Q225SBEA: advance, second and third estimates on the last Thursdays of the
  three months after the quarter, and an annual update each late September that revises three
  years. A191RL1Q225SBEA is GDPC1's annualized growth in every vintage; GDP is GDPC1 times a
  slowly rising deflator.

Each series is generated lazily, once per process, from seeds (random.Random seeded with crc32 of
a stable string) drawn in date order, so the same request at the same clock gives the same bytes
in any process, and a later generation horizon only appends. The clock (`as_of`) only decides
what is visible: a vintage dated D exists from 13:30 UTC on D.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import holidays
import orjson

from finlake.sources.base import HttpExchange
from finlake.sources.fred.client import FRED_ROOT
from finlake_sample.fomc import FOMC_FROM, meetings
from finlake_sample.util import month_start, nth_weekday, weekday_on_or_after

OBSERVATIONS_FROM = dt.date(2000, 1, 1)
FIRST_VINTAGE = dt.date(2005, 1, 3)  # ALFRED's first vintage: all history published until then
HORIZON = dt.date(max(2027, dt.date.today().year + 2), 12, 31)  # generated up to here
VISIBLE_FROM = dt.time(13, 30)  # UTC: a vintage dated D is published at this time on D
MAX_VINTAGES = 2000
OPEN = dt.date(9999, 12, 31).toordinal()  # the real-time end of a value still current
JSON_HEADERS = {"content-type": "application/json; charset=UTF-8"}
CHICAGO = ZoneInfo("America/Chicago")  # FRED's last_updated clock
MON, TUE, WED, THU, FRI = range(5)

TOO_MANY_VINTAGES = "Bad Request.  This exceeds the maximum number of vintage dates allowed (2000)."
NO_SUCH_SERIES = "Bad Request.  The series does not exist."
NOT_IN_ALFRED = "Bad Request.  The series does not exist in ALFRED but may exist in FRED."
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROW = '{"realtime_start":"%s","realtime_end":"%s","date":"%s","value":"%s"}'

_Event = tuple[int, int, str]  # (vintage ordinal, observation index, value as FRED prints it)


# =================================================================================================
# Calendars


@cache
def _federal_closed() -> frozenset[dt.date]:
    """Federal holidays (observed days included): FRED's sources do not publish on them."""
    return frozenset(holidays.US(years=range(OBSERVATIONS_FROM.year - 1, HORIZON.year + 2)))


@cache
def _nyse_closed() -> frozenset[dt.date]:
    """Days Cboe computes no VIX close (NYSE holidays and one-off closures)."""
    years = range(OBSERVATIONS_FROM.year, HORIZON.year + 2)
    return frozenset(holidays.financial_holidays("NYSE", years=years))


def _business(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _federal_closed()


def _next_business(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not _business(day):
        day += dt.timedelta(days=1)
    return day


def _on_or_before(day: dt.date) -> dt.date:
    while not _business(day):
        day -= dt.timedelta(days=1)
    return day


def _on_or_after(day: dt.date) -> dt.date:
    while not _business(day):
        day += dt.timedelta(days=1)
    return day


def _days(horizon: dt.date, step: int = 1, weekdays_only: bool = False) -> list[dt.date]:
    first = OBSERVATIONS_FROM if step == 1 else weekday_on_or_after(OBSERVATIONS_FROM, 5)
    days = [dt.date.fromordinal(o) for o in range(first.toordinal(), horizon.toordinal() + 1, step)]
    return [d for d in days if d.weekday() < 5] if weekdays_only else days


def _months(horizon: dt.date) -> list[dt.date]:
    count = (horizon.year - OBSERVATIONS_FROM.year) * 12 + horizon.month
    return [month_start(OBSERVATIONS_FROM.year, m + 1) for m in range(count)]


def _rng(series: str, *parts: object) -> random.Random:
    """A generator seeded from stable strings, so every process draws the same world."""
    return random.Random(zlib.crc32(":".join((series, *map(str, parts))).encode()))


# =================================================================================================
# Latent paths


def _anchor_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text if len(text) == 10 else text + "-01")


def _trend(
    anchors: Sequence[tuple[str, float]], log: bool, growth: float
) -> Callable[[int], float]:
    """Day ordinal -> the level interpolated between real-ish anchors (in logs when `log`),
    extrapolated at `growth` a year after the last one."""
    xs = [_anchor_day(a).toordinal() for a, _ in anchors]
    ys = [math.log(v) if log else v for _, v in anchors]

    def at(o: int) -> float:
        j = bisect.bisect_right(xs, o)
        if j == 0:
            return ys[0]
        if j == len(xs):
            return ys[-1] + growth * (o - xs[-1]) / 365.25
        return ys[j - 1] + (ys[j] - ys[j - 1]) * (o - xs[j - 1]) / (xs[j] - xs[j - 1])

    return at


def _path(
    days: Sequence[dt.date],
    anchors: Sequence[tuple[str, float]],
    rng: random.Random,
    *,
    phi: float,
    sd: float,
    log: bool = True,
    growth: float = 0.0,
    lo: float = -math.inf,
    hi: float = math.inf,
) -> list[float]:
    """The anchored trend plus AR(1) noise, drawn in date order so that a longer horizon only
    appends."""
    at = _trend(anchors, log, growth)
    out, noise = [], 0.0
    for day in days:
        noise = phi * noise + rng.gauss(0.0, sd)
        level = at(day.toordinal()) + noise
        out.append(min(hi, max(lo, math.exp(level) if log else level)))
    return out


def _fmt(value: float, decimals: int) -> str:
    """FRED's text for a value; negative decimals round to whole tens, hundreds, thousands."""
    if decimals < 0:
        return f"{round(value, decimals):.0f}"
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _pct(bp: int) -> str:
    return f"{bp / 100:.2f}"


# =================================================================================================
# Histories: per observation, the vintages at which its value appeared or changed


@dataclass(frozen=True)
class _History:
    dates: tuple[str, ...]  # observation dates (ISO text sorts like the dates), ascending
    starts: tuple[tuple[int, ...], ...]  # per observation: ordinals where its value (re)starts
    values: tuple[tuple[str, ...], ...]  # per observation: the value from each start
    vintages: tuple[int, ...]  # every start, sorted: the series' vintage dates


def _collapse(dates: Sequence[dt.date], events: list[_Event]) -> _History:
    """Release events -> real-time intervals. Everything before the first vintage folds into it,
    a release that leaves a value unchanged starts no interval, the last event of a day wins."""
    first = FIRST_VINTAGE.toordinal()
    starts: list[list[int]] = [[] for _ in dates]
    values: list[list[str]] = [[] for _ in dates]
    events.sort(key=lambda e: e[0])  # stable: same-day events keep their order
    for day, i, value in events:
        st, vs = starts[i], values[i]
        day = max(day, first)
        if st and st[-1] == day:
            vs[-1] = value
            if len(vs) > 1 and vs[-2] == value:
                st.pop()
                vs.pop()
        elif not vs or vs[-1] != value:
            st.append(day)
            vs.append(value)
    keep = [i for i, st in enumerate(starts) if st]
    return _History(
        dates=tuple(dates[i].isoformat() for i in keep),
        starts=tuple(tuple(starts[i]) for i in keep),
        values=tuple(tuple(values[i]) for i in keep),
        vintages=tuple(sorted({d for i in keep for d in starts[i]})),
    )


# =================================================================================================
# Daily series: the policy rate, Treasuries, VIX, the euro

TARGET_ERA_END = dt.date(2008, 12, 16)  # a point target before, a 25 bp range after
IORB_ERA = dt.date(2021, 6, 17)  # EFFR sits 8 bp above the range's bottom from here
POLICY_LOOKAHEAD = 3 * 366  # days the policy path runs past the horizon (yields look ahead)
# effective day -> target in bp, before the FOMC meetings the worlds share (finlake_sample.fomc)
_POLICY = (
    ("2000-01-01", 550), ("2001-01-04", 500), ("2001-02-01", 450), ("2001-03-21", 425),
    ("2001-04-19", 400), ("2001-05-16", 375), ("2001-06-28", 350), ("2001-08-22", 325),
    ("2001-09-18", 300), ("2001-10-03", 250), ("2001-11-07", 200), ("2001-12-12", 175),
    ("2002-11-07", 125), ("2003-06-26", 100), ("2004-07-01", 125), ("2004-08-11", 150),
    ("2004-09-22", 175), ("2004-11-11", 200), ("2004-12-15", 225), ("2005-02-03", 250),
    ("2005-03-23", 275), ("2005-05-04", 300), ("2005-07-01", 325), ("2005-08-10", 350),
    ("2005-09-21", 375), ("2005-11-02", 400), ("2005-12-14", 425), ("2006-02-01", 450),
    ("2006-03-29", 475), ("2006-05-11", 500), ("2006-06-30", 525), ("2007-09-19", 475),
    ("2007-11-01", 450), ("2007-12-12", 425),
)  # fmt: skip
_DGS10 = (
    ("2000-01", 4.8), ("2000-12", 4.7), ("2001-06", 4.6), ("2002-06", 4.4), ("2003-06", 3.5),
    ("2004-06", 4.3), ("2005-06", 4.1), ("2006-07", 4.8), ("2007-06", 4.8), ("2008-06", 4.0),
    ("2008-12", 2.4), ("2009-06", 3.6), ("2010-04", 3.7), ("2010-10", 2.5), ("2011-03", 3.4),
    ("2011-09", 2.0), ("2012-07", 1.5), ("2013-01", 1.9), ("2013-09", 2.9), ("2014-06", 2.6),
    ("2015-01", 1.9), ("2015-06", 2.3), ("2016-07", 1.4), ("2016-12", 2.5), ("2017-12", 2.4),
    ("2018-10", 3.2), ("2019-08", 1.6), ("2019-12", 1.9), ("2020-03", 0.8), ("2020-08", 0.7),
    ("2021-03", 1.6), ("2021-12", 1.5), ("2022-06", 3.1), ("2022-10", 4.0), ("2023-04", 3.5),
    ("2023-10", 4.6), ("2023-12", 3.9), ("2024-04", 4.5), ("2024-09", 3.7), ("2025-01", 4.6),
    ("2025-06", 4.3), ("2025-10", 4.1),
)  # fmt: skip
_VIX = (
    ("2000-01", 22.0), ("2002-01", 24.0), ("2003-06", 20.0), ("2004-06", 15.0),
    ("2005-06", 12.5), ("2006-06", 12.5), ("2007-06", 16.0), ("2008-06", 22.0),
    ("2009-06", 28.0), ("2010-06", 22.0), ("2011-06", 20.0), ("2012-06", 17.0),
    ("2013-06", 14.0), ("2014-06", 13.5), ("2015-06", 15.0), ("2016-06", 14.5),
    ("2017-06", 11.0), ("2018-06", 15.0), ("2019-06", 15.0), ("2020-06", 27.0),
    ("2021-06", 19.0), ("2022-06", 25.0), ("2023-06", 16.0), ("2024-06", 14.5),
    ("2025-06", 17.5),
)  # fmt: skip
_VIX_SPIKES = (  # (peak day, peak level, decay in days)
    ("2001-09-20", 43.0, 20), ("2002-07-23", 45.0, 25), ("2002-10-07", 42.0, 20),
    ("2008-10-24", 80.0, 45), ("2010-05-20", 45.0, 20), ("2011-08-08", 48.0, 30),
    ("2015-08-24", 40.0, 12), ("2018-02-05", 37.0, 10), ("2020-03-16", 82.0, 30),
    ("2022-03-07", 36.0, 15), ("2024-08-05", 38.0, 5), ("2025-04-08", 52.0, 10),
)  # fmt: skip
_EURO = (
    ("2000-01", 1.01), ("2000-10", 0.96), ("2001-07", 0.97), ("2002-07", 0.99),
    ("2003-06", 1.16), ("2004-12", 1.34), ("2005-11", 1.18), ("2006-12", 1.32),
    ("2007-11", 1.47), ("2008-07", 1.57), ("2008-10", 1.27), ("2009-11", 1.49),
    ("2010-06", 1.22), ("2011-04", 1.44), ("2012-07", 1.23), ("2014-05", 1.39),
    ("2015-03", 1.08), ("2016-12", 1.05), ("2018-02", 1.23), ("2019-09", 1.10),
    ("2020-03", 1.10), ("2021-01", 1.22), ("2022-09", 0.99), ("2023-07", 1.11),
    ("2024-10", 1.09), ("2025-01", 1.03), ("2025-09", 1.17),
)  # fmt: skip


@lru_cache(maxsize=4)
def _policy(horizon: dt.date) -> list[int]:
    """Target (range bottom from 2008-12-16) in bp per calendar day from OBSERVATIONS_FROM to
    beyond the horizon, effective the day after each decision: the real path to 2008, then the
    FOMC decisions the Fed world publishes (the real record, then its drawn ones)."""
    changes = [(_anchor_day(day).toordinal(), bp) for day, bp in _POLICY]
    end = horizon.toordinal() + POLICY_LOOKAHEAD
    for year in range(FOMC_FROM, dt.date.fromordinal(end).year + 1):
        for meeting in meetings(year):
            changes.append((meeting.day.toordinal() + 1, round(meeting.low * 100)))
    out, j, level = [], 0, changes[0][1]
    for o in range(OBSERVATIONS_FROM.toordinal(), end + 1):
        while j < len(changes) and changes[j][0] <= o:
            level = changes[j][1]
            j += 1
        out.append(level)
    return out


@lru_cache(maxsize=4)
def _effr(horizon: dt.date) -> list[int]:
    """The effective rate in bp per calendar day; days without trading repeat the last one."""
    policy, rng = _policy(horizon), _rng("DFF", "path")
    out, value, wobble = [], policy[0], 0.0
    for i, day in enumerate(_days(horizon)):
        shock, jiggle = rng.gauss(0.0, 1.0), rng.random()
        if _business(day):
            ref = policy[i]
            if day < TARGET_ERA_END:
                wobble = max(-15.0, min(15.0, 0.5 * wobble + 4.0 * shock))
                value = max(0, ref + round(wobble))
            elif ref == 0:  # zero lower bound: the rate drifts inside the range
                wobble = max(-5.0, min(6.0, 0.9 * wobble + 1.2 * shock))
                value = max(4, min(20, (12 if day.year < 2016 else 7) + round(wobble)))
            else:
                step = 1 if jiggle < 0.03 else -1 if jiggle > 0.97 else 0
                value = ref + (14 if day < IORB_ERA else 8) + step
        out.append(value)
    return out


def _dff(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    days, effr = _days(horizon), _effr(horizon)
    published: dict[dt.date, list[int]] = {}
    events = []
    for i, day in enumerate(days):
        release = _next_business(day)
        published.setdefault(release, []).append(i)
        events.append((release.toordinal(), i, _pct(effr[i])))
    for year in range(FIRST_VINTAGE.year, horizon.year + 1):  # about one correction a year
        rng = _rng("DFF", "correction", year)
        release = _on_or_after(dt.date(year, 1, 20) + dt.timedelta(days=rng.randrange(300)))
        delta = rng.choice((-1, 1))
        for i in published.get(_on_or_before(release - dt.timedelta(days=1)), ()):
            events.append((release.toordinal(), i, _pct(effr[i] + delta)))
    return days, events


@lru_cache(maxsize=4)
def _treasury(horizon: dt.date) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Constant-maturity yields in bp on every weekday: bills and 2-years follow the policy path
    they expect (the world knows it), 10-years a slow real-ish anchor."""
    first = OBSERVATIONS_FROM.toordinal()
    mids = [
        bp + (12.5 if first + i >= TARGET_ERA_END.toordinal() else 0.0)
        for i, bp in enumerate(_policy(horizon))
    ]
    prefix = list(itertools.accumulate(mids, initial=0.0))
    days = _days(horizon, weekdays_only=True)
    ten = _path(days, _DGS10, _rng("DGS10", "path"), phi=0.99, sd=0.035, log=False)
    rng3, rng2 = _rng("DGS3MO", "path"), _rng("DGS2", "path")
    e3 = e2 = 0.0
    out: dict[str, list[int]] = {"DGS3MO": [], "DGS2": [], "DGS10": []}
    for day, level in zip(days, ten, strict=True):
        i = day.toordinal() - first
        e3 = 0.9 * e3 + rng3.gauss(0.0, 2.5)
        e2 = 0.985 * e2 + rng2.gauss(0.0, 3.0)
        out["DGS3MO"].append(round(max(0.0, (prefix[i + 91] - prefix[i]) / 91 - 4 + e3)))
        out["DGS2"].append(round(max(10.0, (prefix[i + 730] - prefix[i]) / 730 + 12 + e2)))
        out["DGS10"].append(round(min(500.0, max(50.0, 100 * level + 0.3 * e2))))
    return days, out


def _weekday_events(
    days: Sequence[dt.date], values: Sequence[str], closed: frozenset[dt.date]
) -> list[_Event]:
    """Each weekday published the next business day; "." where the market was closed."""
    return [
        (_next_business(day).toordinal(), i, "." if day in closed else value)
        for i, (day, value) in enumerate(zip(days, values, strict=True))
    ]


def _yield(series: str) -> Callable[[dt.date], tuple[list[dt.date], list[_Event]]]:
    def build(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
        days, bp = _treasury(horizon)
        if series == "T10Y2Y":
            values = [a - b for a, b in zip(bp["DGS10"], bp["DGS2"], strict=True)]
        elif series == "T10Y3M":
            values = [a - b for a, b in zip(bp["DGS10"], bp["DGS3MO"], strict=True)]
        else:
            values = bp[series]
        return days, _weekday_events(days, [_pct(v) for v in values], _federal_closed())

    return build


def _vix(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    """A mean-reverting level with real-ish crises (and drawn ones after 2025) on top."""
    days = _days(horizon, weekdays_only=True)
    base = _path(days, _VIX, _rng("VIXCLS", "path"), phi=0.97, sd=0.06)
    at = _trend(_VIX, True, 0.0)
    spikes = [
        (o, peak - math.exp(at(o)), tau)
        for o, peak, tau in ((_anchor_day(d).toordinal(), p, t) for d, p, t in _VIX_SPIKES)
    ]
    for year in range(2026, horizon.year + 1):
        rng = _rng("VIXCLS", "spike", year)
        if rng.random() < 0.6:
            day = dt.date(year, 1, 1).toordinal() + rng.randrange(365)
            spikes.append((day, rng.uniform(10.0, 27.0), rng.choice((5, 10, 20))))
    values = []
    for day, level in zip(days, base, strict=True):
        o = day.toordinal()
        for peak, amplitude, tau in spikes:
            if -20 < o - peak < 8 * tau:
                gap = o - peak
                level += amplitude * math.exp(gap / 3 if gap < 0 else -gap / tau)
        values.append(f"{min(85.0, max(9.5, level)):.2f}")
    return days, _weekday_events(days, values, _nyse_closed())


def _euro(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    days = _days(horizon, weekdays_only=True)
    level = _path(days, _EURO, _rng("DEXUSEU", "path"), phi=0.99, sd=0.004, lo=0.85, hi=1.65)
    return days, _weekday_events(days, [f"{x:.4f}" for x in level], _federal_closed())


def _fedfunds(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    """The monthly mean of DFF, out on the next month's first business day, never revised."""
    effr, first = _effr(horizon), OBSERVATIONS_FROM.toordinal()
    months = _months(horizon)
    events = []
    for i, month in enumerate(months):
        end = month_start(month.year, month.month + 1)
        lo, hi = month.toordinal() - first, min(end.toordinal() - first, len(effr))
        events.append(
            (_on_or_after(end).toordinal(), i, f"{sum(effr[lo:hi]) / (hi - lo) / 100:.2f}")
        )
    return months, events


# =================================================================================================
# Monthly and weekly series


@dataclass(frozen=True)
class _Rhythm:
    """How a monthly (or weekly) series is published and revised."""

    anchors: tuple[tuple[str, float], ...]
    release: Callable[[dt.date], dt.date]  # first release of the period starting on that day
    decimals: int  # -3: whole thousands
    phi: float
    sd: float
    log: bool = True
    growth: float = 0.0  # a year, after the last anchor
    lo: float = -math.inf
    hi: float = math.inf
    weekly: bool = False
    follow_ups: tuple[float, ...] = ()  # relative sd of the revision made by each later release
    final: Callable[[dt.date], dt.date] | None = None  # a second release of the same period
    final_sd: float = 0.0
    benchmark_month: int = 0  # the release of this month's value revises the 5 years before it
    benchmark_step: float = 0.0  # ... by +-step, each value with probability 0.35
    benchmark_sd: float = 0.0  # ... or by a relative change


def _next_month(day: dt.date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


_UNRATE = (
    ("2000-01", 4.0), ("2000-12", 3.9), ("2001-12", 5.7), ("2003-06", 6.3), ("2004-12", 5.4),
    ("2006-12", 4.4), ("2007-05", 4.4), ("2008-12", 7.3), ("2009-10", 10.0), ("2010-12", 9.3),
    ("2012-12", 7.9), ("2014-12", 5.6), ("2016-12", 4.7), ("2018-12", 3.9), ("2019-09", 3.5),
    ("2020-02", 3.5), ("2020-03", 4.4), ("2020-04", 9.8), ("2020-08", 8.4), ("2020-12", 6.7),
    ("2021-12", 3.9), ("2022-12", 3.5), ("2023-04", 3.4), ("2023-12", 3.7), ("2024-07", 4.2),
    ("2024-12", 4.1), ("2025-08", 4.3), ("2025-12", 4.4),
)  # fmt: skip
_CPI = (
    ("2000-01", 169.3), ("2001-01", 175.6), ("2002-01", 177.7), ("2003-01", 182.6),
    ("2004-01", 186.3), ("2005-01", 191.6), ("2006-01", 199.3), ("2007-01", 203.4),
    ("2008-01", 212.2), ("2008-07", 219.0), ("2008-12", 211.4), ("2009-12", 217.3),
    ("2010-12", 220.5), ("2011-12", 227.0), ("2012-12", 231.2), ("2013-12", 234.7),
    ("2014-12", 236.2), ("2015-12", 237.8), ("2016-12", 243.0), ("2017-12", 247.8),
    ("2018-12", 252.7), ("2019-12", 258.6), ("2020-05", 255.9), ("2020-12", 262.0),
    ("2021-12", 281.0), ("2022-12", 298.8), ("2023-12", 308.7), ("2024-12", 317.6),
    ("2025-09", 324.4),
)  # fmt: skip
_CORE_CPI = (
    ("2000-01", 179.3), ("2002-01", 188.7), ("2004-01", 195.2), ("2006-01", 201.9),
    ("2008-01", 212.0), ("2010-01", 220.6), ("2012-01", 227.2), ("2014-01", 234.7),
    ("2016-01", 243.6), ("2018-01", 253.1), ("2020-01", 266.0), ("2021-01", 270.4),
    ("2022-01", 283.6), ("2023-01", 300.4), ("2024-01", 312.2), ("2025-01", 322.4),
    ("2025-09", 330.5),
)  # fmt: skip
_CORE_PCE = (
    ("2000-01", 76.4), ("2003-01", 80.0), ("2005-01", 84.3), ("2008-01", 89.9),
    ("2010-01", 92.4), ("2012-01", 95.5), ("2015-01", 98.3), ("2017-07", 100.0),
    ("2019-01", 103.4), ("2020-01", 105.5), ("2021-01", 107.3), ("2022-01", 113.6),
    ("2023-01", 118.6), ("2024-01", 122.1), ("2025-01", 125.4), ("2025-09", 127.8),
)  # fmt: skip
_INDPRO = (
    ("2000-01", 91.4), ("2000-09", 92.5), ("2001-12", 87.6), ("2004-01", 90.3),
    ("2007-12", 100.6), ("2009-06", 87.1), ("2012-01", 95.8), ("2014-11", 103.3),
    ("2016-03", 99.6), ("2018-12", 104.3), ("2019-12", 102.3), ("2020-02", 103.0),
    ("2020-04", 84.7), ("2020-12", 99.4), ("2022-09", 103.7), ("2023-12", 102.5),
    ("2024-12", 103.0), ("2025-09", 103.9),
)  # fmt: skip
_SENTIMENT = (
    ("2000-01", 98.5), ("2001-10", 82.7), ("2002-12", 86.7), ("2003-03", 77.6),
    ("2004-06", 95.6), ("2005-10", 74.2), ("2007-01", 96.9), ("2008-06", 56.4),
    ("2009-06", 70.8), ("2011-08", 55.8), ("2013-01", 73.8), ("2015-01", 98.1),
    ("2018-03", 99.5), ("2020-02", 99.0), ("2020-04", 71.8), ("2021-03", 84.9),
    ("2021-11", 67.4), ("2022-06", 50.5), ("2023-07", 71.5), ("2024-03", 79.4),
    ("2024-11", 71.8), ("2025-04", 52.2), ("2025-10", 53.6), ("2026-06", 62.0),
)  # fmt: skip
_M2 = (
    ("2000-01", 4667.0), ("2005-01", 6420.0), ("2008-01", 7470.0), ("2010-01", 8480.0),
    ("2012-01", 9740.0), ("2015-01", 11700.0), ("2018-01", 13850.0), ("2020-02", 15450.0),
    ("2020-06", 18150.0), ("2021-12", 21500.0), ("2022-04", 21720.0), ("2023-10", 20700.0),
    ("2024-12", 21450.0), ("2025-09", 22200.0),
)  # fmt: skip
_CLAIMS = (
    ("2000-01", 285e3), ("2000-12", 330e3), ("2001-10", 480e3), ("2002-06", 400e3),
    ("2004-06", 345e3), ("2006-06", 310e3), ("2007-06", 315e3), ("2008-06", 390e3),
    ("2009-03", 660e3), ("2010-06", 460e3), ("2012-06", 375e3), ("2014-06", 310e3),
    ("2016-06", 265e3), ("2018-06", 215e3), ("2019-12", 220e3), ("2020-03-14", 215e3),
    ("2020-03-28", 880e3), ("2020-06-27", 760e3), ("2020-12-26", 720e3),
    ("2021-06-26", 400e3), ("2021-12-25", 205e3), ("2022-06-25", 230e3),
    ("2023-06-24", 250e3), ("2024-06-29", 225e3), ("2025-06-28", 235e3),
)  # fmt: skip


def _first_friday(d: dt.date) -> dt.date:
    return _on_or_before(nth_weekday(*_next_month(d), 1, FRI))


def _cpi_day(d: dt.date) -> dt.date:
    return _on_or_after(weekday_on_or_after(month_start(*_next_month(d)) + _DAYS_9, WED))


_DAYS_9 = dt.timedelta(days=9)
_RHYTHMS: dict[str, _Rhythm] = {
    "UNRATE": _Rhythm(
        _UNRATE, _first_friday, 1, phi=0.6, sd=0.08, log=False, lo=3.4, hi=10.0,
        benchmark_month=12, benchmark_step=0.1,
    ),
    "CPIAUCSL": _Rhythm(
        _CPI, _cpi_day, 3, phi=0.8, sd=0.0008, growth=0.028, benchmark_month=1, benchmark_sd=5e-4
    ),
    "CPILFESL": _Rhythm(
        _CORE_CPI, _cpi_day, 3, phi=0.8, sd=0.0006, growth=0.029, benchmark_month=1,
        benchmark_sd=5e-4,
    ),
    "PCEPILFE": _Rhythm(
        _CORE_PCE, lambda d: _on_or_before(nth_weekday(*_next_month(d), -1, FRI)), 3,
        phi=0.8, sd=0.0005, growth=0.027, follow_ups=(4e-4, 2e-4),
    ),
    "INDPRO": _Rhythm(
        _INDPRO, lambda d: _on_or_after(month_start(*_next_month(d)) + dt.timedelta(days=15)),
        4, phi=0.5, sd=0.003, growth=0.01, follow_ups=(0.004, 0.003, 0.002, 0.0015, 0.001),
    ),
    "UMCSENT": _Rhythm(
        _SENTIMENT, lambda d: _on_or_before(nth_weekday(d.year, d.month, 2, FRI)), 1,
        phi=0.6, sd=1.8, log=False, lo=50.0, hi=100.0,
        final=lambda d: _on_or_before(nth_weekday(d.year, d.month, -1, FRI)), final_sd=0.012,
    ),
    "M2SL": _Rhythm(
        _M2, lambda d: _on_or_after(nth_weekday(*_next_month(d), 4, TUE)), 1,
        phi=0.7, sd=0.002, growth=0.045, follow_ups=(0.001,),
    ),
    "ICSA": _Rhythm(
        _CLAIMS, lambda d: _on_or_before(d + dt.timedelta(days=5)), -3,
        phi=0.7, sd=0.035, lo=180e3, hi=900e3, weekly=True, follow_ups=(0.01,),
    ),
}  # fmt: skip


def _periodic(series: str, horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    """Releases of a monthly or weekly series in date order, revisions drawn as they happen."""
    r = _RHYTHMS[series]
    days = _days(horizon, step=7) if r.weekly else _months(horizon)
    level = _path(
        days, r.anchors, _rng(series, "path"),
        phi=r.phi, sd=r.sd, log=r.log, growth=r.growth, lo=r.lo, hi=r.hi,
    )  # fmt: skip
    rng, decimals = _rng(series, "revisions"), r.decimals
    current = [round(x, decimals) for x in level]
    events: list[_Event] = []

    def revise(day: int, j: int, value: float) -> None:
        current[j] = round(value, decimals)
        events.append((day, j, _fmt(current[j], decimals)))

    for i, period in enumerate(days):
        day = r.release(period).toordinal()
        if period.month == r.benchmark_month and not r.weekly:
            for j in range(max(0, i - 60), i):
                if r.benchmark_step:
                    u, step = rng.random(), r.benchmark_step
                    if u < 0.175 or u > 0.825:
                        revise(day, j, current[j] + (step if u < 0.5 else -step))
                else:
                    revise(day, j, current[j] * (1 + rng.gauss(0.0, r.benchmark_sd)))
        for k, sd in enumerate(r.follow_ups, 1):
            if i >= k:
                revise(day, i - k, current[i - k] * (1 + rng.gauss(0.0, sd)))
        events.append((day, i, _fmt(current[i], decimals)))
        if r.final is not None:
            revise(r.final(period).toordinal(), i, current[i] * (1 + rng.gauss(0.0, r.final_sd)))
    return days, events


# =================================================================================================
# Quarterly national accounts

_GDPC1 = (
    ("2000-01", 13880.0), ("2000-10", 14130.0), ("2001-07", 14050.0), ("2002-10", 14450.0),
    ("2004-10", 15400.0), ("2007-10", 16900.0), ("2009-04", 16380.0), ("2011-10", 17350.0),
    ("2014-10", 18350.0), ("2017-10", 19800.0), ("2019-10", 20950.0), ("2020-01", 20700.0),
    ("2020-04", 19040.0), ("2020-10", 20770.0), ("2021-10", 22000.0), ("2022-10", 22300.0),
    ("2023-10", 23020.0), ("2024-10", 23540.0), ("2025-04", 23770.0),
)  # fmt: skip
_DEFLATOR = (
    ("2000-01", 0.721), ("2005-01", 0.813), ("2008-01", 0.878), ("2010-01", 0.897),
    ("2015-01", 0.983), ("2017-07", 1.0), ("2020-01", 1.058), ("2021-10", 1.13),
    ("2022-10", 1.19), ("2023-10", 1.23), ("2024-10", 1.26), ("2025-04", 1.28),
)  # fmt: skip
# Estimate errors (log): how much of the previous error survives and the fresh noise's sd, for
# the advance, second and third estimates and the annual update: (real, deflator) each.
_ESTIMATES = (((0.0, 0.004), (0.0, 0.0015)), ((0.6, 0.0015), (0.6, 0.0006)),
              ((0.7, 0.0008), (0.7, 0.0004)), ((0.5, 0.003), (0.5, 0.001)))  # fmt: skip


@lru_cache(maxsize=4)
def _national_accounts(horizon: dt.date) -> tuple[list[dt.date], list[_Event], list[_Event]]:
    """GDPC1 and GDP releases: three estimates of each quarter, then annual updates each late
    September of the three years before (and the quarters of the year so far)."""
    quarters = [q for q in _months(horizon) if q.month % 3 == 1]
    real = _path(quarters, _GDPC1, _rng("GDPC1", "path"), phi=0.5, sd=0.003, growth=0.02)
    deflator = _path(quarters, _DEFLATOR, _rng("GDP", "path"), phi=0.5, sd=0.0008, growth=0.025)
    jobs = []  # (day, stage, quarter index or year); stage 3 = the annual update
    for i, quarter in enumerate(quarters):
        for stage in range(3):
            month = month_start(quarter.year, quarter.month + 3 + stage)
            jobs.append((_on_or_before(nth_weekday(month.year, month.month, -1, THU)), stage, i))
    for year in range(OBSERVATIONS_FROM.year, horizon.year + 1):
        jobs.append((_on_or_before(nth_weekday(year, 9, -1, THU)), 3, year))
    jobs.sort()
    rng = _rng("GDP", "revisions")
    err_real, err_price = [0.0] * len(quarters), [0.0] * len(quarters)
    stage_of = [-1] * len(quarters)
    real_events: list[_Event] = []
    nominal_events: list[_Event] = []
    for day, stage, who in jobs:
        if stage < 3:
            targets = [who]
        else:
            first = max(0, (who - 3 - OBSERVATIONS_FROM.year) * 4)  # Q1 three years back
            last = min((who - OBSERVATIONS_FROM.year) * 4 + 2, len(quarters))  # to this Q2
            targets = [i for i in range(first, last) if stage_of[i] == 2]
        (keep_r, sd_r), (keep_p, sd_p) = _ESTIMATES[stage]
        for i in targets:
            err_real[i] = keep_r * err_real[i] + rng.gauss(0.0, sd_r)
            err_price[i] = keep_p * err_price[i] + rng.gauss(0.0, sd_p)
            stage_of[i] = max(stage_of[i], min(stage, 2))
            level = round(real[i] * math.exp(err_real[i]), 3)
            nominal = level * deflator[i] * math.exp(err_price[i])
            real_events.append((day.toordinal(), i, f"{level:.3f}"))
            nominal_events.append((day.toordinal(), i, f"{nominal:.3f}"))
    return quarters, real_events, nominal_events


def _gdp(series: str) -> Callable[[dt.date], tuple[list[dt.date], list[_Event]]]:
    def build(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
        quarters, real, nominal = _national_accounts(horizon)
        return quarters, list(real if series == "GDPC1" else nominal)

    return build


def _growth(horizon: dt.date) -> tuple[list[dt.date], list[_Event]]:
    """A191RL1Q225SBEA from GDPC1 exactly as each vintage states it: ((x_t/x_t-1)^4 - 1) * 100
    on the published values, recomputed wherever a release touches x_t or x_t-1."""
    quarters, real, _ = _national_accounts(horizon)
    state: list[float | None] = [None] * len(quarters)
    events: list[_Event] = []
    for day, group in itertools.groupby(sorted(real, key=lambda e: e[0]), key=lambda e: e[0]):
        touched = set()
        for _, i, value in group:
            state[i] = float(value)
            touched.update((i, i + 1))
        for t in sorted(touched):
            if 1 <= t < len(quarters) and state[t] is not None and state[t - 1] is not None:
                rate = ((state[t] / state[t - 1]) ** 4 - 1) * 100
                events.append((day, t - 1, _fmt(rate, 1)))
    return quarters[1:], events


# =================================================================================================
# The catalogue

_BUILDERS: dict[str, Callable[[dt.date], tuple[list[dt.date], list[_Event]]]] = {
    "DFF": _dff,
    "FEDFUNDS": _fedfunds,
    "GDP": _gdp("GDP"),
    "GDPC1": _gdp("GDPC1"),
    "A191RL1Q225SBEA": _growth,
    "VIXCLS": _vix,
    "DEXUSEU": _euro,
    **{s: _yield(s) for s in ("DGS3MO", "DGS2", "DGS10", "T10Y2Y", "T10Y3M")},
    **{s: (lambda horizon, s=s: _periodic(s, horizon)) for s in _RHYTHMS},
}


@lru_cache(maxsize=64)
def _history(series: str, horizon: dt.date = HORIZON) -> _History:
    dates, events = _BUILDERS[series](horizon)
    return _collapse(dates, events)


class _Meta(NamedTuple):
    title: str
    frequency: str
    frequency_short: str
    units: str
    units_short: str
    adjustment: str
    popularity: int
    notes: str


_SA, _SAAR, _NSA = (
    "Seasonally Adjusted",
    "Seasonally Adjusted Annual Rate",
    "Not Seasonally Adjusted",
)
_ADJUSTMENT_SHORT = {_SA: "SA", _SAAR: "SAAR", _NSA: "NSA"}
_CMT = (
    "Market Yield on U.S. Treasury Securities at {} Constant Maturity, Quoted on an "
    "Investment Basis"
)
_H15 = "Board of Governors of the Federal Reserve System (US), H.15 Selected Interest Rates."
_META: dict[str, _Meta] = {
    "DFF": _Meta(
        "Federal Funds Effective Rate", "Daily, 7-Day", "D", "Percent", "%", _NSA, 84,
        "The volume-weighted median rate of overnight federal funds transactions, published by "
        "the Federal Reserve Bank of New York. Weekends and holidays repeat the previous "
        "business day's rate.",
    ),
    "FEDFUNDS": _Meta(
        "Federal Funds Effective Rate", "Monthly", "M", "Percent", "%", _NSA, 97,
        "Averages of daily figures. " + _H15,
    ),
    "UNRATE": _Meta(
        "Unemployment Rate", "Monthly", "M", "Percent", "%", _SA, 95,
        "The number of unemployed as a percentage of the labor force, from the Current "
        "Population Survey (Household Survey) of the U.S. Bureau of Labor Statistics. Seasonally "
        "adjusted data are revised each January for the previous five years.",
    ),
    "CPIAUCSL": _Meta(
        "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
        "Monthly", "M", "Index 1982-1984=100", "Index 1982-1984=100", _SA, 95,
        "A price index of a basket of goods and services paid by urban consumers, from the U.S. "
        "Bureau of Labor Statistics. Seasonal factors are revised each February for five years.",
    ),
    "CPILFESL": _Meta(
        "Consumer Price Index for All Urban Consumers: All Items Less Food and Energy in U.S. "
        "City Average", "Monthly", "M", "Index 1982-1984=100", "Index 1982-1984=100", _SA, 86,
        "Core CPI: all items less food and energy, from the U.S. Bureau of Labor Statistics.",
    ),
    "PCEPILFE": _Meta(
        "Personal Consumption Expenditures Excluding Food and Energy (Chain-Type Price Index)",
        "Monthly", "M", "Index 2017=100", "Index 2017=100", _SA, 84,
        "Core PCE price index, from the U.S. Bureau of Economic Analysis, Personal Income and "
        "Outlays.",
    ),
    "GDP": _Meta(
        "Gross Domestic Product", "Quarterly", "Q", "Billions of Dollars", "Bil. of $", _SAAR, 93,
        "BEA Account Code: A191RC. The market value of the goods and services produced by labor "
        "and property located in the United States.",
    ),
    "GDPC1": _Meta(
        "Real Gross Domestic Product", "Quarterly", "Q", "Billions of Chained 2017 Dollars",
        "Bil. of Chn. 2017 $", _SAAR, 90,
        "BEA Account Code: A191RX. The inflation adjusted value of the goods and services "
        "produced by labor and property located in the United States.",
    ),
    "A191RL1Q225SBEA": _Meta(
        "Real Gross Domestic Product", "Quarterly", "Q", "Percent Change from Preceding Period",
        "% Chg. from Preceding Period", _SAAR, 82,
        "BEA Account Code: A191RL. Real GDP growth at an annual rate.",
    ),
    "DGS3MO": _Meta(_CMT.format("3-Month"), "Daily", "D", "Percent", "%", _NSA, 77, _H15),
    "DGS2": _Meta(_CMT.format("2-Year"), "Daily", "D", "Percent", "%", _NSA, 80, _H15),
    "DGS10": _Meta(_CMT.format("10-Year"), "Daily", "D", "Percent", "%", _NSA, 92, _H15),
    "T10Y2Y": _Meta(
        "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity", "Daily",
        "D", "Percent", "%", _NSA, 91, "Series is calculated as the spread between DGS10 and DGS2.",
    ),
    "T10Y3M": _Meta(
        "10-Year Treasury Constant Maturity Minus 3-Month Treasury Constant Maturity", "Daily",
        "D", "Percent", "%", _NSA, 83,
        "Series is calculated as the spread between DGS10 and DGS3MO.",
    ),
    "VIXCLS": _Meta(
        "CBOE Volatility Index: VIX", "Daily, Close", "D", "Index", "Index", _NSA, 84,
        "VIX measures market expectation of near term volatility conveyed by stock index option "
        "prices. Copyright Cboe Exchange, Inc.",
    ),
    "DEXUSEU": _Meta(
        "U.S. Dollars to Euro Spot Exchange Rate", "Daily", "D", "U.S. Dollars to One Euro",
        "U.S. $ to 1 Euro", _NSA, 78,
        "Noon buying rates in New York City for cable transfers payable in foreign currencies. "
        "Board of Governors of the Federal Reserve System (US), H.10 Foreign Exchange Rates.",
    ),
    "ICSA": _Meta(
        "Initial Claims", "Weekly, Ending Saturday", "W", "Number", "Number", _SA, 88,
        "An initial claim is a claim filed by an unemployed individual after a separation from "
        "an employer, from the U.S. Employment and Training Administration.",
    ),
    "INDPRO": _Meta(
        "Industrial Production: Total Index", "Monthly", "M", "Index 2017=100", "Index 2017=100",
        _SA, 80,
        "The real output of manufacturing, mining, and electric and gas utilities. Board of "
        "Governors of the Federal Reserve System (US), G.17 Industrial Production.",
    ),
    "UMCSENT": _Meta(
        "University of Michigan: Consumer Sentiment", "Monthly", "M", "Index 1966:Q1=100",
        "Index 1966:Q1=100", _NSA, 85,
        "A preliminary reading is released mid-month and the final one at the end of the month. "
        "Surveys of Consumers, University of Michigan.",
    ),
    "M2SL": _Meta(
        "M2", "Monthly", "M", "Billions of Dollars", "Bil. of $", _SA, 87,
        "M1 plus small-denomination time deposits and balances in retail money market funds. "
        "Board of Governors of the Federal Reserve System (US), H.6 Money Stock Measures.",
    ),
}  # fmt: skip


# =================================================================================================
# The API


class _BadRequest(Exception):
    """A request FRED answers with HTTP 400 and this message."""


class _IsoDays(dict[int, str]):
    """Ordinal -> ISO text, filled on demand (response building formats many dates)."""

    def __missing__(self, day: int) -> str:
        text = self[day] = dt.date.fromordinal(day).isoformat()
        return text


_ISO = _IsoDays()


def _error(code: int, message: str) -> bytes:
    return orjson.dumps({"error_code": code, "error_message": message})


def _date_param(params: Mapping[str, str], name: str, default: str) -> tuple[str, int]:
    text = params.get(name, default)
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return text, dt.date.fromisoformat(text).toordinal()
    except ValueError:
        raise _BadRequest(
            f"Bad Request.  Variable {name} is not a YYYY-MM-DD formatted date (e.g. 2000-02-24)."
        ) from None


def _int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name, str(default))
    if not text.isdigit() or not low <= int(text) <= high:
        raise _BadRequest(
            f"Bad Request.  Variable {name} is not an integer between {low} and {high}."
        )
    return int(text)


def _sort_order(params: Mapping[str, str]) -> str:
    order = params.get("sort_order", "asc")
    if order not in ("asc", "desc"):
        raise _BadRequest("Bad Request.  Variable sort_order is not one of the values: asc, desc.")
    return order


def _observation_rows(
    h: _History, lo: int, hi: int, window: tuple[int, int], cutoff: int, initial: bool, desc: bool
) -> list[str]:
    """FRED's rows: per observation its real-time intervals overlapping the window, clipped to it
    (output_type 1), or only its first interval, unclipped (output_type 4)."""
    start, end = window
    first_vintage = FIRST_VINTAGE.toordinal()
    iso, rows = _ISO, []
    for i in reversed(range(lo, hi)) if desc else range(lo, hi):
        starts = h.starts[i]
        n = bisect.bisect_right(starts, cutoff)
        if not n:
            continue
        date, values = h.dates[i], h.values[i]
        if initial:
            s = starts[0]
            e = starts[1] - 1 if n > 1 else OPEN
            if s > first_vintage and s <= end and e >= start:
                rows.append(_ROW % (iso[s], iso[e], date, values[0]))
            continue
        k = max(0, bisect.bisect_right(starts, start, 0, n) - 1)
        while k < n and starts[k] <= end:
            e = starts[k + 1] - 1 if k + 1 < n else OPEN
            if e >= start:
                s = starts[k]
                rows.append(_ROW % (iso[max(s, start)], iso[min(e, end)], date, values[k]))
            k += 1
    return rows


class SampleFred:
    """FRED and ALFRED as they answer at the clock `as_of` (tz-aware): the world's today is
    as_of's UTC date, and a vintage dated D is visible from 13:30 UTC on D."""

    def __init__(self, as_of: dt.datetime) -> None:
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise ValueError("SampleFred needs a timezone-aware as_of")
        self.as_of = as_of.astimezone(dt.UTC)
        self.today = self.as_of.date()
        published = self.today
        if self.as_of.time() < VISIBLE_FROM:
            published -= dt.timedelta(days=1)
        if not FIRST_VINTAGE <= published <= self.today <= HORIZON:
            raise ValueError(
                f"the sample FRED world runs from {FIRST_VINTAGE} 13:30 UTC to {HORIZON}"
            )
        self._cutoff = published.toordinal()  # the last vintage date visible

    def get(self, endpoint: str, params: Mapping[str, str]) -> HttpExchange:
        """One FRED API call; `endpoint` is relative to FRED_ROOT. The api_key is dropped."""
        query = {k: str(v) for k, v in sorted(params.items()) if k != "api_key"}
        handler = self._ENDPOINTS.get(endpoint)
        if handler is None:
            status, body = 404, _error(404, "Not Found")
        else:
            try:
                status, body = 200, handler(self, query)
            except _BadRequest as exc:
                status, body = 400, _error(400, str(exc))
        return HttpExchange(
            url=f"{FRED_ROOT}{endpoint}?{urlencode(query)}",
            params=dict(query),
            status=status,
            body=body,
            headers=dict(JSON_HEADERS),
        )

    # ---------------------------------------------------------------------------------------------

    def _series_history(self, params: Mapping[str, str]) -> tuple[str, _History]:
        if "series_id" not in params:
            raise _BadRequest("Bad Request.  Variable series_id is not set.")
        if params.get("file_type") != "json":
            raise _BadRequest("Bad Request.  The sample FRED serves file_type=json only.")
        series = params["series_id"]
        if series not in _BUILDERS:
            raise _BadRequest(NO_SUCH_SERIES)
        return series, _history(series)

    def _realtime(
        self, params: Mapping[str, str], default_start: str, default_end: str
    ) -> tuple[str, int, str, int]:
        start_text, start = _date_param(params, "realtime_start", default_start)
        end_text, end = _date_param(params, "realtime_end", default_end)
        if end != OPEN and end > self.today.toordinal():
            raise _BadRequest(
                f"Bad Request.  Variable realtime_end can not be after today's date ({self.today})"
                " unless it's equal to the real-time max date 9999-12-31."
            )
        if start > end:
            raise _BadRequest(
                "Bad Request.  Variable realtime_start can not be after variable realtime_end."
            )
        return start_text, start, end_text, end

    def _observations(self, params: Mapping[str, str]) -> bytes:
        _, h = self._series_history(params)
        output_type = params.get("output_type", "1")
        if output_type in ("2", "3"):
            raise _BadRequest(
                f"Bad Request.  output_type {output_type} is not supported by the sample."
            )
        if output_type not in ("1", "4"):
            raise _BadRequest(
                "Bad Request.  Variable output_type is not one of the values: 1, 2, 3, 4."
            )
        if params.get("units", "lin") != "lin":
            raise _BadRequest("Bad Request.  units other than lin are not supported by the sample.")
        for name in ("frequency", "aggregation_method", "vintage_dates"):
            if name in params:
                raise _BadRequest(f"Bad Request.  Variable {name} is not supported by the sample.")
        today = self.today.isoformat()
        rt_start_text, rt_start, rt_end_text, rt_end = self._realtime(
            params, today, "9999-12-31" if output_type == "4" else today
        )
        obs_start, _ = _date_param(params, "observation_start", "1600-01-01")
        obs_end, _ = _date_param(params, "observation_end", "9999-12-31")
        if obs_start > obs_end:
            raise _BadRequest(
                "Bad Request.  Variable observation_start can not be after variable "
                "observation_end."
            )
        order = _sort_order(params)
        limit = _int_param(params, "limit", 100000, 1, 100000)
        offset = _int_param(params, "offset", 0, 0, 10**9)
        if rt_end < FIRST_VINTAGE.toordinal():
            raise _BadRequest(NOT_IN_ALFRED)
        vintages = h.vintages
        spanned = bisect.bisect_right(vintages, min(rt_end, self._cutoff)) - bisect.bisect_left(
            vintages, rt_start
        )
        if spanned > MAX_VINTAGES:
            raise _BadRequest(TOO_MANY_VINTAGES)
        lo, hi = bisect.bisect_left(h.dates, obs_start), bisect.bisect_right(h.dates, obs_end)
        rows = _observation_rows(
            h, lo, hi, (rt_start, rt_end), self._cutoff, output_type == "4", order == "desc"
        )
        head = orjson.dumps(
            {
                "realtime_start": rt_start_text,
                "realtime_end": rt_end_text,
                "observation_start": obs_start,
                "observation_end": obs_end,
                "units": "lin",
                "output_type": int(output_type),
                "file_type": "json",
                "order_by": "observation_date",
                "sort_order": order,
                "count": len(rows),
                "offset": offset,
                "limit": limit,
            }
        )
        page = ",".join(rows[offset : offset + limit]).encode()
        return head[:-1] + b',"observations":[' + page + b"]}"

    def _vintagedates(self, params: Mapping[str, str]) -> bytes:
        _, h = self._series_history(params)
        start_text, start, end_text, end = self._realtime(params, "1776-07-04", "9999-12-31")
        order = _sort_order(params)
        limit = _int_param(params, "limit", 10000, 1, 10000)
        offset = _int_param(params, "offset", 0, 0, 10**9)
        vintages = h.vintages
        lo = bisect.bisect_left(vintages, start)
        hi = bisect.bisect_right(vintages, min(end, self._cutoff))
        dates = [_ISO[v] for v in vintages[lo:hi]]
        if order == "desc":
            dates.reverse()
        return orjson.dumps(
            {
                "realtime_start": start_text,
                "realtime_end": end_text,
                "order_by": "vintage_date",
                "sort_order": order,
                "count": len(dates),
                "offset": offset,
                "limit": limit,
                "vintage_dates": dates[offset : offset + limit],
            }
        )

    def _series(self, params: Mapping[str, str]) -> bytes:
        series, h = self._series_history(params)
        meta, today = _META[series], self.today.isoformat()
        last = max(i for i, starts in enumerate(h.starts) if starts[0] <= self._cutoff)
        latest = h.vintages[bisect.bisect_right(h.vintages, self._cutoff) - 1]
        return orjson.dumps(
            {
                "realtime_start": today,
                "realtime_end": today,
                "seriess": [
                    {
                        "id": series,
                        "realtime_start": today,
                        "realtime_end": today,
                        "title": meta.title,
                        "observation_start": h.dates[0],
                        "observation_end": h.dates[last],
                        "frequency": meta.frequency,
                        "frequency_short": meta.frequency_short,
                        "units": meta.units,
                        "units_short": meta.units_short,
                        "seasonal_adjustment": meta.adjustment,
                        "seasonal_adjustment_short": _ADJUSTMENT_SHORT[meta.adjustment],
                        "last_updated": _last_updated(series, latest),
                        "popularity": meta.popularity,
                        "notes": meta.notes,
                    }
                ],
            }
        )

    _ENDPOINTS: Mapping[str, Callable[[SampleFred, Mapping[str, str]], bytes]] = {
        "series": _series,
        "series/observations": _observations,
        "series/vintagedates": _vintagedates,
    }


def _last_updated(series: str, vintage: int) -> str:
    """When FRED loaded the vintage, Central time like FRED prints it: minutes before it is
    visible (13:30 UTC), so it never lies in the requester's future."""
    seconds = _rng(series, "updated", vintage).randrange(5 * 60, 40 * 60)
    moment = dt.datetime.combine(dt.date.fromordinal(vintage), VISIBLE_FROM, dt.UTC)
    local = (moment - dt.timedelta(seconds=seconds)).astimezone(CHICAGO)
    offset = local.utcoffset() or dt.timedelta()
    return f"{local:%Y-%m-%d %H:%M:%S}{int(offset.total_seconds() // 3600):+03d}"
