"""SEC EDGAR: per EDGAR business day bronze payloads -> five silver tables (sec_companies, the
universe's CIK map, is refreshed weekly by its own asset before them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from finlake.calendar import NY, edgar
from finlake.contracts.base import (
    Built,
    Cadence,
    Deadline,
    Fetched,
    Retry,
    SourceContract,
    SourceRun,
    StepFailed,
    Table,
    Transport,
)
from finlake.datasets import (
    FILING_TEXT,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    SEC_COMPANIES,
    SEC_FILINGS,
)
from finlake.parse_kinds import sec as kinds
from finlake.pipelines.sec import build_sec_silver, fetch_sec, universe_ciks
from finlake.settings import Settings
from finlake.sources.sec.client import REQUESTS_PER_SECOND, LiveSecTransport
from finlake.sources.sec.source import SecSource


def live_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveSecTransport:
    return LiveSecTransport(home / ".locks" / "sec-rate")


def sample_client(home: Path, settings: Settings, clock: dt.datetime) -> LiveSecTransport:
    from finlake_sample.sec import SampleEdgar
    from finlake_sample.transport import SAMPLE_AGENT, SAMPLE_RATE, sec_world

    return LiveSecTransport(
        home / ".locks" / "sample" / "sec-rate",
        user_agent=SAMPLE_AGENT,
        transport=sec_world(SampleEdgar(clock)),
        requests_per_second=SAMPLE_RATE,
    )


def sec_source(run: SourceRun) -> SecSource:
    return SecSource(run.transport(), run.lake, run_id=run.run_id, clock=run.now)


def fetch(run: SourceRun) -> Fetched:
    days = run.days
    today = run.now().astimezone(NY).date()
    if max(days) > today:
        raise StepFailed(f"EDGAR day {max(days)} has not started yet (today is {today} in NY)")
    companies = universe_ciks(run.lake, run.settings.tickers)
    report = fetch_sec(sec_source(run), companies, days)
    forms = pl.DataFrame(
        {"form": list(report.forms), "filings": list(report.forms.values())},
        schema={"form": pl.String, "filings": pl.Int64},
    ).sort("filings", descending=True)
    return Fetched(
        report.payloads,
        {
            "window": f"{days[0]}..{days[-1]}",
            "companies": len(companies),
            "filings": report.filings,
            "forms": Table(forms, 30),
            "archive_documents_fetched": report.archive_fetched,
            "archive_documents_reused": report.archive_reused,
            "path": report.path or "",
        },
    )


def build(run: SourceRun) -> Built:
    """Parse the day's newest bronze batch and archive documents, gate, merge into the lake."""
    companies = universe_ciks(run.lake, run.settings.tickers)
    report = build_sec_silver(run.lake, companies, run.days, run_id=run.run_id)
    rejected = report.rejected.group_by("dataset").len()

    def quarantined(name: str) -> int:
        return int(rejected.filter(pl.col("dataset") == name).get_column("len").sum())

    return Built(
        frames=report.frames,
        rejected=report.rejected,
        metadata={
            ds.name: {
                "partitions_changed": len(report.changed[ds.name]),
                "quarantined_rows": quarantined(ds.name),
            }
            for ds in SILVER
        },
    )


def previous_edgar_day(moment: dt.datetime) -> str:
    """The last EDGAR business day that ended before `moment` (New York time)."""
    return edgar().previous_business_day(moment.astimezone(NY).date()).isoformat()


SILVER = (SEC_FILINGS, INSIDER_TRANSACTIONS, INSIDER_HOLDINGS, FILING_TEXT, FUNDAMENTALS)

SEC = SourceContract(
    group="sec",
    provider="sec",
    owner="team:filings",
    transport=Transport(live_client, sample_client, REQUESTS_PER_SECOND),
    bronze="sec_payloads",
    bronze_description=(
        "Raw EDGAR payloads as received (daily form index, submissions JSON and its older pages, "
        "companyfacts) as one batch per run; immutable archive documents (SGML headers, Form "
        "3/4/5 XML, 10-K/10-Q/8-K primary documents) are kept once under bronze/sec_archives."
    ),
    bronze_deps=(("silver", SEC_COMPANIES.name),),
    silver=SILVER,
    fetch=fetch,
    build=build,
    partitions="edgar_days",
    pool="sec",
    retry=Retry(max_retries=3, delay_s=60, jitter=True),
    job="sec_daily_job",
    job_excludes=(("silver", SEC_COMPANIES.name),),
    job_description=(
        "Fetch one EDGAR filing day (daily form index, then the filers' submissions, SGML "
        "headers, documents and companyfacts), gate and store the five SEC tables, then "
        "refresh the catalog."
    ),
    cadences=(
        Cadence(
            name="sec_previous_day",
            cron="0 6 * * *",
            timezone="America/New_York",
            description="06:00 ET, after EDGAR published the daily index of the previous "
            "business day. It ticks every day; the run key is that day, so Sunday and Monday "
            "ticks don't repeat Friday.",
            partition=previous_edgar_day,
        ),
    ),
    # EDGAR's previous day lands with the 06:00 ET run: due by 07:00 ET every day
    deadline=Deadline("0 7 * * *", dt.timedelta(hours=2), "America/New_York"),
    parse_kinds={
        "sec-tickers": kinds.parse_tickers,
        "sec-submissions": kinds.parse_submissions_file,
        "sec-daily-index": kinds.parse_daily_index,
        "sec-form4": kinds.parse_form4,
        "sec-companyfacts": kinds.parse_companyfacts_file,
        "sec-current-feed": kinds.parse_feed,
    },
)
