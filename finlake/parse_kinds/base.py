"""What a parse kind receives and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class ParseInput:
    body: bytes
    path: Path | None = None  # where the bytes came from (some kinds read identifiers from it)
    accession_number: str | None = None  # the filing wrapping a document (sec-form4)
    filing_date: dt.date | None = None
    series_id: str | None = None  # fred-observations: the series (else from the file name)


@dataclass
class ParseOutput:
    datasets: dict[str, pl.DataFrame]
    rejected: pl.DataFrame  # dataset, partition, row, reason
