"""Benchmarks, outside the test run: `finlake bench ingest|session|indicators|news|macro`.

They run on the offline sample market (synthetic tickers S0001, S0002, ...) and news world with a
fixed clock, so the figures are reproducible; network time is excluded by construction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from finlake.calendar import nyse
from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.gate import apply_gate
from finlake.lake import Lake
from finlake.pipelines.prices import (
    build_adjusted,
    build_silver,
    fetch_prices,
    silver_from_payloads,
)
from finlake.schemas.prices import CORPORATE_ACTIONS_SCHEMA, PRICES_DAILY_SCHEMA
from finlake.settings import Settings
from finlake.sources.yahoo.provider import YahooProvider
from finlake_sample.yahoo import SampleChartTransport

if TYPE_CHECKING:
    from dagster import DagsterInstance, JobDefinition

    from finlake.universe import Security

END = dt.date(2026, 11, 20)  # a fixed last session keeps runs comparable


def synthetic_tickers(count: int) -> list[str]:
    return [f"S{i:04d}" for i in range(1, count + 1)]


def machine() -> dict[str, str]:
    import dagster
    import duckdb

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": f"{cpu} x {os.cpu_count()}",
        "memory": f"{mem:.0f} GiB",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "dagster": dagster.__version__,
    }


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timer:
    seconds: float = 0.0

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._t0


def bench_ingest(tickers: int = 500, sessions: int = 252, repeat: int = 3) -> dict[str, float]:
    """Payloads already in memory -> parse -> Pandera gate -> atomic Parquet partitions."""
    days = nyse().sessions_back(END, sessions)
    as_of = nyse().session_close(END) + dt.timedelta(hours=2)
    provider = YahooProvider(SampleChartTransport(as_of), clock=lambda: as_of)
    payloads = [
        provider.fetch(t, days[0], days[-1], reason="bench") for t in synthetic_tickers(tickers)
    ]
    before = rss_mb()
    totals, parse_s, gate_s = [], [], []
    rows = 0
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            with Timer() as total:
                report = silver_from_payloads(provider, Lake(Path(tmp)), payloads, run_id=f"b{i}")
            totals.append(total.seconds)
            rows = report.prices.height
        with Timer() as parse:
            parsed = provider.parse(payloads)
        with Timer() as gate:
            apply_gate(
                parsed.prices, PRICES_DAILY_SCHEMA, dataset=PRICES_DAILY.name, partition_by="date"
            )
            apply_gate(
                parsed.actions.drop("fetched_at"),
                CORPORATE_ACTIONS_SCHEMA,
                dataset=CORPORATE_ACTIONS.name,
                partition_by="date",
            )
        parse_s.append(parse.seconds)
        gate_s.append(gate.seconds)
    best = min(totals)
    return {
        "tickers": tickers,
        "sessions": sessions,
        "rows": rows,
        "payload_mb": round(sum(len(p.exchange.body) for p in payloads) / 2**20, 1),
        "best_seconds": round(best, 3),
        "median_seconds": round(statistics.median(totals), 3),
        "rows_per_second": round(rows / best),
        "parse_seconds": round(min(parse_s), 3),
        "gate_seconds": round(min(gate_s), 3),
        "write_and_rest_seconds": round(best - min(parse_s) - min(gate_s), 3),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_session(tickers: int = 500, history: int = 252) -> dict[str, float]:
    """One new session for `tickers` through every price asset in a real Dagster run, on top of
    `history` sessions already in the lake (built outside the timing)."""
    from finlake.catalog import Catalog
    from finlake.definitions import build_defs
    from finlake.defs.resources import FinlakeResource
    from finlake.universe import Security

    names = synthetic_tickers(tickers)
    cal = nyse()
    days = cal.sessions_back(END, history + 1)
    as_of = cal.session_close(END) + dt.timedelta(hours=2)
    with _sample_home(tuple(Security(n, n) for n in names)) as (settings, instance):
        lake = Lake.of_home(settings.home)
        provider = YahooProvider(SampleChartTransport(as_of), clock=lambda: as_of)
        with Timer() as setup:
            fetch_prices(
                provider, lake, names, days[:-1], run_id="history", refetch_sessions=5, now=as_of
            )
            build_silver(provider, lake, names, days[:-1], run_id="history")
            build_adjusted(lake, names)
            Catalog(settings.home).build()
        resource_ = FinlakeResource(
            home=str(settings.home), source="sample", universe=names, sample_as_of=as_of.isoformat()
        )
        job = build_defs(resource_).resolve_job_def("prices_daily_job")
        run_seconds, steps = _timed_run(job, instance, partition_key=END.isoformat())
        rows = lake.scan(PRICES_DAILY).select(pl.len()).collect().item()
    return {
        "tickers": tickers,
        "history_sessions": history,
        "rows_in_lake": rows,
        "setup_seconds": round(setup.seconds, 1),
        "run_wall_seconds": round(run_seconds, 2),
        **{f"step_{k}_s": v for k, v in steps.items()},
        "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_news(hours: int = 168) -> dict[str, float]:
    """`hours` hourly news polls of the sample feeds as one single-run Dagster backfill, then the
    next hour's poll as the schedule runs it; the sample clock is fixed at END's close."""
    from finlake.calendar import HOUR_FORMAT
    from finlake.datasets import NEWS_ARTICLES
    from finlake.definitions import build_defs
    from finlake.defs.resources import FinlakeResource
    from finlake.universe import DEFAULT_UNIVERSE

    last = nyse().session_close(END).replace(minute=0)
    first = last - dt.timedelta(hours=hours)
    with _sample_home(DEFAULT_UNIVERSE) as (settings, instance):
        finlake = FinlakeResource(
            home=str(settings.home),
            source="sample",
            sample_as_of=(last + dt.timedelta(minutes=30)).isoformat(),
        )
        job = build_defs(finlake).resolve_job_def("news_hourly_job")
        tags = {
            "dagster/asset_partition_range_start": first.strftime(HOUR_FORMAT),
            "dagster/asset_partition_range_end": (last - dt.timedelta(hours=1)).strftime(
                HOUR_FORMAT
            ),
        }
        backfill_seconds, backfill_steps = _timed_run(job, instance, tags=tags)
        hourly_seconds, hourly_steps = _timed_run(
            job, instance, partition_key=last.strftime(HOUR_FORMAT)
        )
        articles = Lake.of_home(settings.home).scan(NEWS_ARTICLES).select(pl.len()).collect()
        articles = articles.item()
    return {
        "hours": hours,
        "articles_stored": articles,
        "backfill_wall_seconds": round(backfill_seconds, 2),
        **{f"backfill_{k}_s": v for k, v in backfill_steps.items() if "news" in k},
        "hourly_wall_seconds": round(hourly_seconds, 2),
        **{f"hourly_{k}_s": v for k, v in hourly_steps.items() if "news" in k},
        "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_macro() -> dict[str, float]:
    """The 20 default FRED series loaded with every vintage (sample FRED, 2000-), then the next
    business day's incremental run, each as the macro_daily job runs it."""
    from finlake.datasets import MACRO_OBSERVATIONS
    from finlake.definitions import build_defs
    from finlake.defs.resources import FinlakeResource
    from finlake.universe import DEFAULT_UNIVERSE

    first = dt.datetime.combine(END, dt.time(15), dt.UTC)
    monday = first + dt.timedelta(days=3)  # END is a Friday
    out: dict[str, float] = {}
    with _sample_home(DEFAULT_UNIVERSE) as (settings, instance):
        lake = Lake.of_home(settings.home)
        for label, clock in (("full_load", first), ("next_business_day", monday)):
            finlake = FinlakeResource(
                home=str(settings.home), source="sample", sample_as_of=clock.isoformat()
            )
            job = build_defs(finlake).resolve_job_def("macro_daily_job")
            seconds, steps = _timed_run(job, instance)
            out[f"{label}_wall_seconds"] = round(seconds, 2)
            out |= {f"{label}_{k}_s": v for k, v in steps.items() if "fred" in k or "macro" in k}
            out[f"{label}_rows"] = lake.scan(MACRO_OBSERVATIONS).select(pl.len()).collect().item()
    return {**out, "peak_rss_mb": round(peak_rss_mb())}


@contextmanager
def _sample_home(universe: tuple[Security, ...]) -> Iterator[tuple[Settings, DagsterInstance]]:
    """A throwaway sample-mode home and its Dagster instance."""
    from finlake.instance import instance_for

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), source="sample", universe=universe)
        settings.ensure_home()
        yield settings, instance_for(settings)


def _timed_run(
    job: JobDefinition, instance: DagsterInstance, **kwargs: Any
) -> tuple[float, dict[str, float]]:
    """Execute `job` quietly in process; its wall seconds and seconds per step."""
    from finlake.demo import QUIET

    with Timer() as timer:
        run = job.execute_in_process(instance=instance, run_config=QUIET, **kwargs)
    if not run.success:
        raise RuntimeError("the benchmark run failed")
    return timer.seconds, step_seconds(instance, run.run_id)


def step_seconds(instance: DagsterInstance, run_id: str) -> dict[str, float]:
    starts, out = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key is None:
            continue
        if event.is_step_start:
            starts[entry.step_key] = entry.timestamp
        elif event.is_step_success and entry.step_key in starts:
            out[entry.step_key] = round(entry.timestamp - starts[entry.step_key], 2)
    return out


def indicator_panel(tickers: int = 500, years: int = 25, seed: int = 7) -> pl.DataFrame:
    """A synthetic OHLCV panel on real NYSE sessions, sorted by (ticker, date)."""
    import numpy as np

    days = nyse().sessions_back(END, years * 252)
    n, rng = len(days), np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.02, (tickers, n)), axis=1)).ravel()
    open_ = close * np.exp(rng.normal(0, 0.005, close.size))
    high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0, 0.01, close.size)))
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0, 0.01, close.size)))
    return pl.DataFrame(
        {
            "ticker": np.repeat(synthetic_tickers(tickers), n),
            "date": pl.Series(days * tickers, dtype=pl.Date),
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": rng.integers(10_000, 10_000_000, close.size).astype(float),
        }
    )


def _talib_loop(panel: pl.DataFrame, starts) -> dict:
    """The baseline: TA-Lib over each ticker's contiguous numpy slice, same outputs."""
    import numpy as np

    from finlake.indicators import COLUMNS
    from finlake.indicators.compute import small_pages
    from finlake.indicators.reference import talib_indicators

    arrays = [panel.get_column(c).to_numpy() for c in ("high", "low", "close", "volume")]
    with small_pages():  # the same allocation policy as compute_indicators' outputs
        out = {c: np.empty(panel.height) for c in COLUMNS}
    for a, b in itertools.pairwise(starts):
        for name, values in talib_indicators(*(x[a:b] for x in arrays)).items():
            out[name][a:b] = values
    return out


def _finlake_peak(tickers: int, years: int, queue) -> None:
    from finlake.indicators import compute_indicators

    panel = indicator_panel(tickers, years)
    compute_indicators(panel)
    queue.put(peak_rss_mb())


def bench_indicators(tickers: int = 500, years: int = 25, repeat: int = 3) -> dict[str, float]:
    """compute_indicators on a synthetic panel vs the TA-Lib loop, in the same process."""
    import multiprocessing

    import numba
    import numpy as np

    try:
        import talib  # noqa: F401
    except ImportError as exc:  # pragma: no cover - a development dependency
        raise RuntimeError("the baseline needs TA-Lib: `uv sync` installs it (dev group)") from exc
    from finlake.indicators import compute_indicators

    panel = indicator_panel(tickers, years)
    starts = np.concatenate([[0], np.cumsum(np.full(tickers, panel.height // tickers))])
    with Timer() as compile_time:
        compute_indicators(panel.head(2000))  # JIT compile (cached on disk afterwards)
    with Timer() as cold:
        first = compute_indicators(panel)  # the first call also faults in ~1 GB of output
    del first
    ours, theirs, single = [], [], []
    threads = numba.get_num_threads()
    for _ in range(repeat):
        with Timer() as t:
            result = compute_indicators(panel)
        ours.append(t.seconds)
        del result
        with Timer() as t:
            baseline = _talib_loop(panel, starts)
        theirs.append(t.seconds)
        del baseline
        numba.set_num_threads(1)
        with Timer() as t:
            result = compute_indicators(panel)
        single.append(t.seconds)
        del result
        numba.set_num_threads(threads)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_finlake_peak, args=(tickers, years, queue))
    child.start()
    peak = queue.get()
    child.join()
    mine, base = statistics.median(ours), statistics.median(theirs)
    one = statistics.median(single)
    return {
        "tickers": tickers,
        "rows": panel.height,
        "jit_compile_seconds": round(compile_time.seconds, 2),
        "numba_threads": threads,
        "finlake_first_call_seconds": round(cold.seconds, 3),
        "finlake_seconds_median": round(mine, 3),
        "finlake_seconds_all": ", ".join(f"{x:.3f}" for x in ours),
        "talib_loop_seconds_median": round(base, 3),
        "talib_loop_seconds_all": ", ".join(f"{x:.3f}" for x in theirs),
        "ratio_finlake_to_talib": round(mine / base, 3),
        "rows_per_second": round(panel.height / mine),
        "finlake_single_thread_seconds_median": round(one, 3),
        "ratio_single_thread": round(one / base, 3),
        "finlake_peak_rss_mb": round(peak),
    }
