"""Who answers for each asset group, shown as owners and tags in the Dagster UI (and selectable:
`tag:domain=sec`)."""

from __future__ import annotations

from finlake.contracts import SOURCES

OWNERS = {  # the groups no source contract names (each contract names its own owner)
    "indicators": "team:market-data",
    "staging": "team:analytics",
    "marts": "team:analytics",
    "catalog": "team:platform",
    "quality": "team:platform",
}


def owner(group: str) -> str:
    for contract in SOURCES:
        if contract.group == group:
            return contract.owner
    return OWNERS[group]


def owned(group: str) -> dict:
    """The group, its owner and a `domain` tag, to splat into an asset or asset spec."""
    return {"group_name": group, "owners": [owner(group)], "tags": {"domain": group}}
