"""`finlake demo`: a complete lakehouse from the offline sample source, through real Dagster runs.

The runs are recorded in the home's Dagster instance, so `dg dev` afterwards shows their
lineage, partitions, checks and metadata. Sample data never lands in a live home (see
Settings.ensure_home).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl

from finlake.calendar import HOUR_FORMAT, NY, edgar, nyse
from finlake.catalog import Catalog
from finlake.contracts import SOURCES
from finlake.datasets import DATASETS
from finlake.lake import Lake
from finlake.settings import Settings, default_home, resolve_source
from finlake.sources.fed.decisions import load_decisions
from finlake.sources.fred.payloads import DEFAULT_SERIES

SESSIONS_PER_YEAR = 252
DAILY_RUNS = 2  # the last sessions are built one run per session, like the schedule does
NEWS_HOURS = 24  # hourly news polls backfilled before the current hour's poll
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

EXAMPLE_QUERY = """\
SELECT ticker, date, round(p.close, 2) AS close,
       round(rsi_14, 1) AS rsi_14, round(sma_50, 2) AS sma_50, round(sma_200, 2) AS sma_200,
       round(100 * return_21d, 1) AS return_21d_pct, round(100 * volatility_21d, 1) AS vol_21d_pct
FROM indicators_daily JOIN prices_adjusted p USING (ticker, date)
WHERE date = (SELECT max(date) FROM indicators_daily)
ORDER BY return_21d_pct DESC"""

SEC_QUERY = """\
WITH universe AS (SELECT DISTINCT cik, ticker FROM sec_filings),
quarters AS (
  SELECT cik, period_end, value, filed FROM fundamentals_asof(current_date)
  WHERE concept = 'RevenueFromContractWithCustomerExcludingAssessedTax'
    AND date_diff('day', period_start, period_end) BETWEEN 80 AND 100)
SELECT u.ticker, max(q.period_end) AS quarter_end,
       round(arg_max(q.value, q.period_end) / 1e9, 2) AS revenue_bn,
       arg_max(q.filed, q.period_end) AS filed,
       (SELECT count(*) FROM insider_transactions t
        WHERE t.issuer_cik = u.cik AND t.transaction_code = 'S') AS insider_sales
FROM quarters q JOIN universe u USING (cik)
GROUP BY u.ticker, u.cik ORDER BY revenue_bn DESC"""

NEWS_QUERY = """\
SELECT ticker, count(*) AS sessions, sum(article_count)::BIGINT AS articles,
       round(sum(mean_compound * article_count) / sum(article_count), 2) AS mean_compound,
       (SELECT arg_min(title, sentiment_compound) FROM news_articles a
        WHERE list_contains(a.tickers, s.ticker)
          AND a.published_at >= current_date - INTERVAL 7 DAY) AS most_negative_headline
FROM news_sentiment_daily s WHERE date >= current_date - INTERVAL 7 DAY
GROUP BY ticker ORDER BY mean_compound"""

MACRO_QUERY = """\
SELECT l.series_id, l.date, l.value AS latest, f.value AS first_release,
       a.value AS known_a_year_ago, l.units
FROM macro_latest l
JOIN macro_first_release f USING (series_id, date)
LEFT JOIN macro_asof(current_date - INTERVAL 1 YEAR) a USING (series_id, date)
WHERE l.series_id IN ('GDP', 'UNRATE', 'CPIAUCSL') AND l.date = DATE '2025-04-01'
ORDER BY l.series_id"""

FEATURES_QUERY = """\
SELECT ticker, date, round(close, 2) AS close, round(100 * return_1d, 2) AS ret_pct,
       round(rsi_14, 1) AS rsi_14, round(news_mean_compound, 2) AS news, macro_unrate,
       macro_dgs10, round(pe_ratio, 1) AS pe, round(market_cap / 1e9) AS mcap_bn, days_since_8k
FROM features_daily WHERE date = (SELECT max(date) FROM features_daily)
ORDER BY mcap_bn DESC NULLS LAST"""

POLICY_QUERY = """\
SELECT year(meeting_date) AS year, count(*) AS meetings,
       count(*) FILTER (WHERE action = 'hike') AS hikes,
       count(*) FILTER (WHERE action = 'cut') AS cuts, CAST(sum(change_bps) AS BIGINT) AS net_bps,
       arg_max(target_high, meeting_date) AS upper_at_year_end
FROM policy_events WHERE is_fomc_statement AND meeting_date >= DATE '2019-01-01'
GROUP BY ALL ORDER BY year"""


@dataclass
class DemoResult:
    home: Path
    sessions: list[dt.date]
    runs: list[tuple[str, str, bool, float]] = field(default_factory=list)  # name, id, ok, s
    # asset, check, severity, passed
    checks: list[tuple[str, str, str, bool]] = field(default_factory=list)
    seconds: float = 0.0


STAGED_ABOVE = {"prices", "sec", "news", "macro", "policy"}  # sources with demo steps of their own


def buildable_end(now: dt.datetime) -> dt.date:
    """The latest session that has closed and whose partition exists (18:00 ET has passed)."""
    cal = nyse()
    day = cal.last_closed_session(now)
    if now < dt.datetime.combine(day, dt.time(18), NY):
        day = cal.previous_session(day)
    return day


def last_edgar_day(now: dt.datetime) -> dt.date:
    """The latest EDGAR business day whose daily index is out (EDGAR closes at 22:00 ET)."""
    cal = edgar()
    day = now.astimezone(NY).date()
    if cal.is_business_day(day) and now.astimezone(NY).time() >= dt.time(22):
        return day
    return cal.previous_business_day(day)


def run_demo(
    home: Path | None = None, years: float = 2.0, echo: Callable[[str], None] = print
) -> DemoResult:
    # A first run on a machine compiles the indicator kernels (~11 s): do it in another process
    # while the prices and SEC runs go, so the indicators backfill finds them cached.
    warming = subprocess.Popen(
        [sys.executable, "-c", "from finlake.indicators import warm_up; warm_up()"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from finlake.definitions import build_defs
    from finlake.defs.catalog.assets import CATALOG_KEY
    from finlake.defs.indicators.assets import INDICATORS_KEY
    from finlake.defs.prices.assets import (
        BRONZE_KEY,
        CORPORATE_ACTIONS_KEY,
        PRICES_ADJUSTED_KEY,
        PRICES_DAILY_KEY,
    )
    from finlake.instance import instance_for
    from finlake.runs import recover_dead_runs

    started = time.perf_counter()
    if resolve_source() == "live":  # also for callers other than the CLI
        raise ValueError("the demo builds sample data only; FINLAKE_SOURCE=live is set")
    settings = Settings.from_env(home=home, source="sample")
    settings.ensure_home()
    lake = Lake.of_home(settings.home)
    for ds in DATASETS.values():  # a demo home of the earlier layout: converted, as `migrate`
        if rows := lake.migrate(ds):
            echo(f"  converted {ds.layer}/{ds.name} ({rows} rows) to a Delta table")
    echo("  loading the Dagster instance and definitions")
    instance = instance_for(settings)  # exports FINLAKE_HOME/FINLAKE_SOURCE for the definitions
    recovery = recover_dead_runs(instance)  # a killed earlier demo must not hold the pools
    for run in recovery.closed:
        echo(f"  closed dead run {run.run_id[:8]} {run.job_name}: {run.reason}")
    defs = build_defs()
    job = defs.resolve_job_def("prices_daily_job")
    whole = defs.resolve_implicit_global_asset_job_def()
    end = buildable_end(dt.datetime.now(dt.UTC))
    sessions = nyse().sessions_back(end, max(DAILY_RUNS + 1, round(years * SESSIONS_PER_YEAR)))
    history, daily = sessions[:-DAILY_RUNS], sessions[-DAILY_RUNS:]
    result = DemoResult(home=settings.home, sessions=sessions)
    edgar_days = edgar().business_days_between(sessions[0], last_edgar_day(dt.datetime.now(NY)))
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    news_hours = [hour - dt.timedelta(hours=n) for n in range(NEWS_HOURS, -1, -1)]
    echo(
        f"Building the demo lakehouse in {settings.home}\n"
        f"  {len(sessions)} NYSE sessions {sessions[0]}..{sessions[-1]}, "
        f"{len(settings.tickers)} tickers ({', '.join(settings.tickers)}), sample source\n"
        f"  {len(edgar_days)} EDGAR filing days {edgar_days[0]}..{edgar_days[-1]}\n"
        f"  {len(news_hours)} hourly news polls {news_hours[0]:%Y-%m-%d %H:00}.."
        f"{news_hours[-1]:%Y-%m-%d %H:00} UTC\n"
        f"  {len(DEFAULT_SERIES)} FRED series with their vintages; the Fed's press feeds"
    )

    def execute(name: str, job: dg.JobDefinition, **kwargs) -> None:
        echo(f"  ...       {name}")
        t0 = time.perf_counter()
        run = job.execute_in_process(instance=instance, run_config=QUIET, **kwargs)
        result.runs.append((name, run.run_id, run.success, time.perf_counter() - t0))
        for ev in run.get_asset_check_evaluations():
            result.checks.append(
                (ev.asset_key.to_user_string(), ev.check_name, ev.severity.value, ev.passed)
            )
        echo(f"  run {run.run_id[:8]}  {time.perf_counter() - t0:5.1f}s  {name}")

    def backfill(name: str, job: dg.JobDefinition, first: str, last: str, **kwargs) -> None:
        tags = {
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
            "finlake/demo": "backfill",
        }
        execute(f"{name} {first}..{last} (one run)", job, tags=tags, **kwargs)

    def days(first: dt.date, last: dt.date) -> tuple[str, str]:
        return first.isoformat(), last.isoformat()

    selection = [BRONZE_KEY, PRICES_DAILY_KEY, CORPORATE_ACTIONS_KEY]
    backfill("backfill", job, *days(history[0], history[-1]), asset_selection=selection)
    execute("prices_adjusted + catalog", whole, asset_selection=[PRICES_ADJUSTED_KEY, CATALOG_KEY])
    execute("sec_companies (as the weekly schedule)", defs.resolve_job_def("sec_companies_job"))
    sec_job = defs.resolve_job_def("sec_daily_job")
    backfill("SEC backfill", sec_job, *days(edgar_days[0], edgar_days[-2]))
    execute(
        f"SEC daily {edgar_days[-1]} (as the 06:00 ET schedule)",
        sec_job,
        partition_key=edgar_days[-1].isoformat(),
        tags={"finlake/demo": "daily"},
    )
    warming.wait()  # a failed warm-up only means the backfill compiles the kernels itself
    backfill(
        "indicators backfill", job, *days(history[0], history[-1]), asset_selection=[INDICATORS_KEY]
    )
    for day in daily:
        execute(
            f"daily {day} (as the 18:00 ET schedule)",
            job,
            partition_key=day.isoformat(),
            tags={"finlake/demo": "daily"},
        )
    news_job = defs.resolve_job_def("news_hourly_job")
    first_hour, last_hour = (h.strftime(HOUR_FORMAT) for h in (news_hours[0], news_hours[-2]))
    backfill("news backfill", news_job, first_hour, last_hour)
    execute(
        f"news {news_hours[-1]:%Y-%m-%d %H:00} UTC (as the hourly schedule)",
        news_job,
        partition_key=news_hours[-1].strftime(HOUR_FORMAT),
        tags={"finlake/demo": "hourly"},
    )
    execute(
        f"macro: {len(DEFAULT_SERIES)} FRED series with vintages (as the 09:00 UTC schedule)",
        defs.resolve_job_def("macro_daily_job"),
    )
    execute("policy: Fed press feeds and FOMC decisions", defs.resolve_job_def("policy_job"))
    windows = {  # a source added since: its job over the demo's window of its partitions
        "nyse_sessions": days(sessions[0], sessions[-1]),
        "edgar_days": days(edgar_days[0], edgar_days[-1]),
        "news_hours": (news_hours[0].strftime(HOUR_FORMAT), news_hours[-1].strftime(HOUR_FORMAT)),
    }
    for contract in SOURCES:
        if contract.group in STAGED_ABOVE:
            continue
        source_job = defs.resolve_job_def(contract.job)
        if contract.partitions is None:
            execute(f"{contract.group} ({contract.job})", source_job)
        else:
            backfill(contract.group, source_job, *windows[contract.partitions])
    execute("models: dbt_like_sql staging and marts", defs.resolve_job_def("models_job"))
    result.seconds = time.perf_counter() - started
    _summarize(result, settings, echo)
    return result


def _table(df: pl.DataFrame) -> str:
    with pl.Config(tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, tbl_rows=50):
        return str(df)


def _summarize(result: DemoResult, settings: Settings, echo: Callable[[str], None]) -> None:
    lake = Lake.of_home(settings.home)
    con = Catalog(settings.home).connect()
    try:
        rows = []
        for name, ds in DATASETS.items():
            count = con.sql(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
            first = last = days = None
            column = next(
                (c for c in ("date", "filing_date", "published_at") if c in ds.schema), None
            )
            if column:
                day = f'CAST("{column}" AS DATE)'
                first, last, days = con.sql(
                    f'SELECT min({day}), max({day}), count(DISTINCT {day}) FROM "{name}"'
                ).fetchall()[0]
            rows.append(
                {
                    "dataset": name,
                    "rows": count,
                    "days": days,
                    "first": first,
                    "last": last,
                    "parquet_files": len(lake.files(ds)),
                }
            )
        echo("\nDatasets (views in the DuckDB catalog):\n" + _table(pl.DataFrame(rows)))
        checks = (
            pl.DataFrame(
                result.checks, schema=["asset", "check", "severity", "passed"], orient="row"
            )
            .group_by("asset", "check", "severity")
            .agg(
                pl.len().alias("evaluations"),
                pl.col("passed").sum().alias("passed"),
                (~pl.col("passed")).sum().alias("failed"),
            )
            .sort("asset", "check")
        )
        echo(
            "\nAsset checks (one evaluation per partition of a run; WARN checks report, ERROR "
            "checks gate):"
        )
        echo(_table(checks))
        echo(f'\nExample query (uv run finlake sql "..."):\n{EXAMPLE_QUERY}\n')
        echo(_table(con.sql(EXAMPLE_QUERY).pl()))
        echo(
            "\nLatest quarterly revenue known today (point in time) and insider sales:\n"
            f"{SEC_QUERY}\n"
        )
        echo(_table(con.sql(SEC_QUERY).pl()))
        echo(f"\nNews sentiment of the last 7 days, most negative first:\n{NEWS_QUERY}\n")
        with pl.Config(fmt_str_lengths=70):
            echo(_table(con.sql(NEWS_QUERY).pl()))
        echo(
            "\nMacro: latest, first release and as known a year ago (point in time):\n"
            f"{MACRO_QUERY}\n"
        )
        echo(_table(con.sql(MACRO_QUERY).pl()))
        last = load_decisions()[-1].day
        echo(
            f"\nFOMC decisions per year (every statement since 2008; the real record through "
            f"{last}, the sample world's drawn decisions after it):\n{POLICY_QUERY}\n"
        )
        echo(_table(con.sql(POLICY_QUERY).pl()))
        echo(
            "\nThe point-in-time feature mart (dbt_like_sql/marts/features_daily.sql), latest "
            f"session:\n{FEATURES_QUERY}\n"
        )
        with pl.Config(tbl_cols=-1, tbl_width_chars=200):
            echo(_table(con.sql(FEATURES_QUERY).pl()))
    finally:
        con.close()
    env = "" if settings.home == default_home("sample") else f"FINLAKE_HOME={settings.home} "
    py = f"{env}uv run python -c 'import finlake; print(finlake."
    echo(
        f"\nDone in {result.seconds:.1f}s. Next:\n"
        f"  {env}uv run dg dev                 # the UI: lineage, partitions, checks, metadata\n"
        f'  {env}uv run finlake sql "SELECT * FROM prices_daily LIMIT 5"\n'
        f'  {py}prices("AAPL", adjusted=True))\'\n'
        f'  {py}news("NVDA", label="negative"))\'\n'
        f'  {py}features("AAPL").tail())\'\n'
        f"  {env}uv run finlake summary   # every dataset: rows, dates, failing checks"
    )
