"""Housekeeping jobs run dry by default; their daily schedule is what applies them."""

import dagster as dg


def applying_daily(
    name: str, job: dg.JobDefinition, op: str, cron: str, description: str
) -> dg.ScheduleDefinition:
    """A schedule running `job` daily at `cron` (UTC) with its op's `dry_run` set False."""
    return dg.ScheduleDefinition(
        name=name,
        job=job,
        cron_schedule=cron,
        execution_timezone="UTC",
        run_config={"ops": {op: {"config": {"dry_run": False}}}},
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )
