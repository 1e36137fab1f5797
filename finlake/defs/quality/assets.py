"""The quarantine: written by every quality gate, so it is an external asset in Dagster."""

import dagster as dg
import polars as pl

from finlake.datasets import QUARANTINE
from finlake.defs.metadata import column_schema, markdown_preview
from finlake.defs.ownership import owned

QUARANTINE_KEY = dg.AssetKey(["quality", "quarantine"])

quarantine = dg.AssetSpec(
    QUARANTINE_KEY,
    **owned("quality"),
    description=QUARANTINE.description,
    kinds={"parquet"},
    metadata={"dagster/column_schema": column_schema(QUARANTINE)},
)


def log_quarantine(context: dg.AssetExecutionContext, rejected: pl.DataFrame, dataset: str) -> None:
    """Record a gate's verdict on the quarantine asset (also when nothing was rejected)."""
    reasons = (
        rejected.group_by("dataset", "reason").len("rows").sort("rows", descending=True)
        if not rejected.is_empty()
        else rejected.select("dataset", "reason").with_columns(pl.lit(0).alias("rows"))
    )
    context.log_event(
        dg.AssetMaterialization(
            asset_key=QUARANTINE_KEY,
            description=f"{rejected.height} rows rejected by the {dataset} gate",
            metadata={
                "dagster/row_count": dg.MetadataValue.int(rejected.height),
                "gate": dg.MetadataValue.text(dataset),
                "run_partitions": dg.MetadataValue.text(_partition_label(context)),
                "reasons": dg.MetadataValue.md(markdown_preview(reasons, 20)),
                "preview": dg.MetadataValue.md(markdown_preview(rejected)),
            },
        )
    )


def _partition_label(context: dg.AssetExecutionContext) -> str:
    if not context.has_partition_key_range:
        return "-"  # an unpartitioned asset (macro, policy)
    keys = context.partition_keys
    return keys[0] if len(keys) == 1 else f"{keys[0]}...{keys[-1]}"
