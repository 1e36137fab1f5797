"""FRED's JSON answers -> canonical frames: observations (plain or ALFRED), series, vintage dates.

One parser for both modes: live bytes from api.stlouisfed.org and the sample world's bytes are
read by the same functions. FRED reports errors as JSON (`error_code`, `error_message`), at times
with HTTP 200; a 429 inside the body is rate limiting and worth a retry.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence

import orjson
import polars as pl

from finlake.sources.base import PayloadError, RetryableSourceError, SourceError

SERIES_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,29}$")
SERIES_ENV = "FINLAKE_MACRO_SERIES"
# What the product needs: policy rates, labour, prices, output, the curve, risk, FX, money.
DEFAULT_SERIES: tuple[str, ...] = (
    "DFF", "FEDFUNDS", "UNRATE", "CPIAUCSL", "CPILFESL", "PCEPILFE", "GDP", "GDPC1",
    "A191RL1Q225SBEA", "DGS3MO", "DGS2", "DGS10", "T10Y2Y", "T10Y3M", "VIXCLS", "DEXUSEU",
    "ICSA", "INDPRO", "UMCSENT", "M2SL",
)  # fmt: skip
OPEN_END = dt.date(9999, 12, 31)  # ALFRED's "still current" real-time end
MAX_VINTAGES = 2000  # ALFRED refuses a request whose real-time window spans more vintage dates
OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "series_id": pl.String,
    "date": pl.Date,
    "value": pl.Float64,
    "realtime_start": pl.Date,
    "realtime_end": pl.Date,
}


class InvalidSeriesError(ValueError):
    """A series id that is not safe to put in a URL, a path or SQL."""


class VintageCapError(SourceError):
    """The request's real-time window spans more than ALFRED's 2,000 vintage dates."""


def validate_series_id(series_id: object) -> str:
    if not isinstance(series_id, str) or not SERIES_ID.fullmatch(series_id):
        raise InvalidSeriesError(
            f"invalid FRED series id {series_id!r}: expected upper-case letters, digits and "
            "underscores (pattern ^[A-Z0-9][A-Z0-9_]{0,29}$)"
        )
    return series_id


def macro_series(
    configured: Sequence[str] | None = None, env: Mapping[str, str] = os.environ
) -> tuple[str, ...]:
    """The series to keep: `configured`, else $FINLAKE_MACRO_SERIES (comma-separated), else the
    defaults; every id validated."""
    if configured is None:
        text = env.get(SERIES_ENV, "").strip()
        configured = [s.strip() for s in text.split(",") if s.strip()] or DEFAULT_SERIES
    return tuple(dict.fromkeys(validate_series_id(s) for s in configured))


def fred_error(body: bytes, status: int) -> SourceError | None:
    """The error a FRED answer carries (in its status or its JSON body), else None."""
    doc = _load(body) if body[:1] == b"{" else None
    code = doc.get("error_code") if isinstance(doc, dict) else None
    message = str(doc.get("error_message", "")) if isinstance(doc, dict) else ""
    code = code or (status if status >= 400 else None)
    if code is None:
        return None
    text = f"FRED answered {code}: {message or body[:200].decode('utf-8', 'replace')}"
    if code == 429 or code >= 500:
        return RetryableSourceError(text)
    if "maximum number of vintage dates" in message:
        return VintageCapError(text)
    return SourceError(text)


def _load(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"not FRED JSON: {exc}") from None


def _document(body: bytes, key: str, status: int = 200) -> dict:
    if (problem := fred_error(body, status)) is not None:
        raise problem
    doc = _load(body)
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise PayloadError(f"FRED JSON without a {key!r} list")
    return doc


def _date(text: object, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise PayloadError(f"FRED {what} {text!r} is not a YYYY-MM-DD date") from None


def parse_observations(body: bytes, series_id: str) -> pl.DataFrame:
    """`series/observations` JSON (any real-time window, output_type 1 or 4) -> one row per
    (date, real-time interval); FRED's "." (missing) becomes null."""
    series_id = validate_series_id(series_id)
    doc = _document(body, "observations")
    rows = doc["observations"]
    try:
        values = [None if r["value"] == "." else r["value"] for r in rows]
        frame = pl.DataFrame(
            {
                "series_id": [series_id] * len(rows),
                "date": [r["date"] for r in rows],
                "value": values,
                "realtime_start": [r["realtime_start"] for r in rows],
                "realtime_end": [r["realtime_end"] for r in rows],
            },
            schema={k: pl.String for k in OBSERVATION_SCHEMA},
        )
    except (KeyError, TypeError) as exc:
        raise PayloadError(f"FRED observation without {exc}") from None
    parsed = frame.with_columns(
        pl.col("date", "realtime_start", "realtime_end").str.to_date("%Y-%m-%d", strict=False),
        pl.col("value").cast(pl.Float64, strict=False),
    )
    bad = (
        parsed.select(
            pl.any_horizontal(pl.col("date", "realtime_start", "realtime_end").is_null())
        ).to_series()
        | (parsed["value"].is_null() & frame["value"].is_not_null())
        | ~parsed["value"].is_finite().fill_null(True)
    )
    if bad.any():
        raise PayloadError(f"{series_id}: unreadable observation {rows[bad.arg_true()[0]]}")
    return parsed


def parse_series(body: bytes) -> dict[str, str]:
    """`series` JSON -> id, title, units, frequency (and the rest of FRED's fields)."""
    doc = _document(body, "seriess")
    if len(doc["seriess"]) != 1 or not isinstance(doc["seriess"][0], dict):
        raise PayloadError("FRED series JSON should describe exactly one series")
    info = {k: str(v) for k, v in doc["seriess"][0].items()}
    missing = {"id", "title", "units", "frequency"} - set(info)
    if missing:
        raise PayloadError(f"FRED series JSON without {sorted(missing)}")
    return info


def parse_vintage_dates(body: bytes) -> list[dt.date]:
    """`series/vintagedates` JSON -> the dates the series was published or revised."""
    doc = _document(body, "vintage_dates")
    return sorted(_date(d, "vintage date") for d in doc["vintage_dates"])


def vintage_windows(
    vintages: list[dt.date], cap: int = MAX_VINTAGES
) -> list[tuple[dt.date, dt.date]]:
    """Real-time windows [start, end] that each span at most `cap` vintage dates and together
    cover from the first vintage to the open end."""
    if not vintages:
        return []
    out = []
    for i in range(0, len(vintages), cap):
        nxt = i + cap
        end = vintages[nxt] - dt.timedelta(days=1) if nxt < len(vintages) else OPEN_END
        out.append((vintages[i], end))
    return out
