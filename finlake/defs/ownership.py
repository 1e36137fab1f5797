"""Who answers for each asset group, shown as owners and tags in the Dagster UI (and selectable:
`tag:domain=sec`)."""

from __future__ import annotations

OWNERS = {
    "prices": "team:market-data",
    "indicators": "team:market-data",
    "sec": "team:filings",
    "news": "team:news",
    "macro": "team:macro",
    "policy": "team:macro",
    "staging": "team:analytics",
    "marts": "team:analytics",
    "catalog": "team:platform",
    "quality": "team:platform",
}


def owned(group: str) -> dict:
    """The group, its owner and a `domain` tag, to splat into an asset or asset spec."""
    return {"group_name": group, "owners": [OWNERS[group]], "tags": {"domain": group}}
