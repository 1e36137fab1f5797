"""What the catalog defines besides dataset views and models: the derived views and table macros
(SQL files in dbt_like_sql/catalog/, beside the models), finlake's reference tables, and SQL
quoting. A leaf module: the catalog and the models both read it, neither through the other.

The SQL ships inside the wheel (finlake/dbt_like_sql/, see pyproject.toml), so an installed
finlake has it; in a checkout it is read from the repository's dbt_like_sql/.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl

from finlake.calendar import NY, REGULAR_CLOSE, nyse
from finlake.sources.fred.releases import RELEASE_TIMES_ET

_PACKAGED = Path(__file__).resolve().parent / "dbt_like_sql"
_CHECKOUT = Path(__file__).resolve().parents[1] / "dbt_like_sql"
_SIGNATURE = re.compile(r"^--\s*signature:\s*(\w+\(\s*\w+(?:\s*,\s*\w+)*\s*\))\s*$", re.M)
REFERENCE_TABLES = ("nyse_sessions", "macro_release_times")


def sql_dir() -> Path:
    """finlake's own SQL: the copy in the installed package, else the checkout's."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def derived_views() -> dict[str, str]:
    """View name -> SELECT, from catalog/views/<name>.sql."""
    return {p.stem: p.read_text() for p in sorted((sql_dir() / "catalog" / "views").glob("*.sql"))}


@functools.cache
def table_macros() -> dict[str, str]:
    """Signature ("macro_asof(as_of)") -> SELECT, from catalog/macros/<name>.sql, whose header
    line `-- signature: name(params)` names the parameters."""
    macros = {}
    for path in sorted((sql_dir() / "catalog" / "macros").glob("*.sql")):
        text = path.read_text()
        match = _SIGNATURE.search(text)
        if match is None or not match[1].startswith(f"{path.stem}("):
            raise ValueError(f"{path}: needs a `-- signature: {path.stem}(...)` line")
        macros[match[1]] = text
    return macros


def reference_tables() -> dict[str, pl.DataFrame]:
    """Tables from finlake's own reference data (not the lake): the NYSE sessions with their
    real closes, and when each FRED series' vintages become public. The SQL models cut every
    as-of at these closes."""
    cal = nyse()
    utc = pl.Datetime("us", "UTC")
    sessions = pl.DataFrame(
        {"date": cal.sessions, "open_at": cal.opens, "close_at": cal.closes},
        schema={"date": pl.Date, "open_at": utc, "close_at": utc},
    ).with_columns(
        (pl.col("close_at").dt.convert_time_zone(NY.key).dt.time() != REGULAR_CLOSE).alias(
            "early_close"
        )
    )
    releases = pl.DataFrame(
        list(RELEASE_TIMES_ET.items()),
        schema={"series_id": pl.String, "released_et": pl.Time},
        orient="row",
    )
    return dict(zip(REFERENCE_TABLES, (sessions, releases), strict=True))
