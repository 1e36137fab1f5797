"""The SEC pipeline on the sample EDGAR: fetch -> bronze -> gates -> lake, read back with SQL."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import finlake
from finlake.calendar import NY, edgar
from finlake.catalog import Catalog
from finlake.datasets import QUARANTINE, SEC_FILINGS
from finlake.lake import Lake
from finlake.pipelines.sec import (
    UnmappedTickerError,
    build_sec_silver,
    fetch_sec,
    refresh_companies,
    universe_ciks,
)
from finlake.sources.base import HttpExchange, PayloadError
from finlake.sources.sec import urls
from finlake.sources.sec.indexes import parse_index
from finlake.sources.sec.source import SecSource
from finlake.universe import DEFAULT_UNIVERSE
from finlake_sample.sec import LEAVING, SampleEdgar

TICKERS = [s.ticker for s in DEFAULT_UNIVERSE]
NOW = dt.datetime(2025, 8, 15, 23, 0, tzinfo=NY)
DAYS = edgar().business_days_between(dt.date(2025, 7, 21), dt.date(2025, 8, 8))
AAPL = "0000320193"


def source(lake: Lake, transport, now: dt.datetime = NOW, run: str = "run") -> SecSource:
    return SecSource(transport, lake, run_id=run, clock=lambda: now)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Companies, a three-week range, then two single days, in one home."""
    home = tmp_path_factory.mktemp("sec") / "home"
    lake = Lake(home / "lake")
    world = SampleEdgar(NOW)
    refresh_companies(source(lake, world), lake, NOW.date())
    ciks = universe_ciks(lake, TICKERS)
    fetched = fetch_sec(source(lake, world), ciks, DAYS)
    silver = build_sec_silver(lake, ciks, DAYS, run_id="range")
    again = fetch_sec(source(lake, world), ciks, DAYS)
    rebuilt = build_sec_silver(lake, ciks, DAYS, run_id="again")
    return {
        "home": home,
        "lake": lake,
        "ciks": ciks,
        "fetched": fetched,
        "silver": silver,
        "again": again,
        "rebuilt": rebuilt,
    }


def sql(built, query: str, params=None) -> pl.DataFrame:
    Catalog(built["home"]).build()
    return finlake.sql(query, params, home=built["home"])


def test_universe_maps_to_ciks_and_unknown_tickers_fail_clearly(built):
    assert built["ciks"][AAPL] == "AAPL"
    assert set(built["ciks"].values()) == set(TICKERS)
    with pytest.raises(UnmappedTickerError, match="ZZZZ"):
        universe_ciks(built["lake"], [*TICKERS, "ZZZZ"])


def test_filings_land_with_true_utc_acceptance(built):
    filings = sql(built, "SELECT * FROM sec_filings")
    assert built["silver"].rejected.is_empty()
    assert filings.height == built["fetched"].filings > 0
    assert set(filings["filing_date"].unique()) <= set(DAYS)
    assert (filings["acceptance_source"] == "sgml_header").all()
    # Apple's submissions JSON writes New York time with a Z; the stored time is true UTC
    raw = sql(
        built,
        "SELECT accession_number, acceptance_datetime FROM sec_filings WHERE ticker = 'AAPL'",
    )
    world = SampleEdgar(NOW)
    body = world.get(f"https://data.sec.gov/submissions/CIK{AAPL}.json").body
    from finlake.sources.sec.submissions import parse_submissions

    json_rows = parse_submissions(body).filings.join(raw, on="accession_number")
    assert json_rows.height == raw.height > 0
    for label, stored in json_rows.select("acceptance_raw", "acceptance_datetime").iter_rows():
        wall = dt.datetime.fromisoformat(label.replace("Z", "").split(".")[0])
        assert stored == wall.replace(tzinfo=NY).astimezone(dt.UTC)
    # every acceptance time agrees with its EDGAR filing date (17:30 / 22:00 cut-offs)
    cal = edgar()
    for accepted, form, day in filings.select(
        "acceptance_datetime", "form", "filing_date"
    ).iter_rows():
        assert cal.filing_date(accepted, form) == day


def test_insider_transactions_from_form4_xml(built):
    tx = sql(built, "SELECT * FROM insider_transactions")
    forms = sql(built, "SELECT accession_number FROM sec_filings WHERE form IN ('4', '4/A')")
    assert tx.height > 0
    assert set(tx["accession_number"]) == set(forms["accession_number"])
    assert tx["transaction_code"].is_in(list("PSVAGDFIMCEHOXLWZJKU")).all()
    assert (tx["shares"] > 0).all()
    assert set(tx["issuer_ticker"]) <= set(TICKERS)
    assert tx.filter(pl.col("is_10b5_1")).height > 0


def test_filing_text_chunks_keep_sections(built):
    text = sql(built, "SELECT * FROM filing_text")
    assert set(text["form"]) <= {"10-K", "10-Q", "8-K", "10-K/A", "10-Q/A", "8-K/A"}
    assert text["text"].str.len_chars().max() <= 2000
    assert text["section"].drop_nulls().str.contains(r"^(Item|PART)").any()
    hits = finlake.filings("AAPL", text="net sales", home=built["home"])
    assert hits.height > 0 and set(hits["ticker"]) == {"AAPL"}


def test_fundamentals_point_in_time_across_the_restatement(built):
    query = """
        SELECT value, filed, accession_number FROM fundamentals_asof($as_of)
        WHERE cik = '0000320193'
          AND concept = 'RevenueFromContractWithCustomerExcludingAssessedTax'
          AND period_start = DATE '2024-03-31' AND period_end = DATE '2024-06-29'
    """
    before = sql(built, query, {"as_of": dt.date(2025, 7, 28)})
    after = sql(built, query, {"as_of": dt.date(2025, 7, 29)})
    never = sql(built, query, {"as_of": dt.date(2024, 8, 7)})
    assert before.rows() == [(83_938_000_000.0, dt.date(2024, 8, 8), "0000320193-24-000087")]
    assert after.rows() == [(82_931_000_000.0, dt.date(2025, 7, 29), "0000320193-25-000084")]
    assert never.is_empty()
    py = finlake.fundamentals(
        "AAPL",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        as_of="2025-07-28",
        home=built["home"],
    ).filter(pl.col("period_end") == dt.date(2024, 6, 29))
    assert py.filter(pl.col("period_start") == dt.date(2024, 3, 31))["value"].to_list() == [
        83_938_000_000.0
    ]
    everything = finlake.fundamentals("AAPL", home=built["home"])
    assert everything.filter(pl.col("filed") > NOW.date()).is_empty()


def test_rerun_fetches_no_archive_document_twice_and_changes_nothing(built):
    first, again = built["fetched"], built["again"]
    assert first.archive_fetched > 0 and first.archive_reused == 0
    assert again.archive_fetched == 0 and again.archive_reused == first.archive_fetched
    assert all(changed == [] for changed in built["rebuilt"].changed.values())


def test_company_leaving_the_ticker_file_keeps_its_row(tmp_path):
    lake = Lake(tmp_path / "lake")
    early = dt.datetime(2025, 6, 2, 12, tzinfo=NY)
    late = dt.datetime(2025, 6, 23, 12, tzinfo=NY)
    refresh_companies(source(lake, SampleEdgar(early), early), lake, early.date())
    report = refresh_companies(source(lake, SampleEdgar(late), late), lake, late.date())
    row = report.rows.filter(pl.col("ticker") == LEAVING.ticker).row(0, named=True)
    assert (row["listed"], row["first_seen"], row["last_seen"]) == (
        False,
        early.date(),
        early.date(),
    )
    assert report.delisted == 1
    listed = report.rows.filter(pl.col("ticker") == "AAPL").row(0, named=True)
    assert (listed["listed"], listed["first_seen"], listed["last_seen"]) == (
        True,
        early.date(),
        late.date(),
    )


class BrokenForm4(SampleEdgar):
    """One Form 4 XML is truncated; everything else is the sample world."""

    def __init__(self, as_of, target: str) -> None:
        super().__init__(as_of)
        self.target = target

    def get(self, url: str) -> HttpExchange:
        exchange = super().get(url)
        if self.target in url and url.endswith(".xml"):
            return HttpExchange(url, {}, 200, exchange.body[: len(exchange.body) // 2])
        return exchange


def _a_form4(world: SampleEdgar, ciks: dict[str, str]) -> tuple[dt.date, str]:
    """A day of DAYS with a universe Form 4, from the daily index, and its accession."""
    for day in DAYS:
        index = parse_index(world.get(urls.daily_index(day)).body)
        hits = index.filter(pl.col("cik").is_in(list(ciks)) & (pl.col("form") == "4"))
        if hits.height:
            return day, hits["accession_number"][0]
    raise AssertionError("no Form 4 in the window")


def test_an_unparseable_document_is_quarantined_and_the_rest_lands(built, tmp_path):
    day, victim = _a_form4(SampleEdgar(NOW), built["ciks"])
    lake = Lake(tmp_path / "lake")
    broken = BrokenForm4(NOW, victim.replace("-", ""))
    refresh_companies(source(lake, broken), lake, NOW.date())
    fetch_sec(source(lake, broken), built["ciks"], [day])
    report = build_sec_silver(lake, built["ciks"], [day], run_id="broken")
    assert victim in report.frames["sec_filings"]["accession_number"].to_list()
    assert victim not in report.frames["insider_transactions"]["accession_number"].to_list()
    reasons = report.rejected.filter(pl.col("row").str.contains(victim))["reason"].to_list()
    assert len(reasons) == 1 and reasons[0].startswith("document could not be parsed")
    stored = lake.scan(QUARANTINE).collect()
    assert stored.filter(pl.col("row").str.contains(victim)).height == 1


class BrokenSubmissions(SampleEdgar):
    def get(self, url: str) -> HttpExchange:
        exchange = super().get(url)
        if "/submissions/" in url:
            return HttpExchange(url, {}, 200, b'{"cik": "320193", "filings": {"recent": {}}}')
        return exchange


def test_a_broken_payload_fails_the_fetch_and_keeps_the_stored_day(built, tmp_path):
    lake = built["lake"]
    before = lake.scan(SEC_FILINGS).collect()
    with pytest.raises(PayloadError, match="missing"):
        fetch_sec(source(lake, BrokenSubmissions(NOW)), built["ciks"], DAYS[-2:])
    assert lake.scan(SEC_FILINGS).collect().equals(before)
