"""examples/finlake_tour.ipynb runs top to bottom on a small home and draws its figures.

The home is built with the pipeline functions (a year of prices for three tickers, twelve daily
news polls, GDP's vintages) in a few seconds, instead of the demo's Dagster runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from finlake.calendar import nyse
from finlake.catalog import Catalog
from finlake.lake import Lake
from finlake.pipelines.indicators import build_indicators
from finlake.pipelines.macro import build_macro_silver, fetch_macro
from finlake.pipelines.news import Enricher, build_news_silver, build_sentiment_daily, fetch_news
from finlake.pipelines.prices import build_adjusted, build_silver, fetch_prices
from finlake.sources.news.feeds import load_feeds
from finlake.sources.yahoo.provider import YahooProvider
from finlake.universe import DEFAULT_UNIVERSE
from finlake_sample.fred import SampleFred
from finlake_sample.news import SampleNews
from finlake_sample.yahoo import SampleChartTransport
from finlake_tests.conftest import after_close

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "finlake_tour.ipynb"
TICKERS = ["AAPL", "MSFT", "NVDA"]
LAST = dt.date(2026, 11, 20)
SESSIONS = nyse().sessions_back(LAST, 260)  # enough for sma_200
POLLS = [dt.datetime(2026, 11, day, 21, tzinfo=dt.UTC) for day in range(9, 21)]


def build_home(lake: Lake) -> None:
    as_of = after_close(LAST)
    prices = YahooProvider(SampleChartTransport(as_of), clock=lambda: as_of)
    fetch_prices(prices, lake, TICKERS, SESSIONS, run_id="nb", refetch_sessions=5, now=as_of)
    build_silver(prices, lake, TICKERS, SESSIONS, run_id="nb")
    build_adjusted(lake, TICKERS)
    build_indicators(lake, TICKERS, SESSIONS)
    feeds = load_feeds()
    for hour in POLLS:  # one poll a day: the feeds hold more than a day of stories
        clock = hour + dt.timedelta(minutes=59)
        news = SampleNews(clock)
        fetch_news(
            news, lake, feeds, DEFAULT_UNIVERSE, hour, clock=clock, run_id="nb", live=False, env={}
        )
    enricher = Enricher.for_universe(DEFAULT_UNIVERSE, lake)
    build_news_silver(lake, POLLS, {f.name: f for f in feeds}, enricher, run_id="nb")
    build_sentiment_daily(lake)
    clock = dt.datetime.combine(LAST, dt.time(12), dt.UTC)
    fetch_macro(SampleFred(clock), lake, ["GDP"], clock=clock, run_id="nb")
    build_macro_silver(lake, run_id="nb")


def test_tour_notebook_runs_and_plots(home, lake, monkeypatch: pytest.MonkeyPatch, tmp_path):
    build_home(lake)
    Catalog(home).build()
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits it, and FINLAKE_HOME
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # executed in memory: the file is untouched
    assert all(not cell.get("outputs") for cell in notebook.cells), "commit it without outputs"
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [out for cell in notebook.cells for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 3
    printed = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert f"finlake home: {home}" in printed
    assert "(ticker, session) pairs: Pearson" in printed
