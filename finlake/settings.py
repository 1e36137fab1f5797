"""Where finlake keeps its data (the home) and where its bytes come from (the source mode).

Sample and live data never share a home: each source has its own default home, and a home
remembers the source it was created for, so pointing a live run at a sample home (or the demo at
a live one) is refused instead of silently mixing the two.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from finlake.universe import Security, load_universe

Source = Literal["sample", "live"]
SOURCES: tuple[Source, ...] = ("sample", "live")
MARKER = "finlake-home.json"


class HomeMismatchError(RuntimeError):
    """A home created for one source mode was opened in the other."""


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
    def lake_dir(self) -> Path:
        return self.home / "lake"

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
        if marker.exists():
            recorded = json.loads(marker.read_text(encoding="utf-8")).get("source")
            if recorded != self.source:
                raise HomeMismatchError(
                    f"{self.home} holds {recorded} data; refusing to use it for {self.source} "
                    f"data. Point FINLAKE_HOME (or --home) at another directory."
                )
        else:
            marker.write_text(json.dumps({"source": self.source}) + "\n", encoding="utf-8")
        return self.home
