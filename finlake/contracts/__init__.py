"""Every source finlake collects, one contract each (see finlake.contracts.base).

A module of this package that defines a SourceContract at its top level is a source: adding a
module adds the source to Dagster (assets, job, schedules), the catalog's dependencies,
`finlake parse` and the default retention, with no list to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from finlake.contracts.base import SourceContract
from finlake.parse_kinds.base import ParseInput, ParseOutput


def _discover() -> tuple[SourceContract, ...]:
    found: dict[str, SourceContract] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "base"):
        loaded = importlib.import_module(f"{__name__}.{module}")
        for value in vars(loaded).values():
            if isinstance(value, SourceContract):
                if value.group in found and found[value.group] is not value:
                    raise ValueError(f"two contracts name the source {value.group!r}")
                found[value.group] = value
    return tuple(found.values())


SOURCES: tuple[SourceContract, ...] = _discover()


def source(group: str) -> SourceContract:
    for contract in SOURCES:
        if contract.group == group:
            return contract
    raise KeyError(f"no source named {group!r}; one of {', '.join(c.group for c in SOURCES)}")


def _parse_kinds() -> dict[str, Callable[[ParseInput], ParseOutput]]:
    kinds: dict[str, Callable[[ParseInput], ParseOutput]] = {}
    for contract in SOURCES:
        for kind, parse in contract.parse_kinds.items():
            if kind in kinds:
                raise ValueError(f"two sources declare the parse kind {kind!r}")
            kinds[kind] = parse
    return kinds


PARSE_KINDS = _parse_kinds()
DEFAULT_RETENTION_DAYS: dict[str, int] = {
    target: days for contract in SOURCES for target, days in contract.retention.items()
}
