"""The source contract: everything finlake needs to know about one source, in one place.

A contract says how the source's bytes arrive (its transport in live and sample mode, its rate
limit and pool), how they land (the bronze asset, the canonical silver datasets, the partitions),
when (schedules, freshness), how a user debugs one payload (`finlake parse` kinds) and how the
steps report. `finlake.defs.sources` turns each contract into Dagster assets, a job and
schedules; the catalog depends on every contract's datasets; retention and `finlake parse` read
their entries from here. Nothing in this module imports Dagster: a contract is data and plain
functions, testable without a Dagster instance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from finlake.datasets import Dataset
from finlake.lake import Lake
from finlake.parse_kinds.base import ParseInput, ParseOutput
from finlake.settings import Settings

Partitioning = Literal["nyse_sessions", "edgar_days", "news_hours"] | None


class StepFailed(RuntimeError):
    """A step found a problem a retry cannot fix, after keeping what it could (quarantine,
    the last good state): the run fails with this message and is not retried."""


@dataclass(frozen=True)
class Table:
    """A frame shown as a markdown table in the step's metadata (its first `rows` rows)."""

    frame: pl.DataFrame
    rows: int = 20


@dataclass(frozen=True)
class Markdown:
    text: str


Metadata = Mapping[str, int | float | str | Path | Table | Markdown]


@dataclass(frozen=True)
class SourceRun:
    """What a step works with: the home's lake and settings, the clock, the run and the
    partitions it covers, and the source's transport (live, or the sample world behind the
    same client)."""

    lake: Lake
    settings: Settings
    now: Callable[[], dt.datetime]
    run_id: str
    partitions: tuple[str, ...]
    transport: Callable[..., Any]  # (clock=None) -> the source's client
    refetch_sessions: int = 5
    macro_series: tuple[str, ...] = ()
    rebuild: bool = False

    @property
    def live(self) -> bool:
        return self.settings.source == "live"

    @property
    def days(self) -> list[dt.date]:
        return [dt.date.fromisoformat(key) for key in self.partitions]


@dataclass
class Fetched:
    """What a fetch step stored: payloads (the bronze row count), metadata, warnings to log."""

    payloads: int
    metadata: Metadata = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Built:
    """What a silver step stored: per dataset the rows it wrote and extra metadata, every
    rejected row, and sessions outside the run's partitions it rewrote (revisions)."""

    frames: dict[str, pl.DataFrame]
    rejected: pl.DataFrame
    metadata: dict[str, Metadata] = field(default_factory=dict)
    common: Metadata = field(default_factory=dict)
    revised: dict[str, list[str]] = field(default_factory=dict)
    failed: str | None = None  # kept at the last good state: fail the run after reporting


@dataclass(frozen=True)
class Cadence:
    """A schedule of the source's job. `partition` maps a tick's time to the partition it runs,
    or to None with `skip` saying why (a holiday); unpartitioned sources leave it None."""

    name: str
    cron: str
    timezone: str
    description: str
    partition: Callable[[dt.datetime], str | None] | None = None
    skip: Callable[[dt.datetime], str] = lambda moment: f"no run due at {moment:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Deadline:
    """When users expect a source's silver data: a freshness deadline (cron) and the earliest
    the data can be there before it."""

    cron: str
    earliest_before: dt.timedelta
    timezone: str


@dataclass(frozen=True)
class Retry:
    max_retries: int
    delay_s: int
    jitter: bool = False


@dataclass(frozen=True)
class Transport:
    """The source's HTTP client in each mode. Both build the same client class (retries,
    throttle, conditional GETs, error classification); sample mode passes it the sample world
    as its httpx transport. (home, settings, clock) -> client."""

    live: Callable[[Path, Settings, dt.datetime], Any]
    sample: Callable[[Path, Settings, dt.datetime], Any]
    requests_per_second: float


@dataclass(frozen=True)
class SourceContract:
    """One source. `group` names its Dagster group, job (`job`) and owner; `bronze` its raw
    asset (bronze/<bronze>); `silver` the canonical datasets its build step writes."""

    group: str
    provider: str
    owner: str  # who answers for it, shown in the Dagster UI ("team:market-data")
    transport: Transport
    bronze: str
    bronze_description: str
    silver: tuple[Dataset, ...]
    fetch: Callable[[SourceRun], Fetched]
    build: Callable[[SourceRun], Built]
    job: str
    job_description: str
    pool: str
    retry: Retry
    partitions: Partitioning = None
    silver_layer: str = "silver"
    silver_description: Callable[[Dataset], str] = lambda ds: ds.description
    bronze_deps: tuple[tuple[str, ...], ...] = ()  # asset key paths the fetch reads
    job_groups: tuple[str, ...] = ()  # groups the job also runs (prices -> indicators)
    job_excludes: tuple[tuple[str, ...], ...] = ()  # asset key paths the job leaves out
    cadences: tuple[Cadence, ...] = ()
    deadline: Deadline | None = None
    parse_kinds: Mapping[str, Callable[[ParseInput], ParseOutput]] = field(default_factory=dict)
    retention: Mapping[str, int] = field(default_factory=dict)  # dataset -> days kept
    build_config: bool = False  # the silver step takes `rebuild` (refold every bronze batch)

    def __post_init__(self) -> None:
        if not self.silver:
            raise ValueError(f"source {self.group}: a contract needs at least one dataset")
        if self.transport.requests_per_second <= 0:
            raise ValueError(f"source {self.group}: requests_per_second must be positive")
