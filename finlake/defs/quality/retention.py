"""Retention cleanup: removes rows past each dataset's configured age; dry-run by default."""

import dagster as dg

from finlake.catalog import Catalog
from finlake.defs.metadata import markdown_preview
from finlake.defs.quality.applying import applying_daily
from finlake.defs.resources import FinlakeResource
from finlake.retention import apply_retention


class RetentionConfig(dg.Config):
    dry_run: bool = True  # list what would be removed; the daily schedule sets False


@dg.op(
    description="Apply FinlakeResource.retention_days (default: 365 days of news) to the lake.",
)
def cleanup(
    context: dg.OpExecutionContext, config: RetentionConfig, finlake: FinlakeResource
) -> None:
    plan = apply_retention(
        finlake.lake(), finlake.retention_days, finlake.now(), dry_run=config.dry_run
    )
    verb = "would remove" if config.dry_run else "removed"
    rows = int(plan.get_column("rows_removed").sum()) if plan.height else 0
    context.log.info(f"retention {verb} {rows} rows in {plan.height} files")
    for line in plan.iter_rows(named=True):
        context.log.info(
            f"{verb} {line['rows_removed']} rows of {line['target']} in {line['file']} "
            f"({line['oldest_removed']} .. {line['newest_removed']}, kept {line['rows_kept']})"
        )
    if not config.dry_run and plan.height:
        Catalog(finlake.settings().home).build()  # views must not point at removed files
    context.log_event(
        dg.AssetObservation(
            asset_key=dg.AssetKey(["quality", "retention"]),
            metadata={
                "dry_run": dg.MetadataValue.bool(config.dry_run),
                "rows_removed": dg.MetadataValue.int(rows),
                "files": dg.MetadataValue.int(plan.height),
                "plan": dg.MetadataValue.md(markdown_preview(plan, 50)),
            },
        )
    )


@dg.job(description="Retention cleanup; launch with dry_run: false to delete.")
def retention_job() -> None:
    cleanup()


retention_daily = applying_daily(
    "retention_daily",
    retention_job,
    "cleanup",
    "30 3 * * *",
    "03:30 UTC: remove what the retention policy no longer keeps.",
)
