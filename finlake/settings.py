"""Where finlake keeps its data (the home) and where its bytes come from (the source mode).

Sample and live data never share a home: each source has its own default home, and a home
remembers the source it was created for, so pointing a live run at a sample home (or the demo at
a live one) is refused instead of silently mixing the two.

The lake is `<home>/lake` unless FINLAKE_LAKE_URI puts it elsewhere (s3://bucket/prefix, or
another directory). A home remembers its lake too: a notebook pointed at the home reads the lake
it was built with, and a different FINLAKE_LAKE_URI for it is refused, never a silently empty
lake.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from finlake.storage import LAKE_URI_ENV, check_lake_uri
from finlake.universe import Security, load_universe

Source = Literal["sample", "live"]
SOURCES: tuple[Source, ...] = ("sample", "live")
MARKER = "finlake-home.json"


class HomeMismatchError(RuntimeError):
    """A home created for one source mode was opened in the other."""


def _recorded(home: Path) -> dict:
    marker = home / MARKER
    return json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else {}


def lake_location(home: Path, env: Mapping[str, str] = os.environ) -> str:
    """The home's lake: FINLAKE_LAKE_URI, else the lake its marker records, else <home>/lake.
    A FINLAKE_LAKE_URI other than the recorded one is a HomeMismatchError."""
    default = str(home / "lake")
    recorded = _recorded(home).get("lake") or default
    configured = env.get(LAKE_URI_ENV, "").strip()
    if not configured:
        return recorded
    configured = check_lake_uri(configured)
    if configured != recorded and (home / MARKER).is_file():
        raise HomeMismatchError(
            f"{home} keeps its lake at {recorded}, not {LAKE_URI_ENV}={configured}: unset it or "
            "point FINLAKE_HOME (or --home) at another directory"
        )
    return configured


class HomeNotFoundError(FileNotFoundError):
    """A directory asked for as a home is not one (a mistyped FINLAKE_HOME or home=...)."""


def is_home(path: Path) -> bool:
    return (path / MARKER).is_file() or (path / "lake").is_dir()


def require_home(home: Path) -> Path:
    """`home` if it is a finlake home; reading never creates one, so anything else is an error
    that names the path and the homes that do exist."""
    if is_home(home):
        return home
    known = [str(p) for p in (default_home(s) for s in SOURCES) if is_home(p) and p != home]
    hint = f"; homes on this machine: {', '.join(known)}" if known else ""
    raise HomeNotFoundError(
        f"{home} is not a finlake home (no {MARKER} or lake/ in it): check FINLAKE_HOME, "
        f"--home or connect(home=...), or build one with `uv run finlake demo --home {home}`"
        f"{hint}"
    )


HOME_ENV, SOURCE_ENV = "FINLAKE_HOME", "FINLAKE_SOURCE"


def default_home(source: Source) -> Path:
    """~/.finlake/demo for sample data, ~/.finlake/live for live data."""
    return Path.home() / ".finlake" / ("demo" if source == "sample" else "live")


def resolve_source(env: Mapping[str, str] = os.environ) -> Source:
    source = env.get(SOURCE_ENV, "sample").strip().lower() or "sample"
    if source not in SOURCES:
        raise ValueError(f"FINLAKE_SOURCE must be 'sample' or 'live', not {source!r}")
    return source  # type: ignore[return-value]


def resolve_home(env: Mapping[str, str] = os.environ, source: Source | None = None) -> Path:
    """$FINLAKE_HOME if set, else the default home of the source mode."""
    if raw := env.get(HOME_ENV, "").strip():
        return Path(raw).expanduser().resolve()
    return default_home(source or resolve_source(env))


def home_path(home: str | Path | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """The home given (a path or a string), else $FINLAKE_HOME or the source's default."""
    return Path(home).expanduser().resolve() if home else resolve_home(env)


@dataclass(frozen=True)
class Settings:
    home: Path
    source: Source
    universe: tuple[Security, ...]

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be 'sample' or 'live', not {self.source!r}")

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] = os.environ,
        *,
        home: str | Path | None = None,
        source: Source | None = None,
    ) -> Settings:
        source = source or resolve_source(env)
        path = Path(home).expanduser().resolve() if home else resolve_home(env, source)
        return cls(home=path, source=source, universe=load_universe(env))

    @property
    def tickers(self) -> tuple[str, ...]:
        return tuple(s.ticker for s in self.universe)

    @property
    def lake_location(self) -> str:
        """A local directory or s3://bucket/prefix (see `lake_location`)."""
        return lake_location(self.home)

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog" / "finlake.duckdb"

    @property
    def dagster_dir(self) -> Path:
        return self.home / "dagster"

    def ensure_home(self) -> Path:
        """Create the home if needed and check it belongs to this source mode."""
        self.home.mkdir(parents=True, exist_ok=True)
        marker = self.home / MARKER
        lake = self.lake_location  # a lake other than the recorded one is refused here
        if marker.exists():
            recorded = _recorded(self.home).get("source")
            if recorded != self.source:
                raise HomeMismatchError(
                    f"{self.home} holds {recorded} data; refusing to use it for {self.source} "
                    f"data. Point FINLAKE_HOME (or --home) at another directory."
                )
        else:
            record = {"source": self.source}
            if lake != str(self.home / "lake"):  # the default follows the home if it moves
                record["lake"] = lake
            marker.write_text(json.dumps(record) + "\n", encoding="utf-8")
        return self.home
