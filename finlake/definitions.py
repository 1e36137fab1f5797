"""The Dagster code location `finlake`: everything under finlake/defs, with code references."""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

from finlake.defs.resources import FinlakeResource


def build_defs(finlake: FinlakeResource | None = None) -> dg.Definitions:
    """All definitions; `finlake` replaces the resource resolved from the environment."""
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    resources = dict(loaded.resources or {})
    if finlake is not None:
        resources["finlake"] = finlake
    with warnings.catch_warnings():  # code references are Beta; nothing else is muted
        warnings.simplefilter("ignore", dg.BetaWarning)
        assets = dg.with_source_code_references(list(loaded.assets or []))
    return dg.Definitions(
        assets=assets,
        asset_checks=loaded.asset_checks,
        jobs=loaded.jobs,
        schedules=loaded.schedules,
        sensors=loaded.sensors,
        resources=resources,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs()
