"""The SGML header of an EDGAR submission ({accession}.hdr.sgml).

Its <ACCEPTANCE-DATETIME> is the authoritative acceptance time, in US/Eastern, unlike the
submissions JSON field that is labelled UTC but for some filers holds New York wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from finlake.calendar import NY
from finlake.sources.base import PayloadError

ACCEPTANCE = re.compile(rb"<ACCEPTANCE-DATETIME>\s*(\d{14})")
FIELD = re.compile(rb"^\s*([A-Z][A-Z \-]+?):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SgmlHeader:
    accession_number: str | None
    form: str | None
    accepted_at: dt.datetime  # aware, UTC
    filed: dt.date | None


def parse_sgml_header(body: bytes) -> SgmlHeader:
    match = ACCEPTANCE.search(body)
    if not match:
        raise PayloadError("SGML header has no <ACCEPTANCE-DATETIME>")
    local = dt.datetime.strptime(match.group(1).decode(), "%Y%m%d%H%M%S").replace(tzinfo=NY)
    fields: dict[str, str] = {}
    for key, value in FIELD.findall(body[:20000]):
        fields.setdefault(key.decode().strip(), value.decode("latin-1").strip())
    filed = fields.get("FILED AS OF DATE")
    return SgmlHeader(
        accession_number=fields.get("ACCESSION NUMBER"),
        form=fields.get("CONFORMED SUBMISSION TYPE"),
        accepted_at=local.astimezone(dt.UTC),
        filed=dt.datetime.strptime(filed, "%Y%m%d").date() if filed else None,
    )
