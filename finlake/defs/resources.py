"""The finlake resource: the home, the source mode, the clock and the universe a run works
with; each source's client comes from its contract (finlake.contracts)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr

from finlake.contracts import DEFAULT_RETENTION_DAYS, source
from finlake.contracts.base import SourceContract
from finlake.lake import Lake
from finlake.settings import HOME_ENV, SOURCE_ENV, Settings
from finlake.sources.fred.payloads import macro_series
from finlake.storage import Store
from finlake.universe import DEFAULT_UNIVERSE, Security, load_universe


class FinlakeResource(dg.ConfigurableResource):
    """Configured by FINLAKE_HOME / FINLAKE_SOURCE (dg.EnvVar) and FINLAKE_UNIVERSE."""

    home: str = Field(description="The finlake home (lake, catalog, Dagster storage).")
    source: str = Field(default="sample", description="'sample' (offline) or 'live'.")
    universe: list[str] | None = Field(
        default=None, description="Tickers; None = FINLAKE_UNIVERSE(_FILE) or the default."
    )
    sample_as_of: str | None = Field(
        default=None,
        description="Sample market clock (ISO datetime with zone); None = the wall clock.",
    )
    refetch_sessions: int = Field(
        default=5, description="Sessions re-fetched on every run (Yahoo revises late bars)."
    )
    macro_series: list[str] | None = Field(
        default=None, description="FRED series ids; None = FINLAKE_MACRO_SERIES or the default."
    )
    retention_days: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_RETENTION_DAYS),
        description="Days each dataset keeps (bronze/<source> for raw payloads).",
    )

    @classmethod
    def from_env(cls) -> FinlakeResource:
        """The resource as the environment configures it. Variables that are set are passed as
        dg.EnvVar (the UI shows where a value comes from, and runs read it from their own
        environment); unset ones take the defaults. Settings are checked here, so a bad
        universe or source fails as the definitions load."""
        settings = Settings.from_env()
        home = dg.EnvVar(HOME_ENV) if os.environ.get(HOME_ENV, "").strip() else str(settings.home)
        exact = os.environ.get(SOURCE_ENV) == settings.source  # else pass the normalized value
        return cls(home=home, source=dg.EnvVar(SOURCE_ENV) if exact else settings.source)

    def settings(self) -> Settings:
        if self.universe is None:
            universe = load_universe()
        else:
            known = {s.ticker: s for s in DEFAULT_UNIVERSE}
            universe = tuple(known.get(t) or Security(t, t) for t in self.universe)
        home = Path(self.home).expanduser().resolve()
        return Settings(home=home, source=self.source, universe=universe)  # type: ignore[arg-type]

    _run_id: str = PrivateAttr(default="")

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        settings = self.settings()
        settings.ensure_home()
        Store.at(settings.lake_location).check()  # a missing bucket fails the run at once
        self._run_id = context.run.run_id if context.run else ""

    def lake(self) -> Lake:
        """The home's lake; its commits record the run they belong to. Writers of a dataset
        on this machine take turns (on S3 through locks kept in the home)."""
        return Lake.of_home(self.settings().home, run_id=self._run_id)

    def now(self) -> dt.datetime:
        if self.sample_as_of and self.source == "sample":
            return dt.datetime.fromisoformat(self.sample_as_of).astimezone(dt.UTC)
        return dt.datetime.now(dt.UTC)

    def transport(self, group: str, clock: dt.datetime | None = None) -> Any:
        """The client of the source named `group` (see client)."""
        return self.client(source(group), clock)

    def client(self, contract: SourceContract, clock: dt.datetime | None = None) -> Any:
        """A source's client from its contract: over the network in live mode; in sample mode
        the same client class answered by the sample world as of `clock` (default now())."""
        make = contract.transport.live if self.source == "live" else contract.transport.sample
        settings = self.settings()
        return make(settings.home, settings, clock or self.now())

    def fred_series(self) -> tuple[str, ...]:
        return macro_series(self.macro_series)
