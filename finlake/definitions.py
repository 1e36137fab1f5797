"""The Dagster code location `finlake`: everything under finlake/defs plus the finlake resource."""

from pathlib import Path

import dagster as dg

from finlake.defs.resources import FinlakeResource


def build_defs(finlake: FinlakeResource | None = None) -> dg.Definitions:
    """All definitions; `finlake` replaces the resource resolved from the environment."""
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(resources={"finlake": finlake or FinlakeResource.from_env()}),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs()
