"""Which step failures Dagster retries: only those a later attempt can fix.

The fetch assets carry RetryPolicies for rate limits, 5xx answers and dropped connections. A
missing API key, a host that does not resolve, a bad universe or a broken payload fails the same
way on every attempt: retrying it only delays the error by minutes, so such a failure is raised
as a Dagster Failure that is not retried, with the error's own message (it names the ticker,
series, feed or URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg


@contextmanager
def retried_only_if_transient() -> Iterator[None]:
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        if getattr(exc, "retryable", False):
            raise
        raise dg.Failure(f"{type(exc).__name__}: {exc}", allow_retries=False) from exc
