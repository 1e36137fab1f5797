"""Declarative automation, on by default.

Whole-history assets (prices_adjusted, the catalog) are eager: after any upstream partition is
written — by a schedule, a sensor or a backfill launched in the UI — they are brought up to date.
"""

import dagster as dg

automation = dg.AutomationConditionSensorDefinition(
    "finlake_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
)
