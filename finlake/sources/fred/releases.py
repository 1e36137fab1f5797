"""When in the day a FRED vintage becomes public, per series: the source agency's release clock.

ALFRED dates a vintage by day only. A vintage dated D is public from D at its release time, so
it belongs to D's features only if that time is before D's close: an 08:30 BLS release is known
at a 13:00 early close, the Board's H.15 rates posted at 16:15 are not known at any close of
their day. A series without a known release clock counts from the end of its day (the next
session), so nothing is assumed known early.
"""

from __future__ import annotations

import datetime as dt

from finlake.calendar import NY

_AT_0830 = dt.time(8, 30)  # BLS (CPI, employment), BEA (GDP, PCE), DOL (claims)
_H15 = dt.time(16, 15)  # the Board's H.15 selected interest rates, posted daily at 4:15 p.m.
RELEASE_TIMES_ET: dict[str, dt.time] = {
    **dict.fromkeys(
        ("UNRATE", "CPIAUCSL", "CPILFESL", "PCEPILFE", "GDP", "GDPC1", "A191RL1Q225SBEA", "ICSA"),
        _AT_0830,
    ),
    "INDPRO": dt.time(9, 15),  # G.17 industrial production
    "UMCSENT": dt.time(10, 0),  # University of Michigan, final reading
    "M2SL": dt.time(13, 0),  # H.6 money stock
    **dict.fromkeys(
        ("DFF", "FEDFUNDS", "DGS3MO", "DGS2", "DGS10", "T10Y2Y", "T10Y3M", "DEXUSEU", "VIXCLS"),
        _H15,  # H.15 / H.10 rates and the VIX close: after any close of their day
    ),
}
END_OF_DAY = dt.time(23, 59)  # series without a known clock


def release_time(series_id: str) -> dt.time:
    return RELEASE_TIMES_ET.get(series_id, END_OF_DAY)


def vintage_day(series_id: str, session: dt.date, close: dt.datetime) -> dt.date:
    """The vintage date in force at `close` on `session`: the session's own vintages if the
    series is released before the close, else the previous day's."""
    released = dt.datetime.combine(session, release_time(series_id), NY)
    return session if released < close else session - dt.timedelta(days=1)
