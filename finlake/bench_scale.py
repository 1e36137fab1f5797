"""`finlake bench scale`: a lake of N tickers x Y years built through Dagster the way a user builds
one (a single-run backfill, the indicators backfill, then daily sessions as the schedule runs
them), each stage timed, with the process's peak RSS. The lake stays in its home for
`finlake bench query`.

The sample market's clock is fixed at the end of each stage (END's close for the backfill, each
session's close for its daily run), so the figures are reproducible and exclude the network.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from finlake.bench import END, Timer, peak_rss_mb, rss_mb, step_seconds, synthetic_tickers
from finlake.calendar import nyse
from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED
from finlake.lake import Lake

DAILY_SESSIONS = 3  # the sessions run one by one after the backfill, as the schedule would
SESSIONS_PER_YEAR = 252


def default_home(tickers: int, years: int) -> Path:
    """Where a scale lake is kept between `bench scale` and `bench query`."""
    base = os.environ.get("FINLAKE_BENCH_DIR") or tempfile.gettempdir()
    return Path(base) / f"finlake-bench-{tickers}x{years}"


def run_scale(
    tickers: int, years: int, home: Path, echo: Callable[[str], None] = print
) -> dict[str, Any]:
    """Build the lake in `home` (which must not hold one yet) and return each stage's figures."""
    import dagster as dg

    from finlake.definitions import build_defs
    from finlake.defs.catalog.assets import CATALOG_KEY
    from finlake.defs.indicators.assets import INDICATORS_KEY
    from finlake.defs.prices.assets import (
        BRONZE_KEY,
        CORPORATE_ACTIONS_KEY,
        PRICES_ADJUSTED_KEY,
        PRICES_DAILY_KEY,
    )
    from finlake.defs.resources import FinlakeResource
    from finlake.demo import QUIET
    from finlake.instance import instance_for
    from finlake.settings import Settings
    from finlake.universe import Security

    if (home / "lake").exists():
        raise FileExistsError(f"{home} already holds a lake; remove it or pass another --home")
    names = synthetic_tickers(tickers)
    cal = nyse()
    sessions = cal.sessions_back(END, years * SESSIONS_PER_YEAR)
    history, daily = sessions[:-DAILY_SESSIONS], sessions[-DAILY_SESSIONS:]
    settings = Settings(home=home, source="sample", universe=tuple(Security(n, n) for n in names))
    settings.ensure_home()
    instance = instance_for(settings)
    out: dict[str, Any] = {
        "tickers": tickers,
        "years": years,
        "sessions": len(sessions),
        "home": str(home),
    }

    def defs_at(day: dt.date) -> dg.Definitions:
        clock = cal.session_close(day) + dt.timedelta(hours=2)
        return build_defs(
            FinlakeResource(
                home=str(home), source="sample", universe=names, sample_as_of=clock.isoformat()
            )
        )

    def run(label: str, job: dg.JobDefinition, **kwargs: Any) -> None:
        echo(f"  ... {label}")
        with Timer() as timer:
            result = job.execute_in_process(instance=instance, run_config=QUIET, **kwargs)
        if not result.success:
            raise RuntimeError(f"bench scale: the run {label!r} failed ({result.run_id})")
        steps = step_seconds(instance, result.run_id)
        out[f"{label}_seconds"] = round(timer.seconds, 2)
        out[f"{label}_slowest_step"] = max(steps.items(), key=lambda kv: kv[1], default=None)
        out[f"{label}_peak_rss_mb"] = round(peak_rss_mb())
        echo(f"  {timer.seconds:7.1f}s  {label}  (peak RSS so far {peak_rss_mb():.0f} MB)")

    span = {
        "dagster/asset_partition_range_start": history[0].isoformat(),
        "dagster/asset_partition_range_end": history[-1].isoformat(),
    }
    defs = defs_at(history[-1])
    job = defs.resolve_job_def("prices_daily_job")
    whole = defs.resolve_implicit_global_asset_job_def()
    started = time.perf_counter()
    out["rss_before_mb"] = round(rss_mb())
    selection = [BRONZE_KEY, PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY]
    run("prices_backfill", job, tags=span, asset_selection=selection)
    run("adjusted_and_catalog", whole, asset_selection=[PRICES_ADJUSTED_KEY, CATALOG_KEY])
    run("indicators_backfill", job, tags=span, asset_selection=[INDICATORS_KEY])
    for i, day in enumerate(daily, 1):
        run(
            f"session_{i}",
            defs_at(day).resolve_job_def("prices_daily_job"),
            partition_key=day.isoformat(),
        )
        out[f"session_{i}_date"] = day.isoformat()
        out[f"session_{i}_corporate_actions"] = _actions_on(Lake.of_home(home), day)
    lake = Lake.of_home(home)
    out["rows_prices_adjusted"] = lake.scan(PRICES_ADJUSTED).select(pl.len()).collect().item()
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    out["peak_rss_mb"] = round(peak_rss_mb())
    return out


def _actions_on(lake: Lake, day: dt.date) -> int:
    """Corporate actions stored for `day` (context: a dividend restates its ticker's adjusted
    history and indicators)."""
    frame = lake.scan(CORPORATE_ACTIONS).filter(pl.col("date") == day).select(pl.len())
    return int(frame.collect().item())
