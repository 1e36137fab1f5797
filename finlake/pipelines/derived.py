"""Keep a derived, whole-history dataset in step with its inputs without rewriting all of it.

Derived datasets (prices_adjusted, indicators_daily) are recomputed over each ticker's full
history in memory: cheap, and the only way recursive values (EMAs, adjustment factors) stay exact
whatever order partitions were built in. What gets written is limited by a per-ticker fingerprint
of the inputs the stored rows were computed from:

- the fingerprint still matches: stored rows are valid, only new rows are merged;
- it does not (a new dividend, a split restatement, a late revision): every stored row of the
  ticker is rewritten from the fresh computation.

Inputs are (ticker, date, h) rows with a row hash; a stored row dated d depends on the inputs
dated <= d, and inputs with a null date (e.g. corporate actions, which reach back in time)
affect every row. The state lives beside the dataset in `_state.parquet`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

import polars as pl

from finlake.datasets import Dataset
from finlake.lake import DERIVED_STATE, Lake

STATE_FILE = DERIVED_STATE
STATE_SCHEMA = {"ticker": pl.String, "through": pl.Date, "fingerprint": pl.UInt64}


@dataclass
class SyncReport:
    changed_dates: list[dt.date]  # dates whose stored rows changed
    rewritten: list[str]  # tickers whose whole stored history was recomputed
    rows_written: int


def row_hashes(frame: pl.DataFrame, columns: list[str], *, dated: bool = True) -> pl.DataFrame:
    """(ticker, date, h) input rows for a fingerprint; `dated=False` makes them affect all rows."""
    date = pl.col("date") if dated else pl.lit(None, dtype=pl.Date)
    return frame.select("ticker", date.alias("date"), pl.struct(columns).hash(seed=7).alias("h"))


def _fingerprints(inputs: pl.DataFrame, through: pl.DataFrame) -> pl.DataFrame:
    """XOR of the input hashes that rows up to `through` depend on, per ticker."""
    return (
        inputs.join(through, on="ticker", how="inner")
        .filter(pl.col("date").is_null() | (pl.col("date") <= pl.col("through")))
        .group_by("ticker")
        .agg(pl.col("h").bitwise_xor().alias("fingerprint"))
    )


def read_state(lake: Lake, ds: Dataset) -> pl.DataFrame:
    lake.files(ds)  # a damaged file is set aside first, and this state with it
    state = lake.read_sidecar(ds, STATE_FILE)
    return state if state is not None else pl.DataFrame(schema=STATE_SCHEMA)


def sync(
    lake: Lake,
    ds: Dataset,
    computed: pl.DataFrame,
    inputs: pl.DataFrame,
    dates: Collection[dt.date] | None = None,
    validate: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> SyncReport:
    """Merge the rows of `computed` that may differ from what is stored.

    `dates` limits new rows to those sessions (a partitioned run); None means every row. Stored
    rows of a ticker whose inputs changed are always rewritten (or removed if no longer
    computed). `validate` (a quality gate) sees exactly the rows about to be written and
    returns the ones to write, or raises to stop the write."""
    state = read_state(lake, ds)
    tickers = computed.select("ticker").unique()
    check = state.join(
        _fingerprints(inputs, state.select("ticker", "through")).rename({"fingerprint": "now"}),
        on="ticker",
        how="left",
    )
    valid = check.filter(pl.col("now") == pl.col("fingerprint")).select("ticker", "through")
    # tickers not computed this time (e.g. left the universe) keep their rows untouched
    stale = check.join(valid, on="ticker", how="anti").join(tickers, on="ticker", how="semi")
    stale = stale.select("ticker")
    in_dates = (
        pl.col("date").is_in(pl.Series(list(dates), dtype=pl.Date).implode())
        if dates is not None
        else pl.lit(True)
    )
    keys = computed.select("ticker", "date")
    if dates is not None:  # the requested sessions, whatever was written before
        fresh = keys.filter(in_dates)
    else:  # everything after what is known to be stored and valid
        fresh = (
            keys.join(valid, on="ticker", how="left")
            .filter(pl.col("through").is_null() | (pl.col("date") > pl.col("through")))
            .select("ticker", "date")
        )
    stored_stale = (
        lake.scan(ds)
        .filter(pl.col("ticker").is_in(stale.get_column("ticker").implode()))
        .select("ticker", "date")
        .collect()
    )
    redo = pl.concat([keys.join(stale, on="ticker", how="semi").filter(in_dates), stored_stale])
    scope = pl.concat([fresh, redo]).unique()
    rows = computed.join(scope, on=["ticker", "date"], how="semi")
    if validate is not None:
        rows = validate(rows)
    changed = lake.merge(ds, rows, scope) if not scope.is_empty() else []

    written = (
        scope.join(tickers, on="ticker", how="semi")
        .group_by("ticker")
        .agg(pl.col("date").max().alias("written"))
    )
    through = written.join(valid, on="ticker", how="left").select(
        "ticker", pl.max_horizontal("written", "through").alias("through")
    )
    update = through.join(_fingerprints(inputs, through), on="ticker", how="left").with_columns(
        pl.col("fingerprint").fill_null(0)
    )
    new_state = pl.concat(
        [state.join(update, on="ticker", how="anti"), update.select(list(STATE_SCHEMA))]
    ).sort("ticker")
    lake.write_sidecar(ds, STATE_FILE, new_state.cast(STATE_SCHEMA))  # type: ignore[arg-type]
    return SyncReport(
        changed_dates=changed,
        rewritten=sorted(stale.get_column("ticker")),
        rows_written=rows.height,
    )
