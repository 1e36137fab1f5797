"""Partitioned checks record a result for every partition of their run.

A check's AssetCheckResult is stored by Dagster against the run's partition key, and a range run
(single-run backfill) has none: the result lands on no partition, the planned row of every
partition in the range stays PLANNED, and once the run ends the UI shows them all "Skipped".
In a range run the check therefore reports one AssetCheckEvaluation per partition, each pointing
at that partition's latest materialization (which the UI compares to decide the result is
current), plus the check's own output that an AssetCheckResult would have produced. The run's
metadata goes on the range's last partition and on failing ones; the others name the range and
where the details are (each evaluation is an event: a two-year range is hundreds of them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import dagster as dg
import polars as pl

# Not exported by `dagster`; the only way to tell Dagster which materialization a partition's
# evaluation checked (without it the UI treats the result as stale and shows the partition missing).
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData as TargetMaterialization,
)

CheckEvents = Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation | dg.Output]
PAGE = 1000


def per_partition(
    context: dg.AssetCheckExecutionContext,
    result: dg.AssetCheckResult,
    failed: Collection[str] | None = None,
) -> CheckEvents:
    """Yield `result` for a one-partition run, else one evaluation per partition of the run.

    `failed`, when given, names the partitions that failed (the others passed); without it
    every partition gets the run's verdict."""
    if not context.has_partition_key_range or context.has_partition_key:
        yield result
        return
    (spec,) = context.check_specs
    keys = list(context.partition_keys)
    targets = _latest_materializations(context.instance, spec.asset_key, keys)
    span = {"run_partitions": dg.MetadataValue.text(_span(keys))}
    full = {**result.metadata, **span}
    brief = {**span, "details_on": dg.MetadataValue.text(keys[-1])}
    yield dg.Output(None, output_name=context.op_def.output_defs[0].name)
    for key in keys:
        passed = result.passed if failed is None else key not in failed
        yield dg.AssetCheckEvaluation(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=passed,
            metadata=full if key == keys[-1] or not passed else brief,
            severity=result.severity,
            description=result.description,
            blocking=spec.blocking,
            partition=key,
            target_materialization_data=targets.get(key),
        )


def _latest_materializations(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, keys: list[str]
) -> dict[str, TargetMaterialization]:
    """The latest materialization of each partition, newest first, in pages of PAGE records."""
    found: dict[str, TargetMaterialization] = {}
    records_filter = dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=keys)
    cursor = None
    while len(found) < len(keys):
        page = instance.fetch_materializations(records_filter, limit=PAGE, cursor=cursor)
        for record in page.records:
            if record.partition_key is not None and record.partition_key not in found:
                found[record.partition_key] = TargetMaterialization(
                    storage_id=record.storage_id,
                    run_id=record.run_id,
                    timestamp=record.timestamp,
                )
        if not page.has_more:
            break
        cursor = page.cursor
    return found


def dates_of(failing: pl.DataFrame, column: str = "date") -> set[str]:
    """The partition keys (YYYY-MM-DD) of a frame of failing sessions."""
    return {day.isoformat() for day in failing.get_column(column).to_list()}


def _span(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]} ({len(keys)} partitions)"
