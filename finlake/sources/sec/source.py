"""One run's access to EDGAR: fetch through a transport, keep what came back for bronze.

Mutable payloads (ticker files, indexes, submissions, companyfacts) are recorded and written as
one bronze batch per run. Archive documents (SGML headers, primary documents, Form 4 XML) never
change once filed, so they are stored as files in the bronze archive tree and served from there
ever after: each is fetched at most once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import polars as pl

from finlake.lake import RAW_SCHEMA, Lake
from finlake.sources.base import SourceError
from finlake.sources.sec import urls
from finlake.sources.sec.client import SecTransport

BRONZE_SOURCE = "sec"  # per-day payloads: indexes, submissions, companyfacts
TICKERS_SOURCE = "sec_tickers"  # the weekly ticker-file snapshots
ARCHIVE_SOURCE = "sec_archives"


def archive_file(lake: Lake, cik: str, accession: str, document: str) -> str:
    """Where an archive document lives: bronze/sec_archives/<cik>/<accession digits>/<name>."""
    return lake.archive_path(
        ARCHIVE_SOURCE, str(int(cik)), accession.replace("-", ""), urls.document_name(document)
    )


class SecSource:
    def __init__(
        self,
        transport: SecTransport,
        lake: Lake,
        *,
        run_id: str = "",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.transport = transport
        self.lake = lake
        self.run_id = run_id
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.recorded: list[dict] = []
        self.archive_hits = 0
        self.archive_fetches = 0

    def payload(self, kind: str, key: str, url: str, *, missing_ok: bool = False) -> bytes | None:
        """GET a mutable resource and record it for bronze; None for a 404 when allowed."""
        exchange = self.transport.get(url)
        if exchange.status == 404:
            if missing_ok:
                return None
            raise SourceError(f"SEC has no {kind} at {url} (HTTP 404)")
        self.recorded.append(
            {
                "kind": kind,
                "key": key,
                "url": url,
                "fetched_at": self.clock(),
                "run_id": self.run_id,
                "status": exchange.status,
                "sha256": hashlib.sha256(exchange.body).hexdigest(),
                "body": exchange.body,
            }
        )
        return exchange.body

    def archive(self, cik: str, accession: str, document: str) -> bytes | None:
        """An immutable archive document: from the archive tree, or fetched once and kept."""
        path = archive_file(self.lake, cik, accession, document)
        if (kept := self.lake.read_archive(path)) is not None:
            self.archive_hits += 1
            return kept
        url = (
            urls.sgml_header(cik, accession)
            if document == f"{accession}.hdr.sgml"
            else urls.archive_document(cik, accession, document)
        )
        exchange = self.transport.get(url)
        if exchange.status == 404:
            return None
        self.archive_fetches += 1
        self.lake.write_archive(path, exchange.body)
        return exchange.body

    def flush(self, window: tuple[dt.date, dt.date], bronze: str = BRONZE_SOURCE) -> str | None:
        """Write the recorded payloads as one bronze batch (partitioned by the window's end)."""
        if not self.recorded:
            return None
        batch = pl.DataFrame(
            [
                {**row, "source": bronze, "window_start": window[0], "window_end": window[1]}
                for row in self.recorded
            ]
        )
        path = self.lake.write_bronze(bronze, window[1].isoformat(), batch, RAW_SCHEMA)
        self.recorded = []
        return path
