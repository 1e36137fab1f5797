"""`finlake parse KIND FILE`: the canonical rows finlake would store from one raw payload.

Each kind reads one provider payload through the same parser and quality gates the pipeline
uses, and returns the rows per dataset plus every rejected row with its reason. It is how a user
debugs a payload; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.gate import apply_gate
from finlake.schemas.prices import CORPORATE_ACTIONS_SCHEMA, PRICES_DAILY_SCHEMA
from finlake.sources.base import REJECT_SCHEMA
from finlake.sources.yahoo.chart import ChartInput, parse_chart
from finlake.sources.yahoo.provider import canonical_frames


@dataclass
class ParseOutput:
    datasets: dict[str, pl.DataFrame]
    rejected: pl.DataFrame  # dataset, partition, row, reason


def parse_yahoo_chart(body: bytes) -> ParseOutput:
    now = dt.datetime.now(dt.UTC)
    parsed = canonical_frames(parse_chart(ChartInput(body, fetched_at=now)))
    prices = apply_gate(
        parsed.prices,
        PRICES_DAILY_SCHEMA,
        dataset=PRICES_DAILY.name,
        partition_by="date",
        max_bad_fraction=1.0,
    )
    actions = apply_gate(
        parsed.actions.drop("fetched_at"),
        CORPORATE_ACTIONS_SCHEMA,
        dataset=CORPORATE_ACTIONS.name,
        partition_by="date",
        max_bad_fraction=1.0,
    )
    rejected = pl.concat(
        [parsed.rejects.select(list(REJECT_SCHEMA)), prices.rejected, actions.rejected]
    )
    return ParseOutput(
        datasets={PRICES_DAILY.name: prices.valid, CORPORATE_ACTIONS.name: actions.valid},
        rejected=rejected,
    )


PARSERS: dict[str, Callable[[bytes], ParseOutput]] = {
    "yahoo-chart": parse_yahoo_chart,
}
