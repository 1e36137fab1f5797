"""`nothing_quarantined`: a check on every gated dataset that reports what its gate rejected.

A run whose gate rejected rows still succeeds (the good rows are stored), so without this a
rejected revision of a stored bar, a truncated feed or a stray holiday bar would leave the run
green and every check passing. The check fails (WARN) when the run quarantined rows of its
dataset and says how many were revisions of stored rows, which were kept. It judges the run
that materialized the asset, so it is not partitioned: a range backfill costs one evaluation.
"""

import dagster as dg
import polars as pl

from finlake.datasets import QUARANTINE
from finlake.defs.metadata import markdown_preview
from finlake.defs.resources import FinlakeResource

NAME = "nothing_quarantined"


def nothing_quarantined(asset_key: dg.AssetKey, dataset: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name=NAME,
        description=(
            f"The run's gate rejected no {dataset} row (a rejected revision of a stored row "
            "keeps the stored row; the quarantine shows both)."
        ),
    )
    def check(context: dg.AssetCheckExecutionContext, finlake: FinlakeResource):
        rows = (
            finlake.lake()
            .scan(QUARANTINE)
            .filter((pl.col("dataset") == dataset) & (pl.col("run_id") == context.run.run_id))
            .collect()
        )
        revisions = rows.filter(pl.col("stored_row").is_not_null())
        reasons = rows.group_by("reason").len("rows").sort("rows", descending=True)
        return dg.AssetCheckResult(
            passed=rows.is_empty(),
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                f"{rows.height} rows quarantined, {revisions.height} of them revisions of "
                "stored rows (kept)"
                if rows.height
                else "nothing quarantined"
            ),
            metadata={
                "quarantined_rows": dg.MetadataValue.int(rows.height),
                "rejected_revisions": dg.MetadataValue.int(revisions.height),
                "partitions": dg.MetadataValue.int(rows.get_column("partition").n_unique()),
                "reasons": dg.MetadataValue.md(markdown_preview(reasons, 20)),
                "preview": dg.MetadataValue.md(
                    markdown_preview(rows.select("partition", "reason", "row", "stored_row"))
                ),
            },
        )

    return check
