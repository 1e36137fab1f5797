"""Subjects versus companies only mentioned, on headlines with supporting roles, with a universe
of a few hundred real companies (names from SEC's company_tickers.json)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from finlake.transforms.tagging import TickerTagger, companies_for, evaluate_roles
from finlake.universe import Security

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "subject_headlines.csv"  # the rules were written against these
HELDOUT = FIXTURES / "subject_headlines_heldout.csv"  # written afterwards, never tuned on
TOP = 400  # the largest filers in company_tickers.json (it lists them by size)


def _labels() -> set[str]:
    rows = pl.concat(
        pl.read_csv(f, infer_schema_length=0).fill_null("") for f in (FIXTURE, HELDOUT)
    )
    return {t for c in ("subjects", "mentioned") for cell in rows[c] for t in cell.split(";") if t}


@pytest.fixture(scope="module")
def companies(realdata: Path):
    doc = json.loads((realdata / "sec" / "company_tickers.json").read_text(encoding="utf-8"))
    listed = list(doc.values())
    labels = _labels()
    chosen = [r for i, r in enumerate(listed) if i < TOP or r["ticker"] in labels]
    sec = pl.DataFrame(
        [(str(r["cik_str"]).zfill(10), r["ticker"], r["title"]) for r in chosen],
        schema=["cik", "ticker", "title"],
        orient="row",
    ).unique("ticker", keep="first")
    universe = [Security(t, n) for t, n in sec.select("ticker", "title").iter_rows()]
    assert len(universe) >= 300 and labels <= {s.ticker for s in universe}
    return companies_for(universe, sec)


def test_subjects_and_mentions_on_the_fixture(companies) -> None:
    result = evaluate_roles(FIXTURE, companies)
    print(f"subject fixture ({len(companies)} companies): {result}")  # shown with pytest -s
    assert result["items"] >= 140
    assert result["subjects_precision"] >= 0.95, result
    assert result["subjects_recall"] >= 0.95, result
    assert result["mentioned_precision"] >= 0.95, result
    assert result["mentioned_recall"] >= 0.9, result


def test_subjects_and_mentions_on_held_out_headlines(companies) -> None:
    result = evaluate_roles(HELDOUT, companies)
    print(f"held-out subject fixture ({len(companies)} companies): {result}")
    assert result["items"] >= 60
    assert result["subjects_precision"] >= 0.85, result
    assert result["subjects_recall"] >= 0.85, result
    assert result["mentioned_precision"] >= 0.8, result
    assert result["mentioned_recall"] >= 0.7, result


@pytest.mark.parametrize(
    ("title", "subjects", "mentioned"),
    [
        ("Goldman Sachs says S&P 500 could reach 7000", [], ["GS"]),
        ("Goldman Sachs says it will cut about 3% of its workforce", ["GS"], []),
        ("Wells Fargo's top picks include Nvidia", ["NVDA"], ["WFC"]),
        ("Morgan Stanley upgrades Tesla to overweight", ["TSLA"], ["MS"]),
        ("Shopify rival BigCommerce cuts 10% of staff", ["BIGC"], ["SHOP"]),
        ("Reddit IPO: Morgan Stanley and Goldman Sachs to lead offering", ["RDDT"], ["GS", "MS"]),
        ("Chevron and Exxon bid for Guyana oil block", ["CVX", "XOM"], []),
        # a research house's own act versus its view of something else
        ("Citigroup cuts 20,000 jobs in overhaul", ["C"], []),
        ("Citigroup cuts Apple price target", ["AAPL"], ["C"]),
        ("Goldman Sachs raises its year-end S&P 500 forecast", [], ["GS"]),
        ("JPMorgan Chase raises quarterly dividend", ["JPM"], []),
    ],
)
def test_roles(companies, title, subjects, mentioned) -> None:
    assert TickerTagger(companies).roles(title) == (subjects, mentioned)


def test_a_run_of_capitalised_ands_does_not_stall_the_tagger() -> None:
    """The underwriter patterns once backtracked exponentially on "... And And And ..."."""
    import time

    from finlake.transforms.roles import _UNDERWRITER_AFTER, _UNDERWRITER_BEFORE

    started = time.perf_counter()
    _UNDERWRITER_AFTER.match(" And" * 120 + " others")
    _UNDERWRITER_BEFORE.search("IPO led by" + " And" * 120 + " others, ")
    assert time.perf_counter() - started < 0.5
