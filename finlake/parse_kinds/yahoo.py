"""Parse kind yahoo-chart: one Yahoo chart JSON -> prices_daily and corporate_actions rows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY
from finlake.gate import apply_gate
from finlake.parse_kinds.base import ParseInput, ParseOutput
from finlake.schemas.prices import CORPORATE_ACTIONS_SCHEMA, PRICES_DAILY_SCHEMA
from finlake.sources.base import REJECT_SCHEMA
from finlake.sources.yahoo.chart import ChartInput, parse_chart
from finlake.sources.yahoo.provider import canonical_frames


def parse_yahoo_chart(payload: ParseInput) -> ParseOutput:
    now = dt.datetime.now(dt.UTC)
    parsed = canonical_frames(parse_chart(ChartInput(payload.body, fetched_at=now)))
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
