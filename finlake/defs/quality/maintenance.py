"""Lake maintenance: compact small files, vacuum files no recent version needs, checkpoint logs."""

import dagster as dg

from finlake.defs.metadata import markdown_preview
from finlake.defs.quality.applying import applying_daily
from finlake.defs.resources import FinlakeResource
from finlake.maintenance import DEFAULT_RETENTION_HOURS, maintain


class MaintenanceConfig(dg.Config):
    dry_run: bool = True  # report what would be done; the daily schedule sets False
    retention_hours: int = DEFAULT_RETENTION_HOURS  # versions this recent stay readable


@dg.op(description="Compact, vacuum and checkpoint every dataset's Delta table.")
def maintain_tables(
    context: dg.OpExecutionContext, config: MaintenanceConfig, finlake: FinlakeResource
) -> None:
    report = maintain(
        finlake.lake(), dry_run=config.dry_run, retention_hours=config.retention_hours
    )
    verb = "would" if config.dry_run else "did"
    for row in report.filter(
        (report["files_compacted_away"] > 0) | (report["vacuum_files"] > 0)
    ).iter_rows(named=True):
        context.log.info(
            f"{row['layer']}/{row['dataset']}: {verb} compact {row['files_compacted_away']} "
            f"files in {row['partitions_compacted']} partitions and vacuum "
            f"{row['vacuum_files']} files"
        )
    context.log_event(
        dg.AssetObservation(
            asset_key=dg.AssetKey(["quality", "lake_maintenance"]),
            metadata={
                "dry_run": dg.MetadataValue.bool(config.dry_run),
                "retention_hours": dg.MetadataValue.int(config.retention_hours),
                "tables": dg.MetadataValue.int(report.height),
                "files_compacted_away": dg.MetadataValue.int(
                    int(report["files_compacted_away"].sum())
                ),
                "files_vacuumed": dg.MetadataValue.int(int(report["vacuum_files"].sum())),
                "bytes_vacuumed": dg.MetadataValue.int(int(report["vacuum_bytes"].sum())),
                "checkpoints": dg.MetadataValue.int(int(report["checkpointed"].sum())),
                "report": dg.MetadataValue.md(markdown_preview(report, 50)),
            },
        )
    )


@dg.job(description="Lake maintenance; launch with dry_run: false to change the tables.")
def lake_maintenance() -> None:
    maintain_tables()


lake_maintenance_daily = applying_daily(
    "lake_maintenance_daily",
    lake_maintenance,
    "maintain_tables",
    "0 4 * * *",
    "04:00 UTC, after retention: compact, vacuum and checkpoint the lake's tables.",
)
