"""Macro: the source's assets come from its contract (finlake.contracts.macro)."""

from finlake.contracts.macro import MACRO
from finlake.datasets import MACRO_OBSERVATIONS
from finlake.defs.sources import bronze_key, silver_keys

GROUP = MACRO.group
FRED_BRONZE_KEY = bronze_key(MACRO)
MACRO_KEY = silver_keys(MACRO)[MACRO_OBSERVATIONS.name]
