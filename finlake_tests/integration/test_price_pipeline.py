"""fetch -> bronze -> gated silver -> adjusted on a real temp lake, including the failure paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from finlake.calendar import nyse
from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED, PRICES_DAILY, QUARANTINE
from finlake.gate import GateFailure
from finlake.lake import Lake
from finlake.pipelines.prices import (
    FetchFailedError,
    MissingDataError,
    SessionNotClosedError,
    build_adjusted,
    build_silver,
    fetch_prices,
)
from finlake.sources.yahoo.provider import YahooProvider
from finlake_tests.conftest import after_close
from finlake_tests.integration import faults

TICKERS = ["AAPL", "MSFT", "TSLA"]
cal = nyse()
DAYS = cal.sessions_between(dt.date(2026, 10, 1), dt.date(2026, 10, 30))
LAST = DAYS[-1]


def on(lake: Lake, day: dt.date) -> pl.DataFrame:
    return lake.scan(PRICES_DAILY).filter(pl.col("date") == day).collect().sort("ticker")


def run(lake: Lake, provider, sessions, run_id: str, tickers=TICKERS, refetch: int = 5):
    fetch = fetch_prices(
        provider,
        lake,
        tickers,
        sessions,
        run_id=run_id,
        refetch_sessions=refetch,
        now=provider.clock(),
    )
    silver = build_silver(provider, lake, tickers, sessions, run_id=run_id)
    return fetch, silver


def test_backfill_then_daily(lake, sample_provider):
    provider = sample_provider(after_close(LAST))
    fetch, silver = run(lake, provider, DAYS[:-1], "backfill")
    assert fetch.payloads == 3 and fetch.restated == {}
    assert silver.changed[PRICES_DAILY.name] == DAYS[:-1]
    _, daily = run(lake, provider, [LAST], "daily")
    # the lookback rewrote nothing (no revisions), the new session was added
    assert daily.changed[PRICES_DAILY.name] == [LAST]
    stored = lake.scan(PRICES_DAILY).collect()
    assert stored.height == 3 * len(DAYS)
    assert stored.select("ticker", "date").is_unique().all()
    adjusted = build_adjusted(lake, TICKERS)
    assert adjusted.rows.height == stored.height
    assert lake.scan(PRICES_ADJUSTED).collect().height == stored.height


def test_late_revision_is_picked_up_by_the_lookback(lake, sample_provider):
    day = DAYS[-2]
    wrong = YahooProvider(
        faults.FaultyTransport(after_close(day), faults.set_field("AAPL", day, "volume", 1)),
        clock=lambda: after_close(day),
    )
    run(lake, wrong, DAYS[:-1], "first")
    assert on(lake, day).filter(pl.col("ticker") == "AAPL")["volume"].item() == 1
    _, silver = run(lake, sample_provider(after_close(LAST)), [LAST], "next")
    assert silver.changed[PRICES_DAILY.name] == [day, LAST]
    assert on(lake, day).filter(pl.col("ticker") == "AAPL")["volume"].item() > 1


def test_new_split_restates_the_whole_stored_history(lake, sample_provider):
    split = dt.date(2025, 8, 25)  # TSLA 2:1 in the sample market
    history = cal.sessions_between(dt.date(2025, 6, 2), dt.date(2025, 8, 22))
    run(lake, sample_provider(after_close(history[-1])), history, "before")
    old_close = on(lake, history[0]).filter(pl.col("ticker") == "TSLA")["close"].item()
    fetch, silver = run(lake, sample_provider(after_close(split)), [split], "split-day")
    assert list(fetch.restated) == ["TSLA"]
    assert "new split 2:1 on 2025-08-25" in fetch.restated["TSLA"]
    new_close = on(lake, history[0]).filter(pl.col("ticker") == "TSLA")["close"].item()
    assert new_close == pytest.approx(old_close / 2, rel=1e-6)
    # other tickers' old rows were not touched
    assert len(silver.changed[PRICES_DAILY.name]) == len(history) + 1
    tsla = lake.scan(PRICES_DAILY).filter(pl.col("ticker") == "TSLA").collect().sort("date")
    jumps = (tsla["close"] / tsla["close"].shift(1)).drop_nulls()
    assert jumps.min() > 0.7 and jumps.max() < 1.3  # one consistent split basis
    actions = lake.scan(CORPORATE_ACTIONS).filter(pl.col("split_ratio") != 1).collect()
    assert actions.select("ticker", "date", "split_ratio").rows() == [("TSLA", split, 2.0)]
    # the next day the split is known: no second restatement
    fetch, _ = run(
        lake,
        sample_provider(after_close(cal.next_session(split))),
        [cal.next_session(split)],
        "after",
    )
    assert fetch.restated == {}


def test_html_page_fails_the_run_keeps_the_old_partition_and_the_bytes(lake, sample_provider):
    run(lake, sample_provider(after_close(LAST)), DAYS, "good")
    before = on(lake, LAST)
    html = b"<!DOCTYPE html><html><head><title>Yahoo</title></head><body>Oops</body></html>"
    broken = YahooProvider(
        faults.FaultyTransport(after_close(LAST), faults.body_for("MSFT", html)),
        clock=lambda: after_close(LAST),
    )
    with pytest.raises(FetchFailedError, match=r"MSFT: .*HTML/XML page"):
        run(lake, broken, [LAST], "bad")
    assert on(lake, LAST).equals(before)
    rejected = lake.bronze_index("yahoo_chart_rejected")
    assert rejected.select("ticker", "run_id").rows() == [("MSFT", "bad")]
    assert lake.read_bronze(rejected)["body"].to_list() == [html]


def test_malformed_json_is_a_clear_error(lake):
    broken = YahooProvider(
        faults.FaultyTransport(
            after_close(LAST), faults.body_for("AAPL", b'{"chart": {"result": [')
        ),
        clock=lambda: after_close(LAST),
    )
    with pytest.raises(FetchFailedError, match=r"AAPL: .*malformed JSON"):
        run(lake, broken, [LAST], "bad")
    assert not lake.has_data(PRICES_DAILY)


def test_missing_ticker_fails_the_partition_loudly(lake, sample_provider):
    run(lake, sample_provider(after_close(LAST)), DAYS, "good")
    before = on(lake, LAST)
    gappy = YahooProvider(
        faults.FaultyTransport(after_close(LAST), faults.drop_bar("TSLA", LAST)),
        clock=lambda: after_close(LAST),
    )
    with pytest.raises(MissingDataError, match=f"TSLA {LAST}"):
        run(lake, gappy, [LAST], "gap")
    assert on(lake, LAST).equals(before)
    # asked for that one session only, the payload is empty: caught at fetch time already
    with pytest.raises(FetchFailedError, match=r"TSLA: no bars for .* although it is listed"):
        run(lake, gappy, [LAST], "gap-only", refetch=1)
    assert on(lake, LAST).equals(before)


@pytest.mark.parametrize(
    "fault,reason",
    [
        (faults.set_field("AAPL", LAST, "close", None), "close is null or NaN"),
        (faults.set_field("AAPL", LAST, "open", -3.0), "open: must be > 0"),
        (faults.duplicate_bar("AAPL", LAST), "exact duplicate of another row"),
    ],
)
def test_bad_rows_go_to_quarantine_and_the_rest_is_written(lake, fault, reason):
    provider = YahooProvider(
        faults.FaultyTransport(after_close(LAST), fault), clock=lambda: after_close(LAST)
    )
    _, silver = run(lake, provider, [LAST], "r1", refetch=1)
    stored = on(lake, LAST)
    assert sorted(stored["ticker"].to_list()) == (
        ["MSFT", "TSLA"] if "duplicate" not in reason else TICKERS
    )
    quarantined = lake.scan(QUARANTINE).collect()
    assert len(quarantined) == 1 and quarantined["reason"][0].startswith(reason)
    assert quarantined.select("dataset", "partition", "run_id").rows() == [
        ("prices_daily", LAST.isoformat(), "r1")
    ]
    assert silver.rejected.height == 1
    # a clean re-run of the partition clears its quarantine rows
    from finlake_sample.yahoo import SampleChartTransport

    clean = YahooProvider(SampleChartTransport(after_close(LAST)), clock=lambda: after_close(LAST))
    run(lake, clean, [LAST], "r2", refetch=1)
    assert lake.scan(QUARANTINE).collect().is_empty()


def test_most_rows_bad_is_systemic(lake, sample_provider):
    def break_all(name, doc):
        doc["chart"]["result"][0]["indicators"]["quote"][0]["close"] = [
            -1.0 for _ in doc["chart"]["result"][0]["timestamp"]
        ]
        return doc

    provider = YahooProvider(
        faults.FaultyTransport(after_close(LAST), break_all), clock=lambda: after_close(LAST)
    )
    with pytest.raises(GateFailure, match="more than 50%"):
        run(lake, provider, [LAST], "bad", refetch=1)
    assert not lake.has_data(PRICES_DAILY)
    assert lake.scan(QUARANTINE).collect().height == 3  # the evidence is kept


def test_silver_rebuilds_from_bronze_without_refetching(lake, sample_provider):
    run(lake, sample_provider(after_close(LAST)), DAYS, "r1")
    original = lake.scan(PRICES_DAILY).collect().sort("date", "ticker")
    import shutil

    shutil.rmtree(Path(lake.dataset_dir(PRICES_DAILY)))

    class NoNetwork:
        name = "yahoo"
        bronze_source = "yahoo_chart"

        def fetch(self, *args, **kwargs):  # pragma: no cover - must not be called
            raise AssertionError("silver must not fetch")

        def parse(self, payloads):
            return sample_provider(after_close(LAST)).parse(payloads)

    build_silver(NoNetwork(), lake, TICKERS, DAYS, run_id="rebuild")
    assert lake.scan(PRICES_DAILY).collect().sort("date", "ticker").equals(original)


def test_a_session_cannot_be_fetched_before_its_close(lake, sample_provider):
    provider = sample_provider(after_close(LAST, hours=-1))
    with pytest.raises(SessionNotClosedError):
        fetch_prices(
            provider,
            lake,
            TICKERS,
            [LAST],
            run_id="early",
            refetch_sessions=5,
            now=provider.clock(),
        )


def test_adjusted_history_is_rewritten_only_for_a_ticker_with_a_new_dividend(lake, sample_provider):
    history = cal.sessions_between(dt.date(2026, 9, 1), dt.date(2026, 11, 6))
    ex_day = dt.date(2026, 11, 9)  # AAPL goes ex-dividend in the sample market
    run(lake, sample_provider(after_close(history[-1])), history, "history")
    first = build_adjusted(lake, TICKERS)
    assert first.sync.rows_written == 3 * len(history)
    run(lake, sample_provider(after_close(ex_day)), [ex_day], "ex-day")
    actions = lake.scan(CORPORATE_ACTIONS).filter(pl.col("date") == ex_day).collect()
    assert actions.filter(pl.col("dividend") > 0)["ticker"].to_list() == ["AAPL"]
    report = build_adjusted(lake, TICKERS)
    assert report.sync.rewritten == ["AAPL"]
    assert report.sync.rows_written == len(history) + 1 + 2  # AAPL in full, one new row each else
    stored = lake.scan(PRICES_ADJUSTED).collect()
    assert stored.sort("ticker", "date").equals(report.rows.sort("ticker", "date"))
    aapl = stored.filter((pl.col("ticker") == "AAPL") & (pl.col("date") < ex_day))
    assert (aapl["adj_factor"] < 1).all()
