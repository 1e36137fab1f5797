"""Checks on macro_observations: one value per real-time day, and series that keep publishing."""

import dagster as dg
import polars as pl

from finlake.datasets import MACRO_OBSERVATIONS
from finlake.defs.macro.assets import MACRO_KEY
from finlake.defs.metadata import markdown_preview
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource
from finlake.sources.fred.payloads import OPEN_END
from finlake.transforms.vintages import overlapping

# A series is stale when its newest vintage is older than this (by FRED frequency word).
MAX_VINTAGE_AGE = {"Daily": 7, "Weekly": 14, "Monthly": 45, "Quarterly": 100}


@dg.asset_check(
    asset=MACRO_KEY,
    blocking=True,
    description=(
        "Point in time: no observation has two values on one real-time day, and each has at "
        "most one current (open-ended) value."
    ),
)
def one_value_per_vintage_day(finlake: FinlakeResource) -> dg.AssetCheckResult:
    rows = (
        finlake.lake()
        .scan(MACRO_OBSERVATIONS)
        .select("series_id", "date", "value", "realtime_start", "realtime_end")
        .collect()
    )
    overlaps = overlapping(rows)
    current = rows.filter(pl.col("realtime_end") == OPEN_END)
    repeated = current.filter(pl.struct("series_id", "date").is_duplicated())
    return dg.AssetCheckResult(
        passed=overlaps.is_empty() and repeated.is_empty(),
        metadata={
            "rows": dg.MetadataValue.int(rows.height),
            "overlapping": dg.MetadataValue.int(overlaps.height),
            "repeated_current": dg.MetadataValue.int(repeated.height),
            "examples": dg.MetadataValue.md(markdown_preview(pl.concat([overlaps, repeated]), 20)),
        },
    )


@dg.asset_check(
    asset=MACRO_KEY,
    description="Every configured series is stored and published a vintage recently enough "
    "for its frequency (daily 7 days, weekly 14, monthly 45, quarterly 100).",
)
def series_are_current(finlake: FinlakeResource) -> dg.AssetCheckResult:
    today = finlake.now().date()
    latest = (
        finlake.lake()
        .scan(MACRO_OBSERVATIONS)
        .group_by("series_id")
        .agg(pl.col("frequency").first(), pl.col("realtime_start").max().alias("last_vintage"))
        .collect()
    )
    wanted = pl.DataFrame({"series_id": list(finlake.fred_series())})
    status = wanted.join(latest, on="series_id", how="left").with_columns(
        (pl.lit(today) - pl.col("last_vintage")).dt.total_days().alias("age_days"),
        pl.col("frequency")
        .str.extract(r"^(\w+)")
        .replace_strict(MAX_VINTAGE_AGE, default=400)
        .alias("max_age_days"),
    )
    stale = status.filter(
        pl.col("last_vintage").is_null() | (pl.col("age_days") > pl.col("max_age_days"))
    )
    return dg.AssetCheckResult(
        passed=stale.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "series": dg.MetadataValue.int(status.height),
            "stale": dg.MetadataValue.md(markdown_preview(stale, 30)),
            "as_of": dg.MetadataValue.text(today.isoformat()),
        },
    )


macro_quarantined = nothing_quarantined(MACRO_KEY, MACRO_OBSERVATIONS.name)
