"""Prices from Yahoo's chart API: bronze chart payloads -> prices_daily + corporate_actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.calendar import NY, nyse
from finlake.contracts.base import (
    Built,
    Cadence,
    Deadline,
    Fetched,
    Retry,
    SourceContract,
    SourceRun,
    Table,
    Transport,
)
from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.parse_kinds.yahoo import parse_yahoo_chart
from finlake.pipelines.prices import build_silver, fetch_prices
from finlake.settings import Settings
from finlake.sources.http import CrossProcessRateLimiter
from finlake.sources.yahoo.live import REQUESTS_PER_SECOND, YahooChartClient
from finlake.sources.yahoo.provider import YahooProvider


def live_provider(home: Path, settings: Settings, clock: dt.datetime) -> YahooProvider:
    from finlake.sources.yahoo.live import live_chart_client

    limiter = CrossProcessRateLimiter(home / ".locks" / "yahoo-rate", REQUESTS_PER_SECOND)
    return YahooProvider(live_chart_client(home / "cache" / "yfinance", limiter=limiter))


def sample_provider(home: Path, settings: Settings, clock: dt.datetime) -> YahooProvider:
    """The same client (limiter, retries, status classification) over the sample market."""
    from finlake_sample.transport import SAMPLE_RATE
    from finlake_sample.yahoo import SampleChartTransport

    limiter = CrossProcessRateLimiter(home / ".locks" / "sample" / "yahoo-rate", SAMPLE_RATE)
    client = YahooChartClient(SampleChartTransport(clock), limiter=limiter)
    return YahooProvider(client, clock=lambda: clock)


def fetch(run: SourceRun) -> Fetched:
    report = fetch_prices(
        run.transport(),
        run.lake,
        run.settings.tickers,
        run.days,
        run_id=run.run_id,
        refetch_sessions=run.refetch_sessions,
        now=run.now(),
    )
    restated = pl.DataFrame(
        {"ticker": list(report.restated), "reason": list(report.restated.values())},
        schema={"ticker": pl.String, "reason": pl.String},
    )
    return Fetched(
        report.payloads,
        {
            "window": f"{report.window[0]}..{report.window[1]}",
            "bytes": report.bytes,
            "path": report.path or "",
            "restated_tickers": Table(restated, 50),
        },
    )


def build(run: SourceRun) -> Built:
    """Parse the newest bronze payload of each (ticker, session), gate it and merge it in."""
    report = build_silver(
        run.transport(), run.lake, run.settings.tickers, run.days, run_id=run.run_id
    )
    in_run = set(run.partitions)
    return Built(
        frames={PRICES_DAILY.name: report.prices, CORPORATE_ACTIONS.name: report.actions},
        rejected=report.rejected,
        metadata={
            ds: {"sessions_changed": len(report.changed[ds])}
            for ds in (PRICES_DAILY.name, CORPORATE_ACTIONS.name)
        },
        common={
            "sessions_written": len(report.dates),
            "tickers": len(report.tickers),
            "quarantined_rows": report.rejected.height,
        },
        revised={
            ds: [d.isoformat() for d in days if d.isoformat() not in in_run]
            for ds, days in report.changed.items()
        },
    )


def closed_session(moment: dt.datetime) -> str | None:
    """The session that closed on the tick's day; None on a weekday the NYSE is shut."""
    day = moment.astimezone(NY).date()
    return day.isoformat() if nyse().is_session(day) else None


PRICES = SourceContract(
    group="prices",
    provider="yahoo",
    owner="team:market-data",
    transport=Transport(live_provider, sample_provider, REQUESTS_PER_SECOND),
    bronze="price_payloads",
    bronze_description=(
        "Raw provider payloads (Yahoo chart JSON) exactly as received, one per ticker for the "
        "run's sessions plus a lookback; a ticker's full history when a new split appears."
    ),
    silver=(PRICES_DAILY, CORPORATE_ACTIONS),
    fetch=fetch,
    build=build,
    partitions="nyse_sessions",
    pool="yahoo",
    retry=Retry(max_retries=3, delay_s=30, jitter=True),
    job="prices_daily_job",
    job_groups=("indicators",),
    job_description=(
        "Fetch, gate and store one session (plus the lookback), adjust, compute indicators, "
        "then refresh the catalog."
    ),
    cadences=(
        Cadence(
            name="prices_after_close",
            cron="0 18 * * 1-5",
            timezone="America/New_York",
            description="Targets the session that closed that day; the assets re-fetch the "
            "last few sessions.",
            partition=closed_session,
            skip=lambda moment: f"{moment.astimezone(NY).date()} is not an NYSE session",
        ),
    ),
    # a session's bars are due by 18:30 ET on weekdays (the 18:00 run after the 16:00 close)
    deadline=Deadline("30 18 * * 1-5", dt.timedelta(hours=2, minutes=30), "America/New_York"),
    parse_kinds={"yahoo-chart": parse_yahoo_chart},
)
