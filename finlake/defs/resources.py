"""The finlake resource: the home, the source mode and the universe a run works with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
from pydantic import Field

from finlake.lake import Lake
from finlake.retention import DEFAULT_RETENTION_DAYS
from finlake.settings import Settings
from finlake.sources.base import PriceProvider
from finlake.sources.fred.client import FredTransport
from finlake.sources.fred.payloads import macro_series
from finlake.sources.news.client import NewsTransport
from finlake.sources.news.feeds import Feed, load_feeds
from finlake.sources.sec.client import SecTransport
from finlake.sources.yahoo.provider import YahooProvider
from finlake.universe import DEFAULT_UNIVERSE, Security, load_universe


class FinlakeResource(dg.ConfigurableResource):
    """Resolved from FINLAKE_HOME / FINLAKE_SOURCE / FINLAKE_UNIVERSE when the code loads."""

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
        settings = Settings.from_env()
        return cls(home=str(settings.home), source=settings.source)

    def settings(self) -> Settings:
        if self.universe is None:
            universe = load_universe()
        else:
            known = {s.ticker: s for s in DEFAULT_UNIVERSE}
            universe = tuple(known.get(t) or Security(t, t) for t in self.universe)
        home = Path(self.home).expanduser().resolve()
        return Settings(home=home, source=self.source, universe=universe)  # type: ignore[arg-type]

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self.settings().ensure_home()

    def lake(self) -> Lake:
        return Lake(self.settings().lake_dir)

    def now(self) -> dt.datetime:
        if self.sample_as_of and self.source == "sample":
            return dt.datetime.fromisoformat(self.sample_as_of).astimezone(dt.UTC)
        return dt.datetime.now(dt.UTC)

    def price_provider(self) -> PriceProvider:
        if self.source == "live":
            from finlake.sources.http import CrossProcessRateLimiter
            from finlake.sources.yahoo.live import REQUESTS_PER_SECOND, YFinanceChartTransport

            cache = self.settings().home / "cache" / "yfinance"
            limiter = CrossProcessRateLimiter(
                self.settings().home / ".locks" / "yahoo-rate", REQUESTS_PER_SECOND
            )
            return YahooProvider(YFinanceChartTransport(cache_dir=cache, limiter=limiter))
        from finlake_sample.yahoo import SampleChartTransport

        as_of = self.now() if self.sample_as_of else None
        return YahooProvider(SampleChartTransport(as_of), clock=self.now)

    def news_feeds(self) -> tuple[Feed, ...]:
        return load_feeds()

    def news_transport(self, clock: dt.datetime) -> NewsTransport:
        """The feeds' HTTP client (per-host budgets): over the network, or answered by the
        sample news world as of `clock` (sample_transport: the same client code runs)."""
        from finlake.sources.news.client import LiveNewsTransport

        locks = self.settings().home / ".locks"
        if self.source == "live":
            return LiveNewsTransport(locks, self.news_feeds())
        from finlake_sample.news import SampleNews
        from finlake_sample.transport import SAMPLE_RATE, news_world

        world = news_world(SampleNews(clock, self.settings().universe))
        return LiveNewsTransport(
            locks / "sample", self.news_feeds(), transport=world, requests_per_second=SAMPLE_RATE
        )

    def fred_series(self) -> tuple[str, ...]:
        return macro_series(self.macro_series)

    def fred_transport(self) -> FredTransport:
        """FRED's HTTP client (FRED_API_KEY, shared rate limit): live, or answered by the
        sample FRED world at now()."""
        from finlake.sources.fred.client import FRED_ROOT, LiveFredTransport

        locks = self.settings().home / ".locks"
        if self.source == "live":
            return LiveFredTransport(locks / "fred-rate")
        from finlake_sample.fred import SampleFred
        from finlake_sample.transport import SAMPLE_KEY, SAMPLE_RATE, fred_world

        return LiveFredTransport(
            locks / "sample" / "fred-rate",
            key=SAMPLE_KEY,
            transport=fred_world(SampleFred(self.now()), FRED_ROOT),
            requests_per_second=SAMPLE_RATE,
        )

    def sec_transport(self) -> SecTransport:
        """EDGAR's HTTP client (declared User-Agent, shared rate limit): live, or answered by
        the sample EDGAR at now()."""
        from finlake.sources.sec.client import LiveSecTransport

        locks = self.settings().home / ".locks"
        if self.source == "live":
            return LiveSecTransport(locks / "sec-rate")
        from finlake_sample.sec import SampleEdgar
        from finlake_sample.transport import SAMPLE_AGENT, SAMPLE_RATE, sec_world

        return LiveSecTransport(
            locks / "sample" / "sec-rate",
            user_agent=SAMPLE_AGENT,
            transport=sec_world(SampleEdgar(self.now())),
            requests_per_second=SAMPLE_RATE,
        )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"finlake": FinlakeResource.from_env()})
