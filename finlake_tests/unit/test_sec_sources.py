"""SEC parsers on real captured payloads (../shared/realdata/sec) and on edge cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import polars as pl
import pytest

from finlake.calendar import NY, edgar
from finlake.gate import apply_gate
from finlake.pipelines.sec import covered_dates
from finlake.schemas.sec import SCHEMAS
from finlake.sources.base import PayloadError
from finlake.sources.sec import acceptance, urls
from finlake.sources.sec.companyfacts import parse_companyfacts
from finlake.sources.sec.feed import parse_current_feed
from finlake.sources.sec.headers import parse_sgml_header
from finlake.sources.sec.indexes import parse_index
from finlake.sources.sec.submissions import parse_submissions, raw_document
from finlake.sources.sec.tickers import (
    merge_ticker_files,
    parse_company_tickers,
    parse_company_tickers_exchange,
)


@pytest.fixture(scope="module")
def sec(realdata: Path) -> Path:
    return realdata / "sec"


# ------------------------------------------------------------------ real payloads
def test_microsoft_submissions_counts_by_form(sec: Path) -> None:
    subs = parse_submissions((sec / "submissions_CIK0000789019.json").read_bytes())
    assert (subs.cik, subs.name, subs.tickers, subs.exchanges) == (
        "0000789019",
        "MICROSOFT CORP",
        ["MSFT"],
        ["Nasdaq"],
    )
    counts = dict(subs.filings.group_by("form").len().iter_rows())
    assert subs.filings.height == 1006
    assert (counts["4"], counts["8-K"], counts["10-Q"], counts["10-K"], counts["144"]) == (
        732,
        67,
        20,
        6,
        37,
    )
    assert [p["name"] for p in subs.pages] == [
        "CIK0000789019-submissions-001.json",
        "CIK0000789019-submissions-002.json",
    ]
    assert subs.filings.get_column("accession_number").is_unique().all()


def test_apple_submissions_row_and_form4_primary_document(sec: Path) -> None:
    subs = parse_submissions((sec / "submissions_CIK0000320193.json").read_bytes())
    row = subs.filings.filter(pl.col("accession_number") == "0000320193-20-000086").row(
        0, named=True
    )
    assert row["form"] == "4"
    assert row["filing_date"] == dt.date(2020, 10, 13)
    assert row["report_date"] == dt.date(2020, 10, 9)
    assert row["acceptance_raw"] == "2020-10-13T18:30:27.000Z"
    # the JSON names the XSL rendering (xslF345X03/...); the raw XML is what we fetch
    assert row["primary_document"] == "wf-form4_160262821333467.xml"
    eight_k = subs.filings.filter(pl.col("form") == "8-K")
    assert eight_k.get_column("items").list.len().min() >= 1


def test_apple_older_page_has_no_cik_and_placeholder_times(sec: Path) -> None:
    page = parse_submissions((sec / "submissions_CIK0000320193-submissions-001.json").read_bytes())
    assert page.cik is None and page.filings.height == 988
    first = page.filings.filter(pl.col("accession_number") == "0000320193-94-000002")
    assert first.get_column("form").to_list() == ["10-Q"]
    assert first.get_column("acceptance_raw").to_list() == ["1994-01-26T00:00:00.000Z"]
    rows = page.filings.with_columns(
        pl.lit("0000320193").alias("cik"),
        pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("header_accepted"),
    )
    resolved = acceptance.resolve(rows)
    old = resolved.filter(pl.col("accession_number") == "0000320193-94-000002")
    assert old.get_column("acceptance_datetime").to_list() == [None]  # midnight placeholder


def test_apple_companyfacts_revenue_fy2023_and_restatement_rows(sec: Path) -> None:
    facts = parse_companyfacts((sec / "companyfacts_CIK0000320193.json").read_bytes())
    assert facts.height == 24579  # every datapoint, no deduplication
    revenue = facts.filter(
        (pl.col("concept") == "RevenueFromContractWithCustomerExcludingAssessedTax")
        & (pl.col("period_start") == dt.date(2022, 9, 25))
        & (pl.col("period_end") == dt.date(2023, 9, 30))
    ).sort("filed")
    assert revenue.get_column("value").to_list() == [383_285_000_000.0] * 3
    assert revenue.get_column("filed").to_list() == [
        dt.date(2023, 11, 3),
        dt.date(2024, 11, 1),
        dt.date(2025, 10, 31),
    ]
    first = revenue.row(0, named=True)
    assert (first["accession_number"], first["form"], first["fiscal_year"]) == (
        "0000320193-23-000106",
        "10-K",
        2023,
    )
    # fy describes the filing: the same period reported again in the FY2024 10-K
    assert revenue.get_column("fiscal_year").to_list() == [2023, 2024, 2025]
    assert revenue.get_column("frame").to_list()[-1] == "CY2023"
    gated = apply_gate(facts, SCHEMAS["fundamentals"], dataset="fundamentals", partition_by="cik")
    assert gated.rejected.is_empty()


@pytest.mark.parametrize(
    ("name", "rows", "known"),
    [
        (
            "daily-index_form.20200318.idx",
            4084,
            ("1-A", "0001806014", dt.date(2020, 3, 18), "0001140361-20-006155"),
        ),
        (
            "daily-index_company.20221003.idx",
            4925,
            ("1-A POS", "0001700461", dt.date(2022, 10, 3), "0001104659-22-105357"),
        ),
        (
            "daily-index_master.20181231_excerpt.idx",
            10,
            ("4", "0001000228", dt.date(2018, 12, 31), "0001209191-18-064398"),
        ),
        (
            "full-index_1993_QTR4_master_excerpt.idx",
            20,
            ("10-Q", "0000011860", dt.date(1993, 11, 12), "0000011860-94-000005"),
        ),
    ],
)
def test_index_files_known_rows(sec: Path, name: str, rows: int, known: tuple) -> None:
    index = parse_index((sec / name).read_bytes())
    assert index.height == rows
    found = index.filter(pl.col("accession_number") == known[3]).select(
        "form", "cik", "date_filed", "accession_number"
    )
    assert known in found.rows()
    assert index.get_column("cik").str.len_chars().eq(10).all()


def test_company_tickers_has_apple_and_merges_exchange(sec: Path) -> None:
    tickers = parse_company_tickers((sec / "company_tickers.json").read_bytes())
    apple = tickers.filter(pl.col("ticker") == "AAPL").row(0, named=True)
    assert apple["cik"] == "0000320193" and apple["title"] == "Apple Inc."
    exchange = parse_company_tickers_exchange(
        orjson.dumps(
            {
                "fields": ["cik", "name", "ticker", "exchange"],
                "data": [[320193, "Apple Inc.", "AAPL", "Nasdaq"]],
            }
        )
    )
    merged = merge_ticker_files(tickers, exchange)
    assert merged.filter(pl.col("ticker") == "AAPL").get_column("exchange").to_list() == ["Nasdaq"]
    assert merged.height == tickers.unique(["cik", "ticker"]).height


# ------------------------------------------------------------------ acceptance times
def _filing(cik: str, raw: str | None, day: dt.date, header: dt.datetime | None) -> dict:
    return {
        "cik": cik,
        "acceptance_raw": raw,
        "filing_date": day,
        "header_accepted": header,
    }


def test_acceptance_header_wins_and_filer_habit_corrects_json() -> None:
    d = dt.date(2024, 3, 5)
    ny = dt.datetime(2024, 3, 5, 16, 1, 2, tzinfo=NY).astimezone(dt.UTC)
    rows = pl.DataFrame(
        [
            # filer A writes New York wall clock with a Z: learned from the first filing
            _filing("A", "2024-03-05T16:01:02.000Z", d, ny),
            _filing("A", "2024-03-05T17:00:00.000Z", d, None),
            # filer B writes true UTC
            _filing("B", "2024-03-05T21:01:02.000Z", d, ny),
            _filing("B", "2024-03-05T21:30:00.000Z", d, None),
            # filer C: no evidence either way
            _filing("C", "2024-03-05T15:00:00.000Z", d, None),
        ],
        schema={
            "cik": pl.String,
            "acceptance_raw": pl.String,
            "filing_date": pl.Date,
            "header_accepted": pl.Datetime("us", "UTC"),
        },
    )
    out = acceptance.resolve(rows)
    got = list(zip(out["acceptance_datetime"], out["acceptance_source"], strict=True))
    utc = dt.UTC
    assert got == [
        (ny, acceptance.SGML),
        (dt.datetime(2024, 3, 5, 22, 0, tzinfo=utc), acceptance.JSON_NEW_YORK),
        (ny, acceptance.SGML),
        (dt.datetime(2024, 3, 5, 21, 30, tzinfo=utc), acceptance.JSON_UTC),
        (dt.datetime(2024, 3, 5, 15, 0, tzinfo=utc), acceptance.JSON_UNVERIFIED),
    ]


def test_sgml_header_acceptance_is_eastern_time() -> None:
    body = (
        b"<SEC-HEADER>0000320193-20-000086.hdr.sgml : 20201013\n"
        b"<ACCEPTANCE-DATETIME>20201013183027\n"
        b"ACCESSION NUMBER:\t\t0000320193-20-000086\n"
        b"CONFORMED SUBMISSION TYPE:\t4\n"
        b"FILED AS OF DATE:\t\t20201013\n"
    )
    header = parse_sgml_header(body)
    assert header.accepted_at == dt.datetime(2020, 10, 13, 22, 30, 27, tzinfo=dt.UTC)  # EDT
    assert (header.accession_number, header.form, header.filed) == (
        "0000320193-20-000086",
        "4",
        dt.date(2020, 10, 13),
    )
    with pytest.raises(PayloadError, match="ACCEPTANCE-DATETIME"):
        parse_sgml_header(b"<SEC-HEADER>nothing here")


# ------------------------------------------------------------------ feed, calendar, urls
FEED = b"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Latest Filings - Tue, 05 Mar 2024 18:05:02 EST</title>
<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent</id>
<updated>2024-03-05T18:05:02-05:00</updated>
<entry>
<title>4 - Apple Inc. (0000320193) (Issuer)</title>
<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/data/320193/000032019324000042/0000320193-24-000042-index.htm"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2024-03-05 &lt;b&gt;AccNo:&lt;/b&gt; \
0000320193-24-000042 &lt;b&gt;Size:&lt;/b&gt; 5 KB</summary>
<updated>2024-03-05T18:04:59-05:00</updated>
<category scheme="https://www.sec.gov/" label="form type" term="4"/>
<id>urn:tag:sec.gov,2008:accession-number=0000320193-24-000042</id>
</entry>
</feed>"""


def test_current_feed_entry() -> None:
    feed = parse_current_feed(FEED)
    assert feed.row(0, named=True) == {
        "accession_number": "0000320193-24-000042",
        "form": "4",
        "cik": "0000320193",
        "company_name": "Apple Inc.",
        "role": "Issuer",
        "filing_date": dt.date(2024, 3, 5),
        "updated": dt.datetime(2024, 3, 5, 23, 4, 59, tzinfo=dt.UTC),
        "link": "https://www.sec.gov/Archives/edgar/data/320193/000032019324000042/"
        "0000320193-24-000042-index.htm",
    }
    with pytest.raises(PayloadError):
        parse_current_feed(b"<html>not a feed")


def test_edgar_calendar_differs_from_nyse_and_cutoffs() -> None:
    cal = edgar()
    assert not cal.is_business_day(dt.date(2024, 10, 14))  # Columbus Day: EDGAR closed
    assert not cal.is_business_day(dt.date(2024, 11, 11))  # Veterans Day
    assert cal.is_business_day(dt.date(2024, 3, 29))  # Good Friday: EDGAR open, NYSE closed
    assert cal.is_business_day(dt.date(2001, 12, 24))  # closure order, EDGAR still filed
    at = dt.datetime(2024, 3, 5, 17, 45, tzinfo=NY)
    assert cal.filing_date(at, "8-K") == dt.date(2024, 3, 6)
    assert cal.filing_date(at, "4") == dt.date(2024, 3, 5)
    assert cal.filing_date(at, "S-3MEF") == dt.date(2024, 3, 5)
    assert cal.filing_date(dt.datetime(2024, 3, 5, 22, 1, tzinfo=NY), "4/A") == dt.date(2024, 3, 6)
    friday_late = dt.datetime(2024, 11, 8, 18, 0, tzinfo=NY)  # Monday is Veterans Day
    assert cal.filing_date(friday_late, "10-Q") == dt.date(2024, 11, 12)


def test_partitions_cover_the_closed_days_before_them() -> None:
    # Tuesday after Veterans Day holds Sat, Sun, Mon (closed) and itself
    assert covered_dates([dt.date(2024, 11, 12)]) == [
        dt.date(2024, 11, 9),
        dt.date(2024, 11, 10),
        dt.date(2024, 11, 11),
        dt.date(2024, 11, 12),
    ]
    assert covered_dates([dt.date(2024, 11, 13)]) == [dt.date(2024, 11, 13)]


def test_filing_date_gate_exempts_staff_uploads_only() -> None:
    rows = pl.DataFrame(
        {
            "cik": ["0000320193"] * 3,
            "ticker": ["AAPL"] * 3,
            "accession_number": [
                "0000000000-09-003622",
                "0000320193-24-000001",
                "0000320193-24-000002",
            ],
            "form": ["UPLOAD", "8-K", "8-K"],
            "filing_date": [dt.date(2009, 1, 24), dt.date(2024, 3, 9), dt.date(2024, 3, 8)],
            "items": [[], ["2.02"], ["2.02"]],
            "is_xbrl": [False, True, True],
        }
    )
    from finlake.datasets import SEC_FILINGS

    full = rows.with_columns(
        [pl.lit(None, dtype=t).alias(c) for c, t in SEC_FILINGS.schema.items() if c not in rows]
    )
    out = apply_gate(
        SEC_FILINGS.conform(full),
        SCHEMAS["sec_filings"],
        dataset="sec_filings",
        partition_by="filing_date",
        whole_batch=True,
    )
    assert out.valid.get_column("form").to_list() == ["UPLOAD", "8-K"]
    assert out.rejected.get_column("partition").to_list() == ["2024-03-09"]
    assert "not an EDGAR business day" in out.rejected.get_column("reason")[0]


@pytest.mark.parametrize(
    "bad",
    ["../etc", "0000320193", "12345678901", "0", "abc"],
)
def test_cik_and_accession_validation(bad: str) -> None:
    with pytest.raises(ValueError):
        urls.accession(bad)
    if not bad.isdigit() or len(bad) > 10 or int(bad) == 0:
        with pytest.raises(ValueError):
            urls.cik10(bad)


def test_urls_follow_edgar_rules() -> None:
    assert urls.submissions(320193) == "https://data.sec.gov/submissions/CIK0000320193.json"
    assert (
        urls.archive_document("0000320193", "0000320193-20-000086", "wf-form4_1.xml")
        == "https://www.sec.gov/Archives/edgar/data/320193/000032019320000086/wf-form4_1.xml"
    )
    assert (
        urls.daily_index(dt.date(2024, 5, 1))
        == "https://www.sec.gov/Archives/edgar/daily-index/2024/QTR2/form.20240501.idx"
    )
    with pytest.raises(ValueError):
        urls.document_name("../../secret")
    assert raw_document("xslF345X05/wf-form4.xml") == "wf-form4.xml"
