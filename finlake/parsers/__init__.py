"""`finlake parse KIND FILE`: the canonical rows finlake would store from one raw payload.

Each kind reads one provider payload through the same parser and quality gates the pipeline
uses, and returns the rows per dataset plus every rejected row with its reason. It is how a user
debugs a payload; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from finlake.parsers import macro, news, sec, yahoo
from finlake.parsers.base import ParseInput, ParseOutput

PARSERS: dict[str, Callable[[ParseInput], ParseOutput]] = {
    "yahoo-chart": yahoo.parse_yahoo_chart,
    "sec-tickers": sec.parse_tickers,
    "sec-submissions": sec.parse_submissions_file,
    "sec-daily-index": sec.parse_daily_index,
    "sec-form4": sec.parse_form4,
    "sec-companyfacts": sec.parse_companyfacts_file,
    "sec-current-feed": sec.parse_feed,
    "rss": news.parse_rss_file,
    "fred-observations": macro.parse_fred_observations,
    "fed-press": macro.parse_fed_press,
}

__all__ = ["PARSERS", "ParseInput", "ParseOutput"]
