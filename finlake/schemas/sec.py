"""Quality gates of the SEC datasets: identifiers, EDGAR business days, non-negative amounts."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from finlake.calendar import SEC_STAFF_FORMS, edgar
from finlake.datasets import (
    FILING_TEXT,
    FUNDAMENTALS,
    INSIDER_HOLDINGS,
    INSIDER_TRANSACTIONS,
    SEC_COMPANIES,
    SEC_FILINGS,
)
from finlake.schemas import contract_schema, is_finite, valid_ticker

TRANSACTION_CODES = tuple("PSVAGDFIMCEHOXLWZJKU")


def cik_check() -> pa.Check:
    return pa.Check.str_matches(r"^\d{10}$", error="CIK is not 10 digits")


def accession_check() -> pa.Check:
    return pa.Check.str_matches(
        r"^\d{10}-\d{2}-\d{6}$", error="accession is not 0000000000-00-000000"
    )


def _business_day(column: str) -> pl.Expr:
    closed = pl.Series(sorted(edgar().closed), dtype=pl.Date).implode()
    return (pl.col(column).dt.weekday() <= 5) & ~pl.col(column).is_in(closed)


def business_day() -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(_business_day(data.key)),
        name="edgar_business_day",
        error="not an EDGAR business day",
    )


def filed_on_business_day() -> pa.Check:
    """filing_date is an EDGAR business day, unless SEC staff filed it (see SEC_STAFF_FORMS)."""
    return pa.Check(
        lambda data: data.lazyframe.select(
            _business_day("filing_date") | pl.col("form").is_in(list(SEC_STAFF_FORMS))
        ),
        name="filing_date: not an EDGAR business day",
        error="filing_date is not an EDGAR business day",
    )


SEC_COMPANIES_SCHEMA = contract_schema(
    SEC_COMPANIES,
    checks={"cik": [cik_check()], "ticker": [valid_ticker()]},
    nullable=["exchange"],
    unique=["cik", "ticker"],
)

SEC_FILINGS_SCHEMA = contract_schema(
    SEC_FILINGS,
    checks={
        "cik": [cik_check()],
        "accession_number": [accession_check()],
        "form": [pa.Check.str_length(min_value=1, error="empty form")],
        "size": [pa.Check.ge(0, error="must be >= 0")],
    },
    nullable=[
        "report_date",
        "acceptance_datetime",
        "primary_document",
        "document_url",
        "size",
        "acceptance_source",
    ],
    unique=["cik", "accession_number"],  # a filing can concern two companies (filer, subject)
    frame_checks=[filed_on_business_day()],
)

_OWNER = {
    "accession_number": [accession_check()],
    "filing_date": [business_day()],
    "issuer_cik": [cik_check()],
    "owner_cik": [cik_check()],
    "direct_indirect": [pa.Check.isin(["D", "I"], error="must be D or I")],
}

INSIDER_TRANSACTIONS_SCHEMA = contract_schema(
    INSIDER_TRANSACTIONS,
    checks={
        **_OWNER,
        "shares": [pa.Check.gt(0, error="shares must be > 0"), is_finite()],
        "price_per_share": [pa.Check.ge(0, error="price must be >= 0"), is_finite()],
        "transaction_code": [pa.Check.isin(TRANSACTION_CODES, error="unknown transaction code")],
        "acquired_disposed": [pa.Check.isin(["A", "D"], error="must be A or D")],
        "shares_owned_after": [pa.Check.ge(0, error="must be >= 0")],
    },
    nullable=[
        "issuer_ticker",
        "officer_title",
        "price_per_share",
        "shares_owned_after",
        "footnotes",
        "conversion_or_exercise_price",
        "exercise_date",
        "expiration_date",
        "underlying_security_title",
        "underlying_shares",
        "direct_indirect",
        "acquired_disposed",
    ],
    unique=["accession_number", "transaction_index"],
)

INSIDER_HOLDINGS_SCHEMA = contract_schema(
    INSIDER_HOLDINGS,
    checks={**_OWNER, "shares_owned": [pa.Check.ge(0, error="must be >= 0")]},
    nullable=[
        "issuer_ticker",
        "shares_owned",
        "direct_indirect",
        "nature_of_ownership",
        "footnotes",
    ],
    unique=["accession_number", "holding_index"],
)

FUNDAMENTALS_SCHEMA = contract_schema(
    FUNDAMENTALS,
    checks={
        "cik": [cik_check()],
        "accession_number": [accession_check()],
        "value": [is_finite()],
    },
    nullable=["period_start", "fiscal_year", "fiscal_period", "form", "frame"],
)

FILING_TEXT_SCHEMA = contract_schema(
    FILING_TEXT,
    checks={
        "cik": [cik_check()],
        "accession_number": [accession_check()],
        "text": [pa.Check.str_length(min_value=1, error="empty chunk")],
        "filing_date": [business_day()],
    },
    nullable=["section"],
    unique=["accession_number", "chunk_index"],
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    SEC_COMPANIES.name: SEC_COMPANIES_SCHEMA,
    SEC_FILINGS.name: SEC_FILINGS_SCHEMA,
    INSIDER_TRANSACTIONS.name: INSIDER_TRANSACTIONS_SCHEMA,
    INSIDER_HOLDINGS.name: INSIDER_HOLDINGS_SCHEMA,
    FUNDAMENTALS.name: FUNDAMENTALS_SCHEMA,
    FILING_TEXT.name: FILING_TEXT_SCHEMA,
}
