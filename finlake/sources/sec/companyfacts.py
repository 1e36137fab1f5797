"""XBRL companyfacts JSON -> one fundamentals row per datapoint (no deduplication).

The same fact repeats across later filings and restatements add rows; `fy`/`fp` describe the
filing, not the period. Choosing a value as of a date is the point-in-time helper's job.
"""

from __future__ import annotations

import datetime as dt

import orjson
import polars as pl

from finlake.datasets import FUNDAMENTALS
from finlake.sources.base import PayloadError
from finlake.sources.sec.urls import cik10


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def parse_companyfacts(body: bytes) -> pl.DataFrame:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(f"companyfacts: malformed JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict):
        raise PayloadError("companyfacts: no facts object")
    try:
        cik = cik10(doc.get("cik"))
    except ValueError as exc:
        raise PayloadError(f"companyfacts: {exc}") from None
    cols: dict[str, list] = {name: [] for name in FUNDAMENTALS.schema}
    for taxonomy, concepts in doc["facts"].items():
        for concept, body_ in (concepts or {}).items():
            for unit, facts in ((body_ or {}).get("units") or {}).items():
                for fact in facts:
                    try:
                        cols["period_start"].append(_date(fact.get("start")))
                        cols["period_end"].append(_date(fact["end"]))
                        cols["filed"].append(_date(fact["filed"]))
                    except (KeyError, ValueError) as exc:
                        raise PayloadError(
                            f"companyfacts {taxonomy}:{concept} [{unit}]: bad fact {fact} ({exc})"
                        ) from None
                    cols["cik"].append(cik)
                    cols["taxonomy"].append(taxonomy)
                    cols["concept"].append(concept)
                    cols["unit"].append(unit)
                    cols["value"].append(fact.get("val"))
                    cols["fiscal_year"].append(fact.get("fy"))
                    cols["fiscal_period"].append(fact.get("fp"))
                    cols["form"].append(fact.get("form"))
                    cols["accession_number"].append(fact.get("accn"))
                    cols["frame"].append(fact.get("frame"))
    frame = pl.DataFrame(
        {k: pl.Series(k, v, dtype=FUNDAMENTALS.schema[k], strict=False) for k, v in cols.items()}
    )
    return frame
