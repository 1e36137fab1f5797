"""Poll EDGAR's current-filings feed; when a universe company files, run that filing day.

The feed lists the newest 100 filings (one entry per filer role, so a Form 4 shows up for the
issuer and for the owner). The cursor keeps the newest `updated` time seen and the accessions
seen at that instant, so an entry is acted on once; the first poll (no cursor) acts only on the
newest filing day, since history is a backfill's job. Bursts of more than 100 filings between two
polls can scroll entries out of the feed: the 06:00 schedule re-runs every finished day from
its daily index, so nothing is lost, only later.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import orjson
import polars as pl

from finlake.calendar import edgar
from finlake.contracts.sec import SEC
from finlake.datasets import SEC_FILINGS
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import JOBS
from finlake.lake import Lake
from finlake.pipelines.sec import UnmappedTickerError, universe_ciks
from finlake.sources.base import SourceError
from finlake.sources.sec import urls
from finlake.sources.sec.feed import parse_current_feed

FEED_ENTRIES = 100


def new_entries(feed: pl.DataFrame, cursor: str | None) -> tuple[pl.DataFrame, str | None]:
    """Entries to act on and the cursor that records everything seen."""
    feed = feed.filter(pl.col("updated").is_not_null())
    updated, accession = pl.col("updated"), pl.col("accession_number")
    state = orjson.loads(cursor) if cursor else None
    if state is None:
        new = feed
    else:
        last = dt.datetime.fromisoformat(state["updated"])
        new = feed.filter((updated > last) | ((updated == last) & ~accession.is_in(state["seen"])))
    if new.is_empty():
        return new, cursor
    newest = new.get_column("updated").max()
    seen = set(new.filter(updated == newest).get_column("accession_number").to_list())
    if state is not None and newest == dt.datetime.fromisoformat(state["updated"]):
        seen |= set(state["seen"])
    if state is None:  # first poll: only the newest filing day
        new = new.filter(pl.col("filing_date") == pl.col("filing_date").max())
    return new, orjson.dumps({"updated": newest.isoformat(), "seen": sorted(seen)}).decode()


def run_requests(
    entries: pl.DataFrame, ciks: dict[str, str], stored: frozenset[str] = frozenset()
) -> list[dg.RunRequest]:
    """One request per filing day with universe filings not `stored` yet (a day the demo or
    the schedule already built needs no run); the run key names the newest one."""
    ours = entries.filter(
        pl.col("cik").is_in(list(ciks))
        & pl.col("filing_date").is_not_null()
        & ~pl.col("accession_number").is_in(sorted(stored))
    )
    requests = []
    cal = edgar()
    for (day,), group in sorted(ours.partition_by("filing_date", as_dict=True).items()):
        if not cal.is_business_day(day):
            continue
        newest = group.sort("updated").get_column("accession_number")[-1]
        tickers = sorted({ciks[c] for c in group.get_column("cik").to_list()})
        requests.append(
            dg.RunRequest(
                run_key=f"{day.isoformat()}:{newest}",
                partition_key=day.isoformat(),
                tags={
                    "finlake/trigger": "edgar_current_feed",
                    "finlake/tickers": ",".join(tickers),
                },
            )
        )
    return requests


def stored_accessions(lake: Lake, entries: pl.DataFrame) -> frozenset[str]:
    """The entries' filings that sec_filings already holds."""
    wanted = entries.get_column("accession_number").unique().implode()
    stored = lake.scan(SEC_FILINGS).filter(pl.col("accession_number").is_in(wanted))
    return frozenset(stored.select("accession_number").collect().to_series().to_list())


@dg.sensor(
    job=JOBS[SEC.group],
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls EDGAR's current-filings Atom feed and runs the filing day of any new "
    "filing by a universe company.",
)
def edgar_current_filings(context: dg.SensorEvaluationContext, finlake: FinlakeResource):
    lake = finlake.lake()
    try:
        ciks = universe_ciks(lake, finlake.settings().tickers)
    except UnmappedTickerError as exc:
        return dg.SkipReason(str(exc))
    try:
        exchange = finlake.transport(SEC.group).get(urls.current_feed(FEED_ENTRIES))
        feed = parse_current_feed(exchange.body)
    except SourceError as exc:  # includes a missing FINLAKE_SEC_USER_AGENT in live mode
        return dg.SkipReason(f"current filings feed unavailable: {exc}")
    entries, cursor = new_entries(feed, context.cursor)
    requests = run_requests(entries, ciks, stored_accessions(lake, entries))
    if not requests:
        return dg.SensorResult(
            skip_reason=f"{entries.height} new feed entries, none by a universe company that "
            "is not stored yet",
            cursor=cursor,
        )
    return dg.SensorResult(run_requests=requests, cursor=cursor)
