"""SEC ownership documents (Forms 3, 4, 5 and their /A amendments) as Polars frames.

EDGAR publishes every insider filing since 2003 as an `<ownershipDocument>` XML (schemas X0306,
X0407, X0508, X0609). One document yields two frames: `transactions` (what changed hands, one row
per `nonDerivativeTransaction` / `derivativeTransaction`) and `holdings` (positions reported
without a transaction, mainly Form 3 initial statements). Every row repeats the filing's identity
(accession, issuer, first reporting owner) so frames concatenate across filings without joins.

The parser is strict where a silent error would corrupt analysis (no issuer CIK, a transaction
without a date, malformed numbers: `PayloadError`) and lenient where EDGAR filings legitimately vary
(namespaces or none, values given only as footnotes, empty elements, commas in numbers, dates with a
timezone suffix). It does no I/O; callers hand it the bytes of the XML document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET
import polars as pl
from defusedxml import DefusedXmlException

from finlake.sources.base import PayloadError
from finlake.sources.sec.urls import cik10

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

TRANSACTION_SCHEMA: dict[str, pl.DataType] = {
    "accession_number": pl.String(),
    "filing_date": pl.Date(),
    "form": pl.String(),
    "transaction_index": pl.Int32(),
    "issuer_cik": pl.String(),
    "issuer_ticker": pl.String(),
    "owner_cik": pl.String(),
    "owner_name": pl.String(),
    "joint_owner_ciks": pl.List(pl.String()),
    "is_director": pl.Boolean(),
    "is_officer": pl.Boolean(),
    "is_ten_percent_owner": pl.Boolean(),
    "officer_title": pl.String(),
    "transaction_date": pl.Date(),
    "security_title": pl.String(),
    "is_derivative": pl.Boolean(),
    "transaction_code": pl.String(),
    "shares": pl.Float64(),
    "price_per_share": pl.Float64(),
    "acquired_disposed": pl.String(),
    "shares_owned_after": pl.Float64(),
    "direct_indirect": pl.String(),
    "is_10b5_1": pl.Boolean(),
    "footnotes": pl.String(),
    "conversion_or_exercise_price": pl.Float64(),
    "exercise_date": pl.Date(),
    "expiration_date": pl.Date(),
    "underlying_security_title": pl.String(),
    "underlying_shares": pl.Float64(),
}

HOLDING_SCHEMA: dict[str, pl.DataType] = {
    "accession_number": pl.String(),
    "filing_date": pl.Date(),
    "form": pl.String(),
    "issuer_cik": pl.String(),
    "issuer_ticker": pl.String(),
    "owner_cik": pl.String(),
    "owner_name": pl.String(),
    "holding_index": pl.Int32(),
    "security_title": pl.String(),
    "is_derivative": pl.Boolean(),
    "shares_owned": pl.Float64(),
    "direct_indirect": pl.String(),
    "nature_of_ownership": pl.String(),
    "footnotes": pl.String(),
}

# Filers spell the rule many ways ("10b5-1", "10b-5-1", "10b5 1", "10b5–1(c)"); the digit guards
# keep e.g. "110b5-10" from matching.
_RULE_10B5_1 = re.compile(r"(?<!\d)10\s*b\s*[-–—]?\s*5\s*[-–—\s]\s*1(?!\d)", re.IGNORECASE)
_TRUE = frozenset({"1", "true"})
_FOOTNOTE_SEPARATOR = " | "


@dataclass(frozen=True)
class Ownership:
    """One parsed ownership document: its header and its two row sets."""

    document_type: str
    schema_version: str | None
    period_of_report: dt.date | None
    issuer_cik: str
    issuer_ticker: str | None
    transactions: pl.DataFrame
    holdings: pl.DataFrame


@dataclass(frozen=True)
class _Owner:
    cik: str
    name: str | None
    is_director: bool
    is_officer: bool
    is_ten_percent_owner: bool
    officer_title: str | None


def parse_ownership(
    xml: bytes, *, accession_number: str, filing_date: dt.date | None = None
) -> Ownership:
    """Parse one `<ownershipDocument>` into header fields plus transaction and holding frames.

    `accession_number` and `filing_date` are not in the XML itself (they belong to the EDGAR
    filing that wraps it), so the caller passes them and they are stamped on every row.
    """
    return _Parser(accession_number).parse(xml, filing_date)


class _Parser:
    """Holds the accession number so every error message can name the filing it came from."""

    def __init__(self, accession_number: str) -> None:
        self.accession = accession_number

    def error(self, message: str) -> PayloadError:
        return PayloadError(f"ownership document {self.accession}: {message}")

    def parse(self, xml: bytes, filing_date: dt.date | None) -> Ownership:
        root = self.root(xml)
        document_type = _value(root, "documentType")
        if document_type is None:
            raise self.error("no documentType")
        issuer_cik = self.cik(_value(root, "issuer", "issuerCik"), "issuer")
        ticker = _value(root, "issuer", "issuerTradingSymbol")
        issuer_ticker = ticker.upper() if ticker else None
        owners = [self.owner(el) for el in _children(root, "reportingOwner")]
        if not owners:
            raise self.error("no reportingOwner")
        first = owners[0]
        footnotes = _footnote_texts(root)
        document_10b5_1 = _flag(_value(root, "aff10b5One"))
        header: dict[str, object] = {
            "accession_number": self.accession,
            "filing_date": filing_date,
            "form": document_type,
            "issuer_cik": issuer_cik,
            "issuer_ticker": issuer_ticker,
            "owner_cik": first.cik,
            "owner_name": first.name,
        }
        owner_columns: dict[str, object] = {
            "joint_owner_ciks": [o.cik for o in owners[1:]],
            "is_director": first.is_director,
            "is_officer": first.is_officer,
            "is_ten_percent_owner": first.is_ten_percent_owner,
            "officer_title": first.officer_title,
        }
        transactions = [
            self.transaction(el, i, header, owner_columns, footnotes, document_10b5_1)
            for i, el in enumerate(
                chain(
                    _descendants(root, "nonDerivativeTransaction"),
                    _descendants(root, "derivativeTransaction"),
                )
            )
        ]
        holdings = [
            self.holding(el, i, header, footnotes)
            for i, el in enumerate(
                chain(
                    _descendants(root, "nonDerivativeHolding"),
                    _descendants(root, "derivativeHolding"),
                )
            )
        ]
        return Ownership(
            document_type=document_type,
            schema_version=_value(root, "schemaVersion"),
            period_of_report=self.date(_value(root, "periodOfReport"), "periodOfReport"),
            issuer_cik=issuer_cik,
            issuer_ticker=issuer_ticker,
            transactions=_frame(transactions, TRANSACTION_SCHEMA),
            holdings=_frame(holdings, HOLDING_SCHEMA),
        )

    def root(self, xml: bytes) -> Element:
        # Documents cut out of a full-submission .txt often start with a newline, which would
        # put the XML declaration out of place; leading whitespace carries no meaning.
        try:
            root = SafeET.fromstring(xml.lstrip())
        except (SafeET.ParseError, DefusedXmlException) as exc:
            raise self.error(f"malformed XML ({exc})") from exc
        if _local(root.tag) != "ownershipDocument":
            raise self.error(f"root element is <{_local(root.tag)}>, not <ownershipDocument>")
        return root

    def owner(self, el: Element) -> _Owner:
        rel = _child(el, "reportingOwnerRelationship")
        return _Owner(
            cik=self.cik(_value(el, "reportingOwnerId", "rptOwnerCik"), "reporting owner"),
            name=_value(el, "reportingOwnerId", "rptOwnerName"),
            is_director=_flag(_value(rel, "isDirector")),
            is_officer=_flag(_value(rel, "isOfficer")),
            is_ten_percent_owner=_flag(_value(rel, "isTenPercentOwner")),
            officer_title=_value(rel, "officerTitle"),
        )

    def transaction(
        self,
        el: Element,
        index: int,
        header: dict[str, object],
        owner_columns: dict[str, object],
        footnotes: dict[str, str],
        document_10b5_1: bool,
    ) -> dict[str, object]:
        derivative = _local(el.tag) == "derivativeTransaction"
        where = f"transaction {index} (<{_local(el.tag)}>)"
        date = self.date(_value(el, "transactionDate"), f"{where} transactionDate")
        if date is None:
            raise self.error(f"{where} has no transaction date")
        notes = _referenced_footnotes(el, footnotes)
        mentions_plan = any(_RULE_10B5_1.search(text) for text in notes)

        def number(*path: str) -> float | None:
            return self.number(_value(el, *path), f"{where} {'/'.join(path)}")

        def day(*path: str) -> dt.date | None:
            return self.date(_value(el, *path), f"{where} {'/'.join(path)}")

        row: dict[str, object] = {
            **header,
            "transaction_index": index,
            **owner_columns,
            "transaction_date": date,
            "security_title": _value(el, "securityTitle"),
            "is_derivative": derivative,
            "transaction_code": _value(el, "transactionCoding", "transactionCode"),
            "shares": number("transactionAmounts", "transactionShares"),
            "price_per_share": number("transactionAmounts", "transactionPricePerShare"),
            "acquired_disposed": _value(
                el, "transactionAmounts", "transactionAcquiredDisposedCode"
            ),
            "shares_owned_after": number(
                "postTransactionAmounts", "sharesOwnedFollowingTransaction"
            ),
            "direct_indirect": _value(el, "ownershipNature", "directOrIndirectOwnership"),
            "is_10b5_1": document_10b5_1 or mentions_plan,
            "footnotes": _FOOTNOTE_SEPARATOR.join(notes) or None,
            "conversion_or_exercise_price": None,
            "exercise_date": None,
            "expiration_date": None,
            "underlying_security_title": None,
            "underlying_shares": None,
        }
        if derivative:
            row["conversion_or_exercise_price"] = number("conversionOrExercisePrice")
            row["exercise_date"] = day("exerciseDate")
            row["expiration_date"] = day("expirationDate")
            row["underlying_security_title"] = _value(
                el, "underlyingSecurity", "underlyingSecurityTitle"
            )
            row["underlying_shares"] = number("underlyingSecurity", "underlyingSecurityShares")
        return row

    def holding(
        self, el: Element, index: int, header: dict[str, object], footnotes: dict[str, str]
    ) -> dict[str, object]:
        derivative = _local(el.tag) == "derivativeHolding"
        where = f"holding {index} (<{_local(el.tag)}>)"
        shares = self.number(
            _value(el, "postTransactionAmounts", "sharesOwnedFollowingTransaction"),
            f"{where} sharesOwnedFollowingTransaction",
        )
        if shares is None and derivative:
            # Form 3 option grants usually state the position only as underlying shares.
            shares = self.number(
                _value(el, "underlyingSecurity", "underlyingSecurityShares"),
                f"{where} underlyingSecurityShares",
            )
        notes = _referenced_footnotes(el, footnotes)
        return {
            **header,
            "holding_index": index,
            "security_title": _value(el, "securityTitle"),
            "is_derivative": derivative,
            "shares_owned": shares,
            "direct_indirect": _value(el, "ownershipNature", "directOrIndirectOwnership"),
            "nature_of_ownership": _value(el, "ownershipNature", "natureOfOwnership"),
            "footnotes": _FOOTNOTE_SEPARATOR.join(notes) or None,
        }

    def cik(self, text: str | None, whose: str) -> str:
        if text is None:
            raise self.error(f"no {whose} CIK")
        try:
            return cik10(text)
        except ValueError as exc:
            raise self.error(f"invalid {whose} CIK {text!r}") from exc

    def number(self, text: str | None, field: str) -> float | None:
        """A decimal as filed; thousands separators are tolerated, anything else is an error
        because a wrong share count is worse than a failed filing."""
        if text is None:
            return None
        try:
            return float(text.replace(",", ""))
        except ValueError as exc:
            raise self.error(f"{field}: not a number {text!r}") from exc

    def date(self, text: str | None, field: str) -> dt.date | None:
        """A YYYY-MM-DD date; some filings append a UTC offset ("2020-10-09-05:00"), dropped."""
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError as exc:
            raise self.error(f"{field}: not a date {text!r}") from exc


def _local(tag: object) -> str:
    """An element's name without its namespace, so namespaced and bare documents parse alike."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else [c for c in el if _local(c.tag) == name]


def _descendants(el: Element, name: str) -> Iterator[Element]:
    """Document-order matches anywhere below `el`: a row is never lost to unexpected nesting."""
    return (e for e in el.iter() if _local(e.tag) == name)


def _child(el: Element | None, *path: str) -> Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _clean(text: str | None) -> str | None:
    """Whitespace-normalized text, with empty meaning absent."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def _value(el: Element | None, *path: str) -> str | None:
    """The text at `path`: its `<value>` child when wrapped (most fields), else its own text
    (e.g. `transactionCode`, `issuerCik`). A footnote-only field yields None."""
    node = _child(el, *path)
    if node is None:
        return None
    wrapped = _child(node, "value")
    return _clean(wrapped.text if wrapped is not None else node.text)


def _flag(text: str | None) -> bool:
    return text is not None and text.lower() in _TRUE


def _footnote_texts(root: Element) -> dict[str, str]:
    texts: dict[str, str] = {}
    for block in _children(root, "footnotes"):
        for note in _children(block, "footnote"):
            key = (note.get("id") or "").strip()
            text = _clean("".join(note.itertext()))
            if key and text:
                texts[key] = text
    return texts


def _referenced_footnotes(el: Element, texts: dict[str, str]) -> list[str]:
    """Texts of the footnotes cited anywhere inside `el`, in order of first citation. A citation
    of an id the document does not define carries no text and is skipped."""
    ids = dict.fromkeys((ref.get("id") or "").strip() for ref in _descendants(el, "footnoteId"))
    return list(dict.fromkeys(texts[i] for i in ids if i in texts))


def _frame(rows: list[dict[str, object]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame({name: [row[name] for row in rows] for name in schema}, schema=schema)
