"""The quality gate: Pandera decides, before anything is written, which rows may be stored.

Bad rows become quarantine rows with their reasons; a systemic failure (wrong schema, or most of
a partition bad) raises GateFailure so the partition is not written at all and nothing downstream
runs on it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandera.errors
import pandera.polars as pa
import polars as pl

from finlake.sources.base import REJECT_SCHEMA

MAX_BAD_FRACTION = 0.5


class GateFailure(RuntimeError):
    """The input is systemically broken; no partition of it may be written.

    `rejected` holds the rows found bad so far, for the quarantine."""

    def __init__(self, message: str, rejected: pl.DataFrame | None = None) -> None:
        super().__init__(message)
        self.rejected = rejected if rejected is not None else pl.DataFrame(schema=REJECT_SCHEMA)


@dataclass
class GateResult:
    valid: pl.DataFrame
    rejected: pl.DataFrame  # REJECT_SCHEMA: dataset, partition, row, reason


REASON = (
    pl.when(pl.col("check") == "multiple_fields_uniqueness")
    .then(pl.lit("duplicate key with different values"))
    .when(pl.col("check") == "not_nullable")
    .then(pl.col("column") + pl.lit(" is null or NaN"))
    .when((pl.col("schema_context") == "Column") & pl.col("column").is_not_null())
    .then(pl.col("column") + pl.lit(": ") + pl.col("check"))
    .otherwise(pl.col("check"))
)


def _rejects(
    rows: pl.DataFrame, dataset: str, partition_by: str | None, reason: pl.Expr
) -> pl.DataFrame:
    partition = (
        pl.col(partition_by).cast(pl.String).fill_null("unknown") if partition_by else pl.lit("all")
    )
    return rows.select(
        pl.lit(dataset).alias("dataset"),
        partition.alias("partition"),
        pl.struct(pl.exclude("__row", "__reason")).struct.json_encode().alias("row"),
        reason.alias("reason"),
    ).cast(REJECT_SCHEMA)  # type: ignore[arg-type]


def apply_gate(
    df: pl.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    dataset: str,
    partition_by: str | None,
    max_bad_fraction: float = MAX_BAD_FRACTION,
    whole_batch: bool = False,
    partitions: Collection[object] | None = None,
) -> GateResult:
    """Split `df` into valid rows and rejects. More than `max_bad_fraction` bad rows in a
    partition (or in the whole batch, for sparse data like filings) is systemic. `partitions`
    are the values of `partition_by` the write covers: a row dated elsewhere (a stray bar on
    a holiday) is rejected on its own and never makes its one-row partition systemic."""
    empty = pl.DataFrame(schema=REJECT_SCHEMA)
    if df.is_empty():
        return GateResult(df, empty)
    first = df.select(pl.struct(pl.all()).is_first_distinct()).to_series()
    exact_dups = _rejects(
        df.filter(~first), dataset, partition_by, pl.lit("exact duplicate of another row")
    )
    df = df.filter(first)
    try:
        schema.validate(df, lazy=True)
        return GateResult(df, exact_dups)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    structural = cases.filter(pl.col("index").is_null())
    if not structural.is_empty():
        details = "; ".join(
            f"{r['column']}: {r['check']} (got {r['failure_case']})" for r in structural.to_dicts()
        )
        raise GateFailure(f"{dataset}: input does not match the contract: {details}", exact_dups)
    reasons = (
        cases.with_columns(REASON.alias("__reason"))
        .group_by("index")
        .agg(pl.col("__reason").unique(maintain_order=True).str.join("; "))
        .rename({"index": "__row"})
        .with_columns(pl.col("__row").cast(pl.UInt32))
    )
    indexed = df.with_row_index("__row")
    bad = indexed.join(reasons, on="__row", how="inner")
    valid = indexed.join(reasons, on="__row", how="anti").drop("__row")
    rejected = pl.concat([exact_dups, _rejects(bad, dataset, partition_by, pl.col("__reason"))])
    scope = None if whole_batch else partition_by
    judged, judged_bad = df, bad
    if partitions is not None and scope is not None:
        inside = pl.col(scope).is_in(pl.Series(list(partitions), dtype=df.schema[scope]).implode())
        judged, judged_bad = df.filter(inside), bad.filter(inside)
    if problem := _systemic(judged, judged_bad, dataset, scope, max_bad_fraction):
        raise GateFailure(problem, rejected)
    return GateResult(valid, rejected)


def _systemic(
    df: pl.DataFrame, bad: pl.DataFrame, dataset: str, partition_by: str | None, limit: float
) -> str | None:
    keys = [partition_by] if partition_by else []
    totals = df.group_by(keys).len("total") if keys else pl.DataFrame({"total": [df.height]})
    counts = bad.group_by(keys).len("bad") if keys else pl.DataFrame({"bad": [bad.height]})
    joined = totals.join(counts, on=keys, how="left") if keys else totals.hstack(counts)
    over = joined.filter(pl.col("bad").fill_null(0) > limit * pl.col("total"))
    if over.is_empty():
        return None
    if keys:
        parts = sorted(str(v) for v in over.get_column(partition_by).to_list())
        where = ", ".join(parts[:10]) + (f" and {len(parts) - 10} more" if len(parts) > 10 else "")
    else:
        where = "all"
    return (
        f"{dataset}: more than {limit:.0%} of the rows are invalid in partition(s) {where}; "
        "refusing to write them (see the quarantine for the rows and reasons)"
    )
