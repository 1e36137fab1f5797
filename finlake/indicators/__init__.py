"""Technical indicators on daily bars, exact to TA-Lib, computed per ticker over its full history.

    from finlake.indicators import compute_indicators
    compute_indicators(bars)   # bars: ticker, date, open, high, low, close, volume (any order)

Windows count bars, not calendar days: if a ticker has no bar for a session (a halt, a gap in the
data), its windows simply span more calendar time; nothing is filled in. Null or NaN prices and
volumes, non-positive prices and duplicate (ticker, date) rows are rejected with a ValueError
naming them, since TA-Lib semantics would let one NaN silently poison every later value.
"""

from finlake.indicators.columns import COLUMNS, FLOAT_COLUMNS, TALIB_COLUMNS, WARMUP
from finlake.indicators.compute import compute_indicators, warm_up

__all__ = ["COLUMNS", "FLOAT_COLUMNS", "TALIB_COLUMNS", "WARMUP", "compute_indicators", "warm_up"]
