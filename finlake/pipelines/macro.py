"""Macro as plain functions: FRED/ALFRED -> bronze -> macro_observations with every vintage.

A fetch asks each series only for what is new: the real-time window starts at the last vintage
already stored (re-reading that vintage is harmless), split into windows of at most 2,000
vintage dates (ALFRED's cap). Every answer is kept in bronze as received. Silver folds the bronze
batches it has not applied yet, in the order they were fetched, into the stored intervals
(`finlake.transforms.vintages.merge_vintages`), so a re-run or a rebuild gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from finlake.datasets import MACRO_OBSERVATIONS
from finlake.gate import GateFailure, apply_gate
from finlake.lake import RAW_SCHEMA, Lake, raw_row
from finlake.pipelines.batches import APPLIED_FILE, finish_batches, partition, pending_batches
from finlake.schemas.macro import MACRO_OBSERVATIONS_SCHEMA
from finlake.sources.base import (
    REJECT_SCHEMA,
    HttpExchange,
    PayloadError,
    SourceError,
    stops_the_fetch,
)
from finlake.sources.fred.client import FredTransport
from finlake.sources.fred.payloads import (
    OPEN_END,
    fred_error,
    parse_observations,
    parse_series,
    parse_vintage_dates,
    validate_series_id,
    vintage_windows,
)
from finlake.transforms.vintages import merge_vintages

BRONZE_SOURCE = "fred"
FIRST_REALTIME = dt.date(1776, 7, 4)  # ALFRED's "from the beginning"
CORE = ["series_id", "date", "value", "realtime_start", "realtime_end"]


def last_vintages(lake: Lake) -> dict[str, dt.date]:
    """The newest vintage stored per series: where the next fetch starts."""
    if not lake.has_data(MACRO_OBSERVATIONS):
        return {}
    rows = (
        lake.scan(MACRO_OBSERVATIONS)
        .group_by("series_id")
        .agg(pl.col("realtime_start").max())
        .collect()
    )
    return dict(rows.iter_rows())


# --------------------------------------------------------------------------- fetch
@dataclass
class MacroFetchReport:
    requests: int = 0
    new_vintages: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)  # series_id, error
    path: Path | None = None


def _checked(exchange: HttpExchange) -> HttpExchange:
    if (problem := fred_error(exchange.body, exchange.status)) is not None:
        raise problem
    return exchange


def fetch_macro(
    transport: FredTransport,
    lake: Lake,
    series: Sequence[str],
    *,
    clock: dt.datetime,
    run_id: str,
) -> MacroFetchReport:
    """Fetch every series' vintages since its last stored one into one bronze batch. A series
    that fails (after the transport's retries) is reported and skipped; the fetch fails only
    when every series failed."""
    report = MacroFetchReport()
    last = last_vintages(lake)
    rows: list[dict] = []

    def row(kind: str, sid: str, exchange: HttpExchange, start: dt.date, end: dt.date) -> dict:
        window = (start, end)
        status, body = exchange.status, exchange.body
        return raw_row(BRONZE_SOURCE, kind, sid, exchange.url, window, clock, run_id, status, body)

    retryable = False
    for sid in (validate_series_id(s) for s in series):
        since = last.get(sid, FIRST_REALTIME)
        try:
            dates = _checked(
                transport.get(
                    "series/vintagedates",
                    {"series_id": sid, "realtime_start": since.isoformat(), "file_type": "json"},
                )
            )
            report.requests += 1
            vintages = parse_vintage_dates(dates.body)
            if sid in last and all(v <= since for v in vintages):
                report.unchanged.append(sid)
                continue
            info = _checked(transport.get("series", {"series_id": sid, "file_type": "json"}))
            report.requests += 1
            batch = [row("vintagedates", sid, dates, since, OPEN_END)]
            batch.append(row("series", sid, info, since, OPEN_END))
            for start, end in vintage_windows([v for v in vintages if v >= since]):
                params = {
                    "series_id": sid,
                    "realtime_start": start.isoformat(),
                    "realtime_end": end.isoformat(),
                    "file_type": "json",
                }
                exchange = _checked(transport.get("series/observations", params))
                report.requests += 1
                batch.append(row("observations", sid, exchange, start, end))
        except (SourceError, PayloadError) as exc:
            if stops_the_fetch(exc):  # no key, or no network: every other series fails alike
                raise
            report.failures.append({"series_id": sid, "error": str(exc)})
            retryable = retryable or exc.retryable
            continue
        rows.extend(batch)
        report.new_vintages[sid] = sum(sid not in last or v > since for v in vintages)
    if series and report.failures and len(report.failures) == len(series):
        error = SourceError(f"every FRED series failed: {report.failures[:3]}")
        error.retryable = retryable
        raise error
    if rows:
        report.path = lake.write_bronze(
            BRONZE_SOURCE, clock.date().isoformat(), pl.DataFrame(rows), RAW_SCHEMA
        )
    return report


# --------------------------------------------------------------------------- silver
@dataclass
class MacroSilverReport:
    batches: int
    series: list[str]  # held after the run (updated or re-checked)
    changed: list[str]  # series whose stored rows changed
    rejected: pl.DataFrame
    failed: list[str]


def _fold_series(stored: pl.DataFrame, payloads: pl.DataFrame, sid: str) -> pl.DataFrame:
    """One series' payloads of one batch applied to its stored rows."""
    info_rows = payloads.filter(pl.col("kind") == "series")
    if info_rows.height != 1:
        raise PayloadError(f"{sid}: the batch holds {info_rows.height} series descriptions")
    info = parse_series(info_rows.get_column("body")[0])
    if info["id"] != sid:
        raise PayloadError(f"{sid}: the series description is for {info['id']}")
    windows = payloads.filter(pl.col("kind") == "observations").sort("window_start")
    starts, ends = windows.get_column("window_start"), windows.get_column("window_end")
    if windows.is_empty() or ends[-1] != OPEN_END:
        raise PayloadError(f"{sid}: the batch does not reach the current vintage")
    if any(starts[i + 1] != ends[i] + dt.timedelta(days=1) for i in range(windows.height - 1)):
        raise PayloadError(f"{sid}: the real-time windows of the batch leave gaps")
    fetched = pl.concat([parse_observations(b, sid) for b in windows.get_column("body")])
    merged = merge_vintages(stored.select(CORE), fetched, starts[0])
    fetched_at = windows.get_column("fetched_at")[0]
    keep = stored.select([*CORE, "fetched_at"])
    merged = merged.join(keep, on=CORE, how="left", nulls_equal=True).with_columns(
        pl.col("fetched_at").fill_null(fetched_at),
        pl.lit(info["units"]).alias("units"),
        pl.lit(info["frequency"]).alias("frequency"),
        pl.lit(info["title"]).alias("title"),
    )
    return MACRO_OBSERVATIONS.conform(merged)


def _reject(sid: str, part: str, reason: str) -> pl.DataFrame:
    row = {
        "dataset": MACRO_OBSERVATIONS.name,
        "partition": part,
        "row": orjson.dumps({"series_id": sid}).decode(),
        "reason": reason,
    }
    return pl.DataFrame([row], schema=REJECT_SCHEMA)


def build_macro_silver(lake: Lake, *, run_id: str, rebuild: bool = False) -> MacroSilverReport:
    """Apply the bronze batches not applied yet (all of them with `rebuild`), oldest first.
    Without the record of applied batches (a first run, or a file set aside) all are refolded."""
    rebuild = rebuild or lake.read_sidecar(MACRO_OBSERVATIONS, APPLIED_FILE) is None
    pending = pending_batches(lake, MACRO_OBSERVATIONS, BRONZE_SOURCE, rebuild=rebuild)
    current: dict[str, pl.DataFrame] = {}
    if not rebuild and lake.has_data(MACRO_OBSERVATIONS):
        sids = pending.index.get_column("key").unique().to_list()
        stored = lake.scan(MACRO_OBSERVATIONS).filter(pl.col("series_id").is_in(sids)).collect()
        current = {k[0]: v for k, v in stored.partition_by("series_id", as_dict=True).items()}
    rejected: list[pl.DataFrame] = []
    failed: set[str] = set()
    for file in pending.files:
        batch = pending.batch(lake, file)
        for (sid,), payloads in sorted(batch.partition_by("key", as_dict=True).items()):
            stored = current.get(sid, MACRO_OBSERVATIONS.empty())
            try:
                folded = _fold_series(stored, payloads, sid)
                gate = apply_gate(
                    folded,
                    MACRO_OBSERVATIONS_SCHEMA,
                    dataset=MACRO_OBSERVATIONS.name,
                    partition_by="series_id",
                    max_bad_fraction=0.0,
                    whole_batch=True,
                )
            except PayloadError as exc:
                rejected.append(_reject(sid, partition(file), f"payload: {exc}"))
                failed.add(sid)
                continue
            except GateFailure as exc:
                rejected.append(
                    exc.rejected if exc.rejected.height else _reject(sid, partition(file), str(exc))
                )
                failed.add(sid)
                continue
            current[sid] = gate.valid
    updated = sorted(current)
    changed: list = []
    if updated:
        scope = pl.DataFrame({"series_id": updated})
        if rebuild and lake.has_data(MACRO_OBSERVATIONS):
            stored_ids = lake.scan(MACRO_OBSERVATIONS).select("series_id").unique().collect()
            scope = pl.concat([scope, stored_ids]).unique()
        changed = lake.merge(MACRO_OBSERVATIONS, pl.concat(current.values()), scope)
    rejects = pl.concat(rejected) if rejected else pl.DataFrame(schema=REJECT_SCHEMA)
    finish_batches(lake, MACRO_OBSERVATIONS, pending, rejects, run_id)
    return MacroSilverReport(
        len(pending.files), updated, sorted(set(changed)), rejects, sorted(failed)
    )
