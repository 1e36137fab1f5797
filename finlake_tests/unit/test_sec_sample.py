"""The sample EDGAR answers like EDGAR: real payload structures, a clock that hides the future,
EDGAR's filing-date rules, Apple's acceptance-time quirk, a restatement and 10b5-1 sales."""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

from finlake.calendar import NY, edgar
from finlake.sources.sec import urls
from finlake_sample.sec import (
    FILLER_COMPANIES,
    LEAVES_ON,
    LEAVING,
    RESTATEMENT,
    SAMPLE_COMPANIES,
    SampleEdgar,
)
from finlake_sample.yahoo import history

AS_OF = dt.datetime(2025, 11, 20, 23, tzinfo=dt.UTC)
END = dt.datetime(2027, 12, 31, 23, 59, tzinfo=dt.UTC)  # the whole world is visible
AAPL, MSFT, SPY = 320193, 789019, 884394
REVENUE = "RevenueFromContractWithCustomerExcludingAssessedTax"


@pytest.fixture(scope="module")
def sec() -> SampleEdgar:
    return SampleEdgar(AS_OF)


def get_json(edgar_: SampleEdgar, url: str) -> dict:
    exchange = edgar_.get(url)
    assert exchange.status == 200, url
    return orjson.loads(exchange.body)


def recent(edgar_: SampleEdgar, cik: int) -> list[dict]:
    columns = get_json(edgar_, urls.submissions(cik))["filings"]["recent"]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def all_filings(edgar_: SampleEdgar, cik: int) -> list[dict]:
    doc = get_json(edgar_, urls.submissions(cik))
    pages = [doc["filings"]["recent"]]
    pages += [get_json(edgar_, urls.submissions_page(f["name"])) for f in doc["filings"]["files"]]
    return [
        dict(zip(page, row, strict=True))
        for page in pages
        for row in zip(*page.values(), strict=True)
    ]


def header_time(edgar_: SampleEdgar, cik: int, accession: str) -> dt.datetime:
    """The authoritative acceptance time from the SGML header, as aware UTC."""
    body = edgar_.get(urls.sgml_header(cik, accession)).body.decode()
    stamp = re.search(r"<ACCEPTANCE-DATETIME>(\d{14})", body).group(1)
    return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=NY).astimezone(dt.UTC)


def document(cik: int, accession: str, name: str) -> str:
    """A filing folder URL for a listed primary document, XSL folder included (which
    urls.archive_document refuses by design)."""
    return f"{urls.folder(cik, accession)}/{name}"


def json_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.000Z")


# --- determinism and the clock --------------------------------------------------------------------


def test_identical_bytes_for_identical_url_and_clock(sec: SampleEdgar) -> None:
    form4 = next(f for f in recent(sec, AAPL) if f["form"] == "4")
    wanted = [
        urls.company_tickers(),
        urls.company_tickers_exchange(),
        urls.submissions(AAPL),
        urls.companyfacts(MSFT),
        urls.daily_index(dt.date(2025, 11, 17)),
        urls.daily_index(dt.date(2025, 11, 17), "master"),
        urls.current_feed(),
        document(AAPL, form4["accessionNumber"], form4["primaryDocument"]),
        urls.sgml_header(AAPL, form4["accessionNumber"]),
    ]
    other = SampleEdgar(AS_OF)
    for url in wanted:
        first, second = sec.get(url), other.get(url)
        assert first.status == second.status == 200, url
        assert first.body == second.body, url


def test_a_filing_accepted_after_the_clock_is_invisible_everywhere(sec: SampleEdgar) -> None:
    report = next(f for f in recent(sec, AAPL) if f["form"] == "10-Q")
    acc, doc = report["accessionNumber"], report["primaryDocument"]
    accepted = header_time(sec, AAPL, acc)
    before, at = SampleEdgar(accepted - dt.timedelta(seconds=1)), SampleEdgar(accepted)

    for clock, visible in ((before, False), (at, True)):
        assert (clock.get(urls.archive_document(AAPL, acc, doc)).status == 200) is visible
        assert (clock.get(urls.sgml_header(AAPL, acc)).status == 200) is visible
        assert any(f["accessionNumber"] == acc for f in recent(clock, AAPL)) is visible
        assert (acc.encode() in clock.get(urls.current_feed()).body) is visible
        facts = get_json(clock, urls.companyfacts(AAPL))["facts"]["us-gaap"][REVENUE]["units"]
        assert any(f["accn"] == acc for f in facts["USD"]) is visible

    filed = dt.date.fromisoformat(report["filingDate"])
    closes = dt.datetime.combine(filed, dt.time(22)).replace(tzinfo=NY)
    index = urls.daily_index(filed)
    assert SampleEdgar(closes - dt.timedelta(seconds=1)).get(index).status == 404
    complete = SampleEdgar(closes).get(index)
    assert complete.status == 200
    assert acc.encode() in complete.body


# --- structures of the real payloads --------------------------------------------------------------


def test_ticker_files_have_the_real_shape(sec: SampleEdgar, realdata: Path) -> None:
    real = orjson.loads((realdata / "sec" / "company_tickers.json").read_bytes())
    body = sec.get(urls.company_tickers()).body
    ours = orjson.loads(body)
    assert b"\n" not in body
    assert list(ours) == [str(i) for i in range(len(ours))]
    assert [list(v) for v in ours.values()] == [list(real["0"])] * len(ours)
    assert all(type(ours["0"][k]) is type(real["0"][k]) for k in real["0"])
    by_ticker = {v["ticker"]: (v["cik_str"], v["title"]) for v in ours.values()}
    for company in SAMPLE_COMPANIES:
        assert by_ticker[company.ticker] == (company.cik, company.title)
    exchange = get_json(sec, urls.company_tickers_exchange())
    assert exchange["fields"] == ["cik", "name", "ticker", "exchange"]
    assert [row[2] for row in exchange["data"]] == [v["ticker"] for v in ours.values()]


def test_submissions_keys_follow_the_real_files(sec: SampleEdgar, realdata: Path) -> None:
    sec_dir = realdata / "sec"
    real = orjson.loads((sec_dir / "submissions_CIK0000320193.json").read_bytes())
    newer = orjson.loads((sec_dir / "submissions_CIK0000789019.json").read_bytes())
    page = orjson.loads((sec_dir / "submissions_CIK0000320193-submissions-001.json").read_bytes())
    ours = get_json(sec, urls.submissions(AAPL))
    assert list(ours) == list(real)
    assert [type(v) for v in ours.values()] == [type(v) for v in real.values()]
    keys = iter(newer)  # the 2026 capture adds fields; ours keep the same relative order
    assert all(k in keys for k in ours)
    assert list(ours["addresses"]["mailing"]) == list(real["addresses"]["mailing"])
    assert list(ours["filings"]) == list(real["filings"])
    assert list(ours["filings"]["recent"]) == list(real["filings"]["recent"])
    for key, column in ours["filings"]["recent"].items():
        assert {type(v) for v in column} == {type(v) for v in real["filings"]["recent"][key]}, key
    assert ours["cik"] == "320193" and ours["fiscalYearEnd"] == "0930"
    assert len(ours["filings"]["recent"]["form"]) == 1000
    files = ours["filings"]["files"]
    assert files and [list(f) for f in files] == [list(real["filings"]["files"][0])] * len(files)
    ours_page = get_json(sec, urls.submissions_page(files[0]["name"]))
    assert list(ours_page) == list(page)
    assert len(ours_page["form"]) == files[0]["filingCount"]
    assert ours_page["filingDate"][0] == files[0]["filingTo"]
    assert ours_page["filingDate"][-1] == files[0]["filingFrom"]
    dates = ours["filings"]["recent"]["filingDate"] + ours_page["filingDate"]
    assert dates == sorted(dates, reverse=True)
    stamps = ours["filings"]["recent"]["acceptanceDateTime"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", t) for t in stamps)


def test_companyfacts_keys_follow_the_real_file(sec: SampleEdgar, realdata: Path) -> None:
    real = orjson.loads((realdata / "sec" / "companyfacts_CIK0000320193.json").read_bytes())
    ours = get_json(sec, urls.companyfacts(AAPL))
    assert list(ours) == list(real) and ours["cik"] == AAPL
    assert list(ours["facts"]) == list(real["facts"])
    shapes = set()
    for taxonomy, concepts in ours["facts"].items():
        for name, concept in concepts.items():
            assert list(concept) == list(real["facts"][taxonomy][name]), name
            assert list(concept["units"]) == list(real["facts"][taxonomy][name]["units"]), name
            shapes |= {tuple(f) for unit in concept["units"].values() for f in unit}
    real_shapes = {
        tuple(f)
        for concepts in real["facts"].values()
        for concept in concepts.values()
        for unit in concept["units"].values()
        for f in unit
    }
    assert shapes <= real_shapes and len(shapes) == 4  # start? and frame? as in the real file
    frames = [f["frame"] for f in ours["facts"]["us-gaap"][REVENUE]["units"]["USD"] if "frame" in f]
    assert len(frames) == len(set(frames)) and "CY2024Q2" in frames and "CY2023" in frames
    assert SampleEdgar(AS_OF).get(urls.companyfacts(SPY)).status == 404  # funds have none


def test_feed_looks_like_the_real_getcurrent_page(sec: SampleEdgar, realdata: Path) -> None:
    real = (realdata / "rss" / "sec_edgar_getcurrent_atom_start0_2026-01-12.xml").read_bytes()
    body = sec.get(urls.current_feed(100)).body
    assert body.split(b"\n")[0] == real.split(b"\n")[0]
    assert body.split(b"\n")[3:7] == real.split(b"\n")[3:7]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(body).findall("a:entry", ns)
    real_entry = ET.fromstring(real).find("a:entry", ns)
    assert len(entries) == 100
    assert [c.tag for c in entries[0]] == [c.tag for c in real_entry]
    assert (
        ET.fromstring(body).find("a:title", ns).text
        == "Latest Filings - Thu, 20 Nov 2025 18:00:00 EST"
    )
    titles = [e.find("a:title", ns).text for e in entries]
    pattern = re.compile(
        r"^(.+) - (.+) \((\d{10})\) \((Filer|Issuer|Reporting|Subject|Filed by)\)$"
    )
    assert all(pattern.match(t) for t in titles)
    updated = [dt.datetime.fromisoformat(e.find("a:updated", ns).text) for e in entries]
    assert updated == sorted(updated, reverse=True) and max(updated) <= AS_OF
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", entries[0].find("a:updated", ns).text
    )
    for i, title in enumerate(titles):  # a Form 4 shows once for the owner, then for the issuer
        if title.startswith("4 - ") and title.endswith("(Reporting)") and i + 1 < len(titles):
            assert titles[i + 1].endswith("(Issuer)")
            assert entries[i].find("a:id", ns).text == entries[i + 1].find("a:id", ns).text


def test_daily_index_columns_line_up_with_the_real_file(sec: SampleEdgar, realdata: Path) -> None:
    real = (realdata / "sec" / "daily-index_form.20200318.idx").read_text().split("\n")
    day = dt.date(2025, 11, 17)
    ours = sec.get(urls.daily_index(day)).body.decode("ascii").split("\n")
    assert ours[0] == real[0] and ours[2:10] == real[2:10]
    assert ours[1] == "Last Data Received:    Nov 17, 2025"
    header = real[8]
    columns = [header.index(n) for n in ("Company Name", "CIK", "Date Filed", "File Name")]
    rows = [line for line in ours[10:] if line]
    assert rows and ours[-1] == ""
    keys = []
    for row in rows:
        assert len(row) == len(real[10])
        form, name = row[: columns[0]].strip(), row[columns[0] : columns[1]].strip()
        cik = row[columns[1] : columns[2]].strip()
        assert row[columns[1] - 2 : columns[1]] == "  " and cik.isdigit()
        assert row[columns[2] : columns[3]].strip() == "20251117"
        assert re.fullmatch(
            rf"edgar/data/{cik}/\d{{10}}-\d\d-\d{{6}}\.txt", row[columns[3] :].strip()
        )
        keys.append((form, name))
    assert keys == sorted(keys)
    master = sec.get(urls.daily_index(day, "master")).body.decode().split("\n")
    real_master = (realdata / "sec" / "daily-index_master.20181231_excerpt.idx").read_text()
    assert master[:1] + master[2:7] == real_master.split("\n")[:1] + real_master.split("\n")[2:7]
    assert len(master) - 8 == len(rows)


# --- EDGAR's rules ------------------------------------------------------------------------------


def test_filing_dates_follow_edgar_rules_and_hours() -> None:
    cal = edgar()
    world = SampleEdgar(END)
    late_ownership = moved = 0
    quirky = {AAPL, next(c.cik for c in FILLER_COMPANIES if c.ticker == "NWLG")}
    for cik in [c.cik for c in SAMPLE_COMPANIES] + [min(quirky)]:
        for f in all_filings(world, cik):
            wall = json_time(f["acceptanceDateTime"])
            accepted = wall.replace(tzinfo=NY if cik in quirky else dt.UTC).astimezone(NY)
            filed = dt.date.fromisoformat(f["filingDate"])
            assert filed == cal.filing_date(accepted, f["form"]), f
            assert cal.is_business_day(filed) and cal.is_business_day(accepted.date()), f
            assert dt.time(6) <= accepted.time() < dt.time(22), f
            if accepted.time() >= dt.time(17, 30):
                late_ownership += f["form"] in ("4", "4/A") and filed == accepted.date()
                moved += f["form"] not in ("4", "4/A") and filed > accepted.date()
    assert late_ownership > 100 and moved > 20


def test_apple_json_time_is_new_york_wall_clock_and_microsoft_is_utc(sec: SampleEdgar) -> None:
    for cik, zone in ((AAPL, NY), (MSFT, dt.UTC)):
        for f in recent(sec, cik)[:25]:
            truth = header_time(sec, cik, f["accessionNumber"])
            assert json_time(f["acceptanceDateTime"]).replace(tzinfo=zone) == truth, f
            header = sec.get(urls.sgml_header(cik, f["accessionNumber"])).body.decode()
            lines = header.split("\n")
            stamp = f["filingDate"].replace("-", "")
            assert lines[0] == f"<SEC-HEADER>{f['accessionNumber']}.hdr.sgml : {stamp}"
            assert re.fullmatch(r"<ACCEPTANCE-DATETIME>\d{14}", lines[1])
            assert f"ACCESSION NUMBER:\t\t{f['accessionNumber']}" in lines
            assert f"CONFORMED SUBMISSION TYPE:\t{f['form']}" in lines
            assert header.rstrip().endswith("</SEC-HEADER>")
    wall = next(f for f in recent(sec, AAPL) if f["form"] == "10-Q")
    utc = header_time(sec, AAPL, wall["accessionNumber"]).replace(tzinfo=None)
    assert json_time(wall["acceptanceDateTime"]) != utc  # the 'Z' is not UTC for Apple


def test_periodic_documents_are_inline_xbrl_with_items(sec: SampleEdgar) -> None:
    tenk = next(f for f in recent(sec, MSFT) if f["form"] == "10-K")
    body = sec.get(urls.archive_document(MSFT, tenk["accessionNumber"], tenk["primaryDocument"]))
    assert body.status == 200 and len(body.body) == tenk["size"]
    root = ET.fromstring(body.body)  # well-formed XHTML
    text = "".join(root.itertext())
    for heading in (
        "PART I",
        "Item 1A.",
        "Risk Factors",
        "Item 7.",
        "MICROSOFT CORP | 2025 Form 10-K | 3",
    ):
        assert heading in text
    assert b'<div style="display:none"><ix:header>' in body.body
    revenue = re.search(rb'name="us-gaap:' + REVENUE.encode() + rb'"[^>]*>([\d,]+)<', body.body)
    facts = get_json(sec, urls.companyfacts(MSFT))["facts"]["us-gaap"][REVENUE]["units"]["USD"]
    annual = next(
        f for f in facts if f["accn"] == tenk["accessionNumber"] and f["end"] == tenk["reportDate"]
    )
    assert int(revenue.group(1).replace(b",", b"")) == round(annual["val"] / 1e6)
    eight_k = next(f for f in recent(sec, AAPL) if f["form"] == "8-K" and f["items"] == "2.02,9.01")
    body = sec.get(
        urls.archive_document(AAPL, eight_k["accessionNumber"], eight_k["primaryDocument"])
    )
    assert (
        b"Item 2.02" in body.body and b"Results of Operations and Financial Condition" in body.body
    )
    assert b"Item 9.01" in body.body


# --- the world's contents -----------------------------------------------------------------------


def test_companyfacts_keep_the_original_value_before_the_restatement() -> None:
    late = get_json(SampleEdgar(END), urls.companyfacts(AAPL))["facts"]["us-gaap"]
    facts = late[REVENUE]["units"]["USD"]
    year, quarter = RESTATEMENT.fiscal_year, RESTATEMENT.fiscal_quarter
    filing = {f["accn"] for f in facts if (f["fy"], f["fp"]) == (year, f"Q{quarter}")}
    assert len(filing) == 1  # the 10-Q that first reported the quarter
    reported = [f for f in facts if f["accn"] in filing]
    end = max(f["end"] for f in reported)
    # the quarter itself: of the spans ending with the period, the one starting last
    original = max((f for f in reported if f["end"] == end), key=lambda f: f["start"])
    period = (original["start"], original["end"])
    versions = [f for f in facts if (f.get("start"), f["end"]) == period]
    values = {f["val"] for f in versions}
    assert len(values) == 2 and 60e9 < original["val"] < 160e9
    restated = next(f for f in versions if f["val"] != original["val"])
    assert (restated["fy"], restated["fp"]) == RESTATEMENT.restated_in
    assert restated["filed"] > original["filed"] and restated.get("frame") == "CY2024Q2"
    income = {
        f["val"]
        for f in late["NetIncomeLoss"]["units"]["USD"]
        if (f.get("start"), f["end"]) == period
    }
    assert len(income) == 2

    # a point-in-time view before the restating filing only knows the original value
    filed = dt.date.fromisoformat(restated["filed"])
    before = SampleEdgar(dt.datetime.combine(filed, dt.time()).replace(tzinfo=NY))
    early = get_json(before, urls.companyfacts(AAPL))["facts"]["us-gaap"][REVENUE]["units"]["USD"]
    assert {f["val"] for f in early if (f.get("start"), f["end"]) == period} == {original["val"]}


def test_apple_magnitudes_are_realistic(sec: SampleEdgar) -> None:
    facts = get_json(sec, urls.companyfacts(AAPL))["facts"]
    revenue = facts["us-gaap"][REVENUE]["units"]["USD"]
    quarters = [f for f in revenue if re.fullmatch(r"CY202[34]Q\d", f.get("frame", ""))]
    assert quarters and all(70e9 < f["val"] < 150e9 for f in quarters)
    diluted = facts["us-gaap"]["EarningsPerShareDiluted"]["units"]["USD/shares"]
    eps = [f["val"] for f in diluted if f.get("frame", "").startswith("CY2024Q")]
    assert eps and all(1.0 < v < 3.0 for v in eps)
    shares = facts["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    by_year = {f["end"][:4]: f["val"] for f in shares}
    assert 0.7e9 < by_year["2013"] < 1.2e9 and by_year["2015"] > 4e9  # the 2014 7:1 split


def test_ten_b5_one_sales_carry_the_flag_and_trade_near_the_close(sec: SampleEdgar) -> None:
    sales = 0
    closes = dict(zip(history("AAPL").sessions, history("AAPL").close, strict=True))
    for f in recent(sec, AAPL):
        if f["form"] != "4" or f["filingDate"] < "2023-04-01":
            continue
        assert f["primaryDocument"].startswith("xslF345X05/")
        raw = f["primaryDocument"].split("/", 1)[1]
        body = sec.get(urls.archive_document(AAPL, f["accessionNumber"], raw)).body
        assert body == sec.get(document(AAPL, f["accessionNumber"], f["primaryDocument"])).body
        doc = ET.fromstring(body)
        codes = [t.text for t in doc.iter("transactionCode")]
        if "S" not in codes:
            continue
        sales += 1
        assert doc.findtext("schemaVersion") == "X0508"
        assert doc.findtext("aff10b5One") in ("1", "true")
        notes = " ".join(n.text for n in doc.iter("footnote"))
        assert "Rule 10b5-1 trading plan adopted by the reporting person on" in notes
        for row in doc.iter("nonDerivativeTransaction"):
            if row.findtext("transactionCoding/transactionCode") == "S":
                day = dt.date.fromisoformat(row.findtext("transactionDate/value"))
                price = float(row.findtext("transactionAmounts/transactionPricePerShare/value"))
                assert abs(price / closes[day] - 1) < 0.03
        if sales >= 5:
            break
    assert sales >= 5
    old = next(
        f for f in all_filings(sec, AAPL) if f["form"] == "4" and f["filingDate"] < "2020-01-01"
    )
    assert old["primaryDocument"].startswith("xslF345X03/")
    raw = old["primaryDocument"].split("/", 1)[1]
    doc = ET.fromstring(sec.get(urls.archive_document(AAPL, old["accessionNumber"], raw)).body)
    assert doc.findtext("schemaVersion") == "X0306" and doc.find("aff10b5One") is None


def test_the_leaving_filler_drops_out_of_the_ticker_file_but_keeps_its_history() -> None:
    before = SampleEdgar(
        dt.datetime.combine(LEAVES_ON, dt.time(12)).replace(tzinfo=NY) - dt.timedelta(days=1)
    )
    after = SampleEdgar(dt.datetime.combine(LEAVES_ON, dt.time(12)).replace(tzinfo=NY))

    def tickers(edgar_: SampleEdgar) -> set[str]:
        return {v["ticker"] for v in get_json(edgar_, urls.company_tickers()).values()}

    assert LEAVING.ticker in tickers(before)
    assert LEAVING.ticker not in tickers(after) and "AAPL" in tickers(after)
    exchange = get_json(after, urls.company_tickers_exchange())
    assert LEAVING.cik not in [row[0] for row in exchange["data"]]
    late = SampleEdgar(END)
    history_ = get_json(late, urls.submissions(LEAVING.cik))
    assert history_["tickers"] == [] and history_["name"] == LEAVING.title
    filings = history_["filings"]["recent"]
    assert len(filings["form"]) > 50 and max(filings["filingDate"]) < "2025-07-01"
    assert late.get(urls.companyfacts(LEAVING.cik)).status == 200


def test_universe_and_fillers(realdata: Path) -> None:
    assert [(c.ticker, c.cik) for c in SAMPLE_COMPANIES] == [
        ("AAPL", 320193),
        ("MSFT", 789019),
        ("GOOGL", 1652044),
        ("AMZN", 1018724),
        ("NVDA", 1045810),
        ("META", 1326801),
        ("TSLA", 1318605),
        ("SPY", 884394),
        ("QQQ", 1067839),
    ]
    assert [c.kind for c in SAMPLE_COMPANIES].count("etf") == 2
    fund_forms = {f["form"] for f in all_filings(SampleEdgar(END), SPY)}
    assert fund_forms == {"N-CSR", "N-CSRS", "485BPOS", "24F-2NT", "NPORT-P", "N-Q"}
    with pytest.raises(ValueError):
        SampleEdgar(dt.datetime(2025, 1, 2, 12))  # a clock must be timezone-aware
    assert 35 <= len(FILLER_COMPANIES) <= 45
    assert all(1900000 <= c.cik <= 1999999 for c in FILLER_COMPANIES)
    assert all(re.fullmatch(r"[A-Z]{3,4}", c.ticker) for c in FILLER_COMPANIES)
    real = orjson.loads((realdata / "sec" / "company_tickers.json").read_bytes())
    taken = {v["ticker"] for v in real.values()}
    assert not taken & {c.ticker for c in FILLER_COMPANIES}


def test_unknown_urls_and_closed_days_are_404(sec: SampleEdgar) -> None:
    filing = recent(sec, AAPL)[0]
    folder = (
        f"https://www.sec.gov/Archives/edgar/data/{{}}/{filing['accessionNumber'].replace('-', '')}"
    )
    missing = [
        urls.submissions(1),
        urls.companyfacts(1),
        "https://data.sec.gov/submissions/CIK0000320193-submissions-009.json",
        urls.daily_index(dt.date(2025, 11, 15)),  # a Saturday
        urls.daily_index(dt.date(2025, 11, 27)),  # Thanksgiving
        urls.daily_index(dt.date(2025, 11, 21)),  # after the clock
        urls.daily_index(dt.date(2025, 11, 17)).replace("QTR4", "QTR3"),
        folder.format(MSFT) + "/" + filing["primaryDocument"],  # a CIK that did not file it
        folder.format(AAPL) + "/nothing.htm",
        "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=320193",
        "https://www.sec.gov/files/company_tickers_mf.json",
        "https://example.com/",
    ]
    for url in missing:
        answer = sec.get(url)
        assert answer.status == 404, url
        assert b"Not Found" in answer.body and answer.body.startswith(b"<!DOCTYPE html>")


def test_requests_are_fast_after_warm_up(sec: SampleEdgar) -> None:
    for url in (urls.submissions(AAPL), urls.companyfacts(AAPL)):
        sec.get(url)
        start = time.perf_counter()
        sec.get(url)
        assert time.perf_counter() - start < 0.1, url
