import json

import polars as pl
from click.testing import CliRunner

from finlake.cli import main
from finlake_tests.integration.test_price_pipeline import DAYS, TICKERS, run

AAPL = "yahoo/chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json"


def test_parse_yahoo_chart_json_and_csv(realdata):
    runner = CliRunner()
    result = runner.invoke(main, ["parse", "yahoo-chart", str(realdata / AAPL), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"prices_daily", "corporate_actions"}
    assert len(doc["prices_daily"]) == 49
    assert doc["corporate_actions"] == [
        {
            "ticker": "AAPL",
            "date": "2020-08-31",
            "dividend": 0.0,
            "split_ratio": 4.0,
            "source": "yahoo",
        },
        {
            "ticker": "AAPL",
            "date": "2020-11-06",
            "dividend": 0.205,
            "split_ratio": 1.0,
            "source": "yahoo",
        },
    ]
    csv = runner.invoke(
        main, ["parse", "yahoo-chart", str(realdata / AAPL), "--dataset", "corporate_actions"]
    )
    assert csv.stdout.splitlines()[0] == "ticker,date,dividend,split_ratio,source"
    assert len(csv.stdout.splitlines()) == 3


def test_parse_reports_rejected_rows_on_stderr(realdata, tmp_path):
    doc = json.loads((realdata / AAPL).read_bytes())
    quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
    quote["close"][3] = -1.0
    quote["open"][4] = None
    for key in quote:
        quote[key][5] = None  # an all-null bar
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["parse", "yahoo-chart", str(bad)])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 46
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert any("all-null bar" in e for e in errors)
    assert any("close: must be > 0" in e for e in errors)
    assert any("open is null or NaN" in e for e in errors)


def test_parse_errors_are_clean(realdata, tmp_path):
    html = tmp_path / "blocked.json"
    html.write_text("<html><body>Too Many Requests</body></html>")
    result = CliRunner().invoke(main, ["parse", "yahoo-chart", str(html)])
    assert result.exit_code == 1 and "HTML/XML page" in result.stderr
    minute = CliRunner().invoke(
        main, ["parse", "yahoo-chart", str(realdata / "yahoo/chart_AAPL_1m_2024-10-02.json")]
    )
    assert minute.exit_code == 1 and "needs daily" in minute.stderr
    unknown = CliRunner().invoke(main, ["parse", "nope", str(html)])
    assert unknown.exit_code == 2


def test_sql_command(lake, sample_provider, home):
    from finlake_tests.conftest import after_close

    run(lake, sample_provider(after_close(DAYS[-1])), DAYS, "r1")
    out = CliRunner().invoke(
        main,
        [
            "sql",
            "SELECT ticker, count(*) AS n FROM prices_daily GROUP BY 1 ORDER BY 1",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    frame = pl.read_csv(out.stdout.encode())
    assert frame["ticker"].to_list() == sorted(TICKERS)
    assert frame["n"].to_list() == [len(DAYS)] * len(TICKERS)
    broken = CliRunner().invoke(main, ["sql", "SELECT * FROM no_such_view"])
    assert broken.exit_code == 1 and "no_such_view" in broken.stderr


def _parse_json(*args: str) -> tuple[dict, str]:
    result = CliRunner().invoke(main, ["parse", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_parse_sec_kinds_on_real_payloads(realdata):
    sec = realdata / "sec"
    doc, _ = _parse_json("sec-form4", str(sec / "form4_AAPL_0000320193-20-000086.xml"))
    assert set(doc) == {"insider_transactions", "insider_holdings"}
    [tx] = doc["insider_transactions"]
    assert (tx["accession_number"], tx["owner_name"], tx["transaction_code"]) == (
        "0000320193-20-000086",  # read from the file name
        "Maestri Luca",
        "S",
    )
    assert (tx["shares"], tx["price_per_share"], tx["shares_owned_after"]) == (
        243431.0,
        116.89,
        110272.0,
    )
    doc, _ = _parse_json(
        "sec-form4",
        str(sec / "form4_374Water_2025-05-02.xml"),
        "--accession",
        "0000950170-25-061234",
        "--filing-date",
        "2025-05-02",
    )
    assert {r["filing_date"] for r in doc["insider_transactions"]} == {"2025-05-02"}
    doc, _ = _parse_json("sec-submissions", str(sec / "submissions_CIK0000789019.json"))
    assert list(doc) == ["sec_filings"] and len(doc["sec_filings"]) == 1006
    assert {r["ticker"] for r in doc["sec_filings"]} == {"MSFT"}
    doc, _ = _parse_json("sec-companyfacts", str(sec / "companyfacts_CIK0000320193.json"))
    assert list(doc) == ["fundamentals"] and len(doc["fundamentals"]) == 24579
    doc, rejected = _parse_json("sec-daily-index", str(sec / "daily-index_form.20200318.idx"))
    assert rejected == ""
    assert any(r["accession_number"] == "0001140361-20-006155" for r in doc["sec_filings"])
    doc, _ = _parse_json("sec-tickers", str(sec / "company_tickers.json"))
    apple = [r for r in doc["sec_companies"] if r["ticker"] == "AAPL"]
    assert apple[0]["cik"] == "0000320193"


def test_parse_sec_current_feed_and_rejects_to_stderr(tmp_path):
    from finlake_tests.unit.test_sec_sources import FEED

    feed = tmp_path / "current.atom"
    feed.write_bytes(FEED)
    doc, _ = _parse_json("sec-current-feed", str(feed))
    assert [r["accession_number"] for r in doc["sec_filings"]] == ["0000320193-24-000042"]
    bad = tmp_path / "weekend.atom"
    bad.write_bytes(FEED.replace(b"Filed:&lt;/b&gt; 2024-03-05", b"Filed:&lt;/b&gt; 2024-03-09"))
    result = CliRunner().invoke(main, ["parse", "sec-current-feed", str(bad)])
    assert result.exit_code == 0
    assert "not an EDGAR business day" in result.stderr
    assert result.stdout.splitlines()[0].startswith("cik,ticker,accession_number")


def test_parse_rss_on_real_feeds(realdata):
    rss = realdata / "rss"
    doc, rejected = _parse_json("rss", str(rss / "federalreserve_press_all_2026-06-13_trimmed.xml"))
    assert list(doc) == ["news_articles"] and rejected == ""
    fed = doc["news_articles"]
    assert sorted((r["published_at"], r["url"].rsplit("/", 1)[1]) for r in fed) == [
        ("2026-06-09T20:00:00+00:00", "bcreg20260609a.htm"),
        ("2026-06-11T15:00:00+00:00", "bcreg20260611a.htm"),
    ]
    assert all(r["publisher"] == "Federal Reserve" and "macro" in r["categories"] for r in fed)
    assert fed[0]["sentiment_label"] in {"positive", "negative", "neutral"}
    doc, _ = _parse_json("rss", str(rss / "sec_edgar_current_8k_atom_2026-06-13_trimmed.xml"))
    edgar = doc["news_articles"]
    assert len(edgar) == 2 and {r["published_at_flag"] for r in edgar} == {"updated"}
    assert all(r["url"].startswith("https://www.sec.gov/Archives/edgar/data/") for r in edgar)


def test_parse_rss_refuses_a_file_that_is_not_a_feed(tmp_path):
    page = tmp_path / "maintenance.xml"
    page.write_bytes(b"<html><body>down for maintenance</body></html>")
    result = CliRunner().invoke(main, ["parse", "rss", str(page)])
    assert result.exit_code != 0 and "not an RSS or Atom feed" in result.output


def test_retention_command_lists_then_applies(home, lake):
    import datetime as dt

    from finlake.datasets import NEWS_ARTICLES
    from finlake_tests.integration.test_news_pipeline import START, build, poll

    poll(lake, START)
    build(lake, [START])
    stored = lake.scan(NEWS_ARTICLES).collect().height
    days = (dt.datetime.now(dt.UTC) - START).days + 10  # 10+ days older than the poll goes
    keep = ["--keep", f"news_articles={days}", "--keep", "bronze/news=100000"]
    listed = CliRunner().invoke(main, ["retention", *keep])
    assert listed.exit_code == 0, listed.output
    assert "would remove" in listed.stdout and "news_articles" in listed.stdout
    assert lake.scan(NEWS_ARTICLES).collect().height == stored
    applied = CliRunner().invoke(main, ["retention", "--apply", *keep])
    assert applied.exit_code == 0 and "removed" in applied.stdout
    assert 0 < lake.scan(NEWS_ARTICLES).collect().height < stored
    wrong = CliRunner().invoke(main, ["retention", "--keep", "news_articles"])
    assert wrong.exit_code != 0 and "TARGET=DAYS" in wrong.output


def test_parse_fred_observations_plain_and_alfred(realdata, tmp_path):
    fred = realdata / "fred"
    doc, rejected = _parse_json("fred-observations", str(fred / "observations_GDP_2025-01-20.json"))
    rows = doc["macro_observations"]
    assert rejected == "" and len(rows) == 315 and {r["series_id"] for r in rows} == {"GDP"}
    q3 = next(r for r in rows if r["date"] == "2024-07-01")
    assert (q3["value"], q3["realtime_start"], q3["realtime_end"]) == (
        29374.914,
        "2024-12-19",
        "2024-12-19",
    )
    doc, _ = _parse_json(
        "fred-observations", str(fred / "observations_GDP_alfred_all_vintages.json")
    )
    assert len(doc["macro_observations"]) == 3201
    first = doc["macro_observations"][0]
    assert (first["date"], first["value"], first["realtime_end"]) == (
        "1946-01-01",
        199.7,
        "1996-01-18",
    )
    renamed = tmp_path / "download.json"
    renamed.write_bytes((fred / "observations_GDP_2025-01-20.json").read_bytes())
    unnamed = CliRunner().invoke(main, ["parse", "fred-observations", str(renamed)])
    assert unnamed.exit_code != 0 and "--series" in unnamed.output
    named, _ = _parse_json("fred-observations", str(renamed), "--series", "GDP")
    assert len(named["macro_observations"]) == 315
    bad = CliRunner().invoke(main, ["parse", "fred-observations", str(renamed), "--series", "x;"])
    assert bad.exit_code != 0 and "invalid FRED series id" in bad.output


def test_parse_fed_press_reads_decisions_from_pages_beside_the_feed(tmp_path):
    import datetime as dt

    from finlake_sample.news import SampleNews

    news = SampleNews(dt.datetime(2025, 12, 10, 19, 30, tzinfo=dt.UTC))
    feed = tmp_path / "press_monetary.xml"
    feed.write_bytes(news.get("https://www.federalreserve.gov/feeds/press_monetary.xml").body)
    page = "https://www.federalreserve.gov/newsevents/pressreleases/monetary20251210a.htm"
    (tmp_path / "monetary20251210a.htm").write_bytes(news.get(page).body)
    doc, rejected = _parse_json("fed-press", str(feed))
    events = doc["policy_events"]
    assert rejected == "" and len(events) == 20
    decided = [e for e in events if e["action"]]
    assert [(e["url"], e["change_bps"], e["target_high"]) for e in decided] == [(page, -25, 3.75)]
    assert sum(e["is_fomc_statement"] for e in events) > 1  # older ones without a page beside


def test_parse_fed_press_reads_one_statement_page(tmp_path):
    from finlake_tests.unit.test_fed_statements import HIKE_2022_06_15, RANGE_2008_12_16

    page = tmp_path / "monetary20220615a.htm"
    page.write_bytes(HIKE_2022_06_15)
    doc, rejected = _parse_json("fed-press", str(page))
    [decision] = doc["fomc_decision"]
    assert rejected == ""
    assert decision == {
        "meeting_date": "2022-06-15",  # read from the page
        "title": "Federal Reserve issues FOMC statement",
        "target_low": 1.5,
        "target_high": 1.75,
        "action": "hike",
        "change_bps": 75,  # the page gives only the range: the shipped history gives 0.75-1.00
        "change_source": "derived",
        "dissents": ["Esther L. George"],
        "dissent_preferences": [
            "preferred at this meeting to raise the target range for the federal funds rate by "
            "0.5 percentage point to 1-1/4 percent to 1-1/2 percent"
        ],
    }
    floor = tmp_path / "statement.htm"
    floor.write_bytes(RANGE_2008_12_16)
    [established] = _parse_json("fed-press", str(floor))[0]["fomc_decision"]
    assert (established["action"], established["change_bps"]) == ("cut", -75)
    other = tmp_path / "minutes.htm"
    other.write_bytes(b"<!DOCTYPE html><html><head><title>Minutes</title></head><body></body>")
    refused = CliRunner().invoke(main, ["parse", "fed-press", str(other)])
    assert refused.exit_code != 0 and "not an FOMC statement page" in refused.output


def test_parse_fed_press_refuses_a_feed_that_is_not_the_feds(realdata):
    bls = CliRunner().invoke(
        main, ["parse", "fed-press", str(realdata / "rss/bls_latest_2026-06-13.rss")]
    )
    assert bls.exit_code != 0
    assert "not a Federal Reserve feed" in bls.output and "www.bls.gov" in bls.output
    fed = realdata / "rss/federalreserve_press_all_2026-06-13_trimmed.xml"
    doc, _ = _parse_json("fed-press", str(fed))
    assert doc["policy_events"] and all(
        e["url"].startswith("https://www.federalreserve.gov/") for e in doc["policy_events"]
    )
