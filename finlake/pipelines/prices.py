"""The daily-prices pipeline as plain functions: fetch -> bronze -> gated silver -> adjusted.

Dagster assets are thin wrappers around these; tests call them directly.

- fetch_prices stores one raw payload per ticker for the run's sessions plus a lookback (Yahoo
  revises late bars). When a payload reveals a split finlake has not recorded while older bars
  are stored, the ticker's whole stored history is refetched: Yahoo rewrites split-adjusted
  history, and mixing bases would corrupt every earlier price.
- build_silver never fetches. For every (ticker, session) it writes, it takes the newest bronze
  payload covering it, parses, gates and merges. corporate_actions is written after prices, so a
  crash during a restatement leaves the split unrecorded and the next run restates again.
- build_adjusted recomputes the dividend-adjusted history of the touched tickers in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from finlake.calendar import nyse
from finlake.datasets import CORPORATE_ACTIONS, PRICES_ADJUSTED, PRICES_DAILY
from finlake.gate import GateFailure, apply_gate
from finlake.lake import Lake, stamp_run
from finlake.pipelines.derived import SyncReport, row_hashes, sync
from finlake.schemas.prices import (
    CORPORATE_ACTIONS_SCHEMA,
    PRICES_ADJUSTED_SCHEMA,
    PRICES_DAILY_SCHEMA,
)
from finlake.sources.base import (
    REJECT_SCHEMA,
    PriceProvider,
    RawPayload,
    SourceError,
    stops_the_fetch,
)
from finlake.transforms.adjust import adjust_prices
from finlake.transforms.splits import EVIDENCE_SESSIONS, unconfirmed_splits
from finlake.transforms.splits import reason as split_reason

REJECTED_SUFFIX = "_rejected"


class SessionNotClosedError(RuntimeError):
    """A run asked for a session whose close has not passed yet."""


class FetchFailedError(SourceError):
    """Some tickers could not be fetched; the partition must not be built without them."""


class MissingDataError(RuntimeError):
    """A listed ticker has no bar for a session being written (a systemic failure)."""


@dataclass
class FetchReport:
    window: tuple[dt.date, dt.date]
    payloads: int
    bytes: int
    path: Path | None
    restated: dict[str, str] = field(default_factory=dict)


@dataclass
class SilverReport:
    prices: pl.DataFrame
    actions: pl.DataFrame
    rejected: pl.DataFrame
    tickers: list[str]
    dates: list[dt.date]
    changed: dict[str, list[dt.date]]  # dataset -> sessions whose stored rows changed


@dataclass
class AdjustedReport:
    rows: pl.DataFrame  # the full recomputed history
    tickers: list[str]
    sync: SyncReport  # what was actually written


def _bronze_frame(payloads: Sequence[RawPayload]) -> pl.DataFrame:
    return pl.DataFrame([p.bronze_row() for p in payloads])


def _first_stored_before(lake: Lake, ticker: str, day: dt.date) -> dt.date | None:
    return (
        lake.scan(PRICES_DAILY)
        .filter((pl.col("ticker") == ticker) & (pl.col("date") < day))
        .select(pl.col("date").min())
        .collect()
        .item()
    )


def _restate_new_splits(
    provider: PriceProvider,
    lake: Lake,
    payloads: list[RawPayload],
    start: dt.date,
    last: dt.date,
    run_id: str,
    failures: dict[str, str],
) -> dict[str, str]:
    """Replace, in place, the payload of each ticker that shows a split finlake has not recorded
    (while older bars are stored) by a refetch of its whole stored history."""
    if not payloads:
        return {}
    known = (
        lake.scan(CORPORATE_ACTIONS)
        .filter(pl.col("split_ratio") != 1.0)
        .select("ticker", "date")
        .collect()
    )
    new_splits = (
        provider.parse(payloads)
        .actions.filter(pl.col("split_ratio") != 1.0)
        .join(known, on=["ticker", "date"], how="anti")
    )
    restated: dict[str, str] = {}
    index = {p.ticker: i for i, p in enumerate(payloads)}
    for (ticker,), new in new_splits.group_by("ticker", maintain_order=True):
        if not (first := _first_stored_before(lake, ticker, start)):
            continue
        i = index[ticker]
        what = ", ".join(f"{r:g}:1 on {d}" for d, r in new.select("date", "split_ratio").rows())
        reason = f"restatement: new split {what}; refetching history since {first}"
        try:
            payloads[i] = replace(provider.fetch(ticker, first, last, reason=reason), run_id=run_id)
            restated[ticker] = reason
        except SourceError as exc:
            failures[ticker] = f"restatement refetch failed: {exc}"
    return restated


def fetch_prices(
    provider: PriceProvider,
    lake: Lake,
    tickers: Sequence[str],
    sessions: Sequence[dt.date],
    *,
    run_id: str,
    refetch_sessions: int,
    now: dt.datetime,
) -> FetchReport:
    cal = nyse()
    last = max(sessions)
    if cal.session_close(last) > now:
        raise SessionNotClosedError(
            f"session {last} closes at {cal.session_close(last).isoformat()}; it cannot be "
            "fetched before then"
        )
    start = min(min(sessions), cal.sessions_back(last, max(refetch_sessions, 1))[0])
    payloads: list[RawPayload] = []
    rejected: list[RawPayload] = []
    failures: dict[str, str] = {}
    retryable = False
    for ticker in tickers:
        try:
            payloads.append(
                replace(provider.fetch(ticker, start, last, reason="scheduled"), run_id=run_id)
            )
        except SourceError as exc:
            if stops_the_fetch(exc):  # no other ticker can succeed: say so now
                raise
            failures[ticker] = str(exc)
            retryable = retryable or exc.retryable
            if exc.payload is not None:
                rejected.append(replace(exc.payload, run_id=run_id, reason=f"rejected: {exc}"))
    restated = _restate_new_splits(provider, lake, payloads, start, last, run_id, failures)
    if rejected:
        lake.write_bronze(
            provider.bronze_source + REJECTED_SUFFIX, last.isoformat(), _bronze_frame(rejected)
        )
    path = None
    if payloads:
        path = lake.write_bronze(provider.bronze_source, last.isoformat(), _bronze_frame(payloads))
    if failures:
        details = "; ".join(f"{t}: {msg}" for t, msg in failures.items())
        error = FetchFailedError(f"{len(failures)} of {len(tickers)} tickers failed: {details}")
        error.retryable = retryable  # worth a later retry only if some failure was transient
        raise error
    return FetchReport(
        window=(start, last),
        payloads=len(payloads),
        bytes=sum(len(p.exchange.body) for p in payloads),
        path=path,
        restated=restated,
    )


def _coverage(index: pl.DataFrame) -> pl.DataFrame:
    """(ticker, date, payload identity) for every session each payload's window covers."""
    cal = nyse()
    identity = [c for c in ("fetched_at", "sha256", "file") if c in index.columns]
    rows = index.select("ticker", "window_start", "window_end", *identity)
    dates = [
        cal.sessions_between(s, e) for s, e in rows.select("window_start", "window_end").rows()
    ]
    return (
        rows.with_columns(pl.Series("date", dates, dtype=pl.List(pl.Date)))
        .explode("date")
        .drop("window_start", "window_end")
        .drop_nulls("date")
    )


def build_silver(
    provider: PriceProvider,
    lake: Lake,
    tickers: Sequence[str],
    sessions: Sequence[dt.date],
    *,
    run_id: str,
) -> SilverReport:
    index = lake.bronze_index(provider.bronze_source)
    scope = pl.DataFrame({"ticker": list(tickers)}).join(
        pl.DataFrame({"date": list(sessions)}, schema={"date": pl.Date}), how="cross"
    )
    mine = _coverage(index.filter(pl.col("run_id") == run_id)).select("ticker", "date")
    scope = pl.concat([scope, mine]).unique()
    lo, hi = scope.get_column("date").min(), scope.get_column("date").max()
    candidates = index.filter(
        pl.col("ticker").is_in(scope.get_column("ticker").unique().implode())
        & (pl.col("window_end") >= lo)
        & (pl.col("window_start") <= hi)
    )
    chosen = (
        _coverage(candidates)
        .join(scope, on=["ticker", "date"], how="semi")
        .sort("fetched_at")
        .group_by("ticker", "date")
        .last()
    )
    needed = chosen.select("file", "ticker", "sha256").unique()
    payloads = [
        RawPayload.from_bronze_row(r) for r in lake.read_bronze(needed).iter_rows(named=True)
    ]
    if not payloads:
        raise MissingDataError(
            f"no bronze payload covers {lo}..{hi} for {sorted(tickers)}; fetch first"
        )
    return write_silver(provider, lake, payloads, scope, chosen, run_id=run_id)


def silver_from_payloads(
    provider: PriceProvider, lake: Lake, payloads: Sequence[RawPayload], *, run_id: str
) -> SilverReport:
    """Write silver straight from payloads in memory: every session each window covers."""
    index = pl.DataFrame(
        [
            {
                "ticker": p.ticker,
                "window_start": p.window_start,
                "window_end": p.window_end,
                "fetched_at": p.fetched_at,
            }
            for p in payloads
        ]
    )
    chosen = _coverage(index).sort("fetched_at").group_by("ticker", "date").last()
    return write_silver(
        provider, lake, payloads, chosen.select("ticker", "date"), chosen, run_id=run_id
    )


def write_silver(
    provider: PriceProvider,
    lake: Lake,
    payloads: Sequence[RawPayload],
    scope: pl.DataFrame,
    chosen: pl.DataFrame,
    *,
    run_id: str,
) -> SilverReport:
    """Parse, gate and merge: `scope` is the (ticker, date) pairs this write is authoritative
    for, `chosen` the (ticker, date, fetched_at) of the payload that supplies each of them."""
    parsed = provider.parse(payloads)
    prices = _chosen_rows(parsed.prices.rename({"ingested_at": "fetched_at"}), chosen)
    prices = prices.rename({"fetched_at": "ingested_at"})
    actions = _chosen_rows(parsed.actions, chosen).drop("fetched_at")
    rejects = _chosen_rows(parsed.rejects, chosen).select("dataset", "partition", "row", "reason")

    listing = {t: d for t, d in parsed.listing.items() if d is not None}
    listed_since = pl.col("ticker").replace_strict(
        listing, default=dt.date(1900, 1, 1), return_dtype=pl.Date
    )
    present = pl.concat(
        [
            prices.select("ticker", "date"),
            _chosen_rows(parsed.rejects, chosen).select("ticker", "date"),
        ]
    )
    missing = (
        scope.filter(pl.col("date") >= listed_since)
        .join(present, on=["ticker", "date"], how="anti")
        .sort("ticker", "date")
    )
    try:
        if not missing.is_empty():
            sample = ", ".join(f"{t} {d}" for t, d in missing.head(10).rows())
            raise MissingDataError(
                f"{missing.height} (ticker, session) pairs have no bar although the ticker was "
                f"listed: {sample}{' ...' if missing.height > 10 else ''}"
            )
        sessions = scope.get_column("date").unique().to_list()
        price_gate = apply_gate(
            prices,
            PRICES_DAILY_SCHEMA,
            dataset=PRICES_DAILY.name,
            partition_by="date",
            partitions=sessions,
        )
        action_gate = apply_gate(
            actions,
            CORPORATE_ACTIONS_SCHEMA,
            dataset=CORPORATE_ACTIONS.name,
            partition_by="date",
            partitions=sessions,
        )
    except GateFailure as exc:
        _write_quarantine(lake, pl.concat([rejects, exc.rejected]), scope, run_id)
        raise
    except MissingDataError:
        _write_quarantine(lake, rejects, scope, run_id)
        raise
    prices = _keep_first_ingestion(price_gate.valid, lake, scope)
    events, unconfirmed = _confirmed_splits(lake, action_gate.valid, prices)
    rejected = pl.concat([rejects, price_gate.rejected, action_gate.rejected, unconfirmed])
    # a rejected re-fetch of a stored bar (or action) keeps the stored row
    bar_guard = lake.guard(PRICES_DAILY, prices, rejected)
    event_guard = lake.guard(CORPORATE_ACTIONS, events, bar_guard.rejected)
    rejected = event_guard.rejected
    changed = {
        PRICES_DAILY.name: lake.merge(PRICES_DAILY, prices, scope, keep=bar_guard.keep),
        CORPORATE_ACTIONS.name: lake.merge(CORPORATE_ACTIONS, events, scope, keep=event_guard.keep),
    }
    _write_quarantine(lake, rejected, scope, run_id)
    return SilverReport(
        prices=prices,
        actions=events,
        rejected=rejected,
        tickers=sorted(scope.get_column("ticker").unique().to_list()),
        dates=sorted(scope.get_column("date").unique().to_list()),
        changed=changed,
    )


def _confirmed_splits(
    lake: Lake, actions: pl.DataFrame, prices: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The actions without the new splits the bars do not confirm (a dividend on the same day
    stays), and a quarantine row for each of those splits (see finlake.transforms.splits)."""
    known = (
        lake.scan(CORPORATE_ACTIONS).filter(pl.col("split_ratio") != 1.0).select("ticker", "date")
    )
    new = actions.filter(pl.col("split_ratio") != 1.0).join(
        known.collect(), on=["ticker", "date"], how="anti"
    )
    none = pl.DataFrame(schema=REJECT_SCHEMA)
    if new.is_empty():
        return actions, none
    cal = nyse()
    earliest = cal.sessions_back(new.get_column("date").min(), 2 * EVIDENCE_SESSIONS)[0]
    stored = (
        lake.scan(PRICES_DAILY)
        .filter(
            pl.col("ticker").is_in(new.get_column("ticker").unique().implode())
            & pl.col("date").is_between(earliest, new.get_column("date").max())
        )
        .select("ticker", "date", "close", "ingested_at")
        .collect()
    )
    closes = {d: cal.session_close(d) for d in new.get_column("date").unique().to_list()}
    doubtful = unconfirmed_splits(
        new.select("ticker", "date", "split_ratio"), stored, prices, closes
    )
    if doubtful.is_empty():
        return actions, none
    hit = actions.join(doubtful.select("ticker", "date"), on=["ticker", "date"], how="semi")
    kept = pl.concat(
        [
            actions.join(doubtful.select("ticker", "date"), on=["ticker", "date"], how="anti"),
            hit.filter(pl.col("dividend") > 0).with_columns(pl.lit(1.0).alias("split_ratio")),
        ]
    )
    flagged = hit.join(doubtful, on=["ticker", "date", "split_ratio"])
    rows = pl.DataFrame(
        {
            "dataset": CORPORATE_ACTIONS.name,
            "partition": flagged.get_column("date").cast(pl.String),
            "row": flagged.select(
                pl.struct(CORPORATE_ACTIONS.column_names).struct.json_encode()
            ).to_series(),
            "reason": [
                split_reason(r, o, n)
                for r, o, n in flagged.select("split_ratio", "observed_ratio", "sessions").rows()
            ],
        },
        schema=REJECT_SCHEMA,
    )
    return kept, rows


def _keep_first_ingestion(new: pl.DataFrame, lake: Lake, scope: pl.DataFrame) -> pl.DataFrame:
    """A re-fetched bar with unchanged values keeps the time it was first ingested, so only real
    revisions rewrite a partition and ingested_at says when this version of the bar arrived."""
    values = ["open", "high", "low", "close", "volume", "source"]
    dates = scope.get_column("date").unique().implode()
    old = (
        lake.scan(PRICES_DAILY)
        .filter(pl.col("date").is_in(dates))
        .select("ticker", "date", *values, pl.col("ingested_at").alias("first_ingested"))
        .collect()
    )
    if old.is_empty():
        return new
    return (
        new.join(old, on=["ticker", "date", *values], how="left", nulls_equal=True)
        .with_columns(pl.coalesce("first_ingested", "ingested_at").alias("ingested_at"))
        .select(new.columns)
    )


def _chosen_rows(frame: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Rows of `frame` that come from the payload chosen for their (ticker, session), plus rows
    of chosen payloads dated on a non-session: those are never chosen, but they must reach the
    gate (and the quarantine) rather than vanish."""
    picked = frame.join(chosen, on=["ticker", "date", "fetched_at"], how="semi")
    sessions = pl.Series(nyse().sessions, dtype=pl.Date).implode()
    strays = frame.filter(pl.col("date").is_null() | ~pl.col("date").is_in(sessions)).join(
        chosen.select("ticker", "fetched_at").unique(), on=["ticker", "fetched_at"], how="semi"
    )
    return pl.concat([picked, strays])


def _write_quarantine(lake: Lake, rejected: pl.DataFrame, scope: pl.DataFrame, run_id: str) -> None:
    """Replace the quarantine rows of every (session, ticker) this write covered, and of any
    other partition that received rejects (non-session or undated rows)."""
    rows = stamp_run(rejected, run_id)
    written = scope.select(pl.col("date").cast(pl.String).alias("partition"), "ticker")
    ticker = pl.col("row").str.json_path_match("$.ticker").alias("ticker")
    for ds in (PRICES_DAILY.name, CORPORATE_ACTIONS.name):
        mine = rows.filter(pl.col("dataset") == ds)
        lake.write_quarantine(ds, mine, pl.concat([written, mine.select("partition", ticker)]))


def build_adjusted(lake: Lake, tickers: Collection[str]) -> AdjustedReport:
    """Recompute the tickers' adjusted history in full; write only what can have changed."""
    wanted = pl.Series(sorted(tickers), dtype=pl.String).implode()
    prices = lake.scan(PRICES_DAILY).filter(pl.col("ticker").is_in(wanted)).collect()
    actions = lake.scan(CORPORATE_ACTIONS).filter(pl.col("ticker").is_in(wanted)).collect()
    adjusted = adjust_prices(prices, actions)
    inputs = pl.concat(
        [
            row_hashes(prices, ["date", "open", "high", "low", "close", "volume"]),
            # a dividend reaches back to every earlier row
            row_hashes(actions, ["date", "dividend", "split_ratio"], dated=False),
        ]
    )
    report = sync(lake, PRICES_ADJUSTED, adjusted, inputs, validate=_adjusted_gate)
    return AdjustedReport(
        rows=adjusted,
        tickers=sorted(adjusted.get_column("ticker").unique()),
        sync=report,
    )


def _adjusted_gate(rows: pl.DataFrame) -> pl.DataFrame:
    """Adjusted rows come from gated silver rows, so any failure here is systemic."""
    return apply_gate(
        rows,
        PRICES_ADJUSTED_SCHEMA,
        dataset=PRICES_ADJUSTED.name,
        partition_by="date",
        max_bad_fraction=0.0,
    ).valid


def session_facts(lake: Lake, sessions: Sequence[dt.date], tickers: Sequence[str]) -> pl.DataFrame:
    """What the partition checks look at, one row per session: rows stored, duplicate keys,
    universe tickers expected (stored on or before that session) but absent, and when the bars
    were ingested relative to the session close."""
    cal = nyse()
    wanted = pl.Series(list(sessions), dtype=pl.Date).implode()
    stored = (
        lake.scan(PRICES_DAILY)
        .filter(pl.col("date").is_in(wanted))
        .select("ticker", "date", "ingested_at")
        .collect()
    )
    first = (
        lake.scan(PRICES_DAILY)
        .filter(pl.col("ticker").is_in(pl.Series(list(tickers), dtype=pl.String).implode()))
        .group_by("ticker")
        .agg(pl.col("date").min().alias("first_date"))
        .collect()
    )
    rows = []
    by_day = {d: g for (d,), g in stored.group_by("date")}
    for day in sessions:
        got = by_day.get(day, stored.clear())
        present = set(got.get_column("ticker").to_list())
        expected = set(first.filter(pl.col("first_date") <= day).get_column("ticker").to_list())
        rows.append(
            {
                "date": day,
                "rows": got.height,
                "duplicates": got.height - got.select("ticker").n_unique(),
                "expected": len(expected),
                "missing": sorted(expected - present),
                "first_ingested": got.get_column("ingested_at").min(),
                "close": cal.session_close(day),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "date": pl.Date,
            "rows": pl.Int64,
            "duplicates": pl.Int64,
            "expected": pl.Int64,
            "missing": pl.List(pl.String),
            "first_ingested": pl.Datetime("us", "UTC"),
            "close": pl.Datetime("us", "UTC"),
        },
    )
