"""Code references in the Dagster UI ("open source" on an asset), where each asset is defined.

Dagster's code-reference API is Beta; its warnings are muted only around these calls. A
hand-written asset points at its own function (`@referenced`); an asset built from a source
contract points at the contract's fetch or build step, which is the code a reader wants, not the
factory that wrapped it.
"""

import inspect
import warnings
from collections.abc import Callable
from pathlib import Path

import dagster as dg


def referenced(asset: dg.AssetsDefinition) -> dg.AssetsDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        (out,) = dg.with_source_code_references([asset])
    return out


def references_to(*functions: Callable) -> dict[str, dg.CodeReferencesMetadataValue]:
    """Asset metadata pointing at `functions` (file and first line)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return {
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[
                    dg.LocalFileCodeReference(
                        file_path=str(Path(inspect.getsourcefile(f) or "").resolve()),
                        line_number=inspect.getsourcelines(f)[1],
                        label=f"{f.__module__}.{f.__qualname__}",
                    )
                    for f in functions
                ]
            )
        }
