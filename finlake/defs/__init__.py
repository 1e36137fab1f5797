"""finlake's Dagster definitions, one folder per domain (loaded by finlake.definitions)."""

import warnings

import dagster as dg

# Single-run backfills (BackfillPolicy on @asset) are Beta and load-bearing: one run per range
# instead of one per partition. That one known warning is muted; every other Beta or Preview
# warning still shows.
warnings.filterwarnings(
    "ignore", message=r"Parameter `backfill_policy` of function `asset`", category=dg.BetaWarning
)
