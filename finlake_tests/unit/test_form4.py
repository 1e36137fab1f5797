"""The ownership-document parser on two real EDGAR Form 4s and on small constructed documents that
cover what the real ones do not: option exercises, Form 3 holdings, joint filers, footnote-only
prices, 10b5-1 spellings, commas, namespaces and malformed input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from finlake.sources.base import PayloadError
from finlake.sources.sec.form4 import (
    HOLDING_SCHEMA,
    TRANSACTION_SCHEMA,
    Ownership,
    parse_ownership,
)

AAPL = "form4_AAPL_0000320193-20-000086.xml"
WATER = "form4_374Water_2025-05-02.xml"
ACCESSION = "0000950170-25-061234"  # made up: the 374Water filing's real accession is unknown

AAPL_F1 = (
    "This transaction was made pursuant to a Rule 10b5-1 trading plan adopted by the reporting "
    "person on May 13, 2019."
)
AAPL_F2_START = "This transaction was executed in multiple trades at prices ranging from $116.81"
WATER_F1_START = "Vesting commencement date is March 31, 2025. 25% of the shares vest"


@pytest.fixture(scope="module")
def sec(realdata: Path) -> Path:
    path = realdata / "sec"
    if not path.is_dir():
        pytest.skip("../shared/realdata/sec is not available")
    return path


def only(frame: pl.DataFrame) -> dict[str, object]:
    assert frame.height == 1
    return frame.row(0, named=True)


# --- real payloads -------------------------------------------------------------------------------


def test_apple_cfo_sale(sec: Path) -> None:
    doc = parse_ownership(
        (sec / AAPL).read_bytes(),
        accession_number="0000320193-20-000086",
        filing_date=dt.date(2020, 10, 13),
    )
    assert (doc.document_type, doc.schema_version) == ("4", "X0306")
    assert doc.period_of_report == dt.date(2020, 10, 9)
    assert (doc.issuer_cik, doc.issuer_ticker) == ("0000320193", "AAPL")
    assert doc.transactions.schema == pl.Schema(TRANSACTION_SCHEMA)
    assert doc.holdings.schema == pl.Schema(HOLDING_SCHEMA)
    assert doc.holdings.is_empty()

    row = only(doc.transactions)
    assert row["accession_number"] == "0000320193-20-000086"
    assert row["filing_date"] == dt.date(2020, 10, 13)
    assert (row["form"], row["transaction_index"]) == ("4", 0)
    assert (row["owner_cik"], row["owner_name"]) == ("0001513362", "Maestri Luca")
    assert row["joint_owner_ciks"] == []
    assert (row["is_director"], row["is_officer"], row["is_ten_percent_owner"]) == (
        False,
        True,
        False,
    )
    assert row["officer_title"] == "Senior Vice President, CFO"
    assert row["transaction_date"] == dt.date(2020, 10, 9)
    assert (row["security_title"], row["is_derivative"]) == ("Common Stock", False)
    assert (row["transaction_code"], row["acquired_disposed"]) == ("S", "D")
    assert row["shares"] == 243431.0
    assert row["price_per_share"] == 116.89
    assert row["shares_owned_after"] == 110272.0
    assert row["direct_indirect"] == "D"
    # X0306 has no <aff10b5One>: the plan is known only from footnote F1 (cited on securityTitle)
    assert row["is_10b5_1"] is True
    notes = str(row["footnotes"]).split(" | ")
    assert notes[0] == AAPL_F1
    assert notes[1].startswith(AAPL_F2_START)
    assert notes[1].endswith("or a security holder of Apple.")
    assert len(notes) == 2
    for column in (
        "conversion_or_exercise_price",
        "exercise_date",
        "expiration_date",
        "underlying_security_title",
        "underlying_shares",
    ):
        assert row[column] is None


def test_374water_rsu_and_option_grant(sec: Path) -> None:
    doc = parse_ownership((sec / WATER).read_bytes(), accession_number=ACCESSION)
    assert (doc.document_type, doc.schema_version) == ("4", "X0508")
    assert doc.period_of_report == dt.date(2025, 4, 30)
    assert (doc.issuer_cik, doc.issuer_ticker) == ("0000933972", "SCWO")
    assert doc.holdings.is_empty()

    tx = doc.transactions
    assert tx["transaction_index"].to_list() == [0, 1]
    assert tx["is_derivative"].to_list() == [False, True]
    assert tx["filing_date"].to_list() == [None, None]
    assert set(tx["owner_cik"]) == {"0002064133"}
    assert set(tx["owner_name"]) == {"Melkote Rajesh Ramaswamy"}
    assert set(tx["officer_title"]) == {"Chief Technology Officer"}
    # <isOfficer>true</isOfficer>; isDirector and isTenPercentOwner are absent altogether
    assert tx.select("is_director", "is_officer", "is_ten_percent_owner").unique().rows() == [
        (False, True, False)
    ]
    assert set(tx["transaction_date"]) == {dt.date(2025, 4, 30)}
    assert set(tx["transaction_code"]) == {"A"}
    assert set(tx["acquired_disposed"]) == {"A"}
    assert tx["price_per_share"].to_list() == [0.0, 0.0]
    # <aff10b5One>false</aff10b5One> and a vesting footnote: not a plan trade
    assert tx["is_10b5_1"].to_list() == [False, False]
    assert all(str(n).startswith(WATER_F1_START) for n in tx["footnotes"])

    rsu, option = tx.rows(named=True)
    assert rsu["security_title"] == "Common Stock (restricted stock units)"
    assert (rsu["shares"], rsu["shares_owned_after"]) == (757756.0, 757756.0)
    assert rsu["conversion_or_exercise_price"] is None

    assert option["security_title"] == "Stock options (right to buy)"
    # as filed: the option row says 757,576 while its post-transaction amount says 757,756
    assert (option["shares"], option["shares_owned_after"]) == (757576.0, 757756.0)
    assert option["conversion_or_exercise_price"] == 0.33
    assert option["exercise_date"] is None  # given only as footnote F1
    assert option["expiration_date"] == dt.date(2035, 4, 29)
    assert option["underlying_security_title"] == "Common Stock"
    assert option["underlying_shares"] == 757576.0
    assert option["direct_indirect"] == "D"


# --- constructed documents ------------------------------------------------------------------------


ACME = "<issuerCik>0000012345</issuerCik><issuerTradingSymbol>ACME</issuerTradingSymbol>"


def owner_xml(cik: str, name: str, relationship: str = "<isDirector>1</isDirector>") -> str:
    return f"""
    <reportingOwner>
        <reportingOwnerId><rptOwnerCik>{cik}</rptOwnerCik><rptOwnerName>{name}</rptOwnerName>
        </reportingOwnerId>
        <reportingOwnerRelationship>{relationship}</reportingOwnerRelationship>
    </reportingOwner>"""


def document(
    body: str,
    *,
    schema: str = "X0609",
    form: str = "4",
    owners: str | None = None,
    header: str = "",
    footnotes: str = "",
    issuer: str = ACME,
    root_attributes: str = "",
) -> bytes:
    owners = owner_xml("0000099999", "Doe Jane") if owners is None else owners
    return f"""<?xml version="1.0"?>
<ownershipDocument{root_attributes}>
    <schemaVersion>{schema}</schemaVersion>
    <documentType>{form}</documentType>
    <periodOfReport>2024-03-01</periodOfReport>
    <issuer>{issuer}<issuerName>Acme Corp</issuerName></issuer>
    {owners}
    {header}
    {body}
    <footnotes>{footnotes}</footnotes>
</ownershipDocument>""".encode()


def sale(
    *,
    shares: str = "100",
    price: str = "<value>10.50</value>",
    after: str = "900",
    date: str = "2024-03-01",
    notes: str = "",
) -> str:
    return f"""
    <nonDerivativeTransaction>
        <securityTitle><value>Common Stock</value></securityTitle>
        <transactionDate><value>{date}</value></transactionDate>
        <transactionCoding><transactionFormType>4</transactionFormType>
            <transactionCode>S</transactionCode>{notes}</transactionCoding>
        <transactionAmounts>
            <transactionShares><value>{shares}</value></transactionShares>
            <transactionPricePerShare>{price}</transactionPricePerShare>
            <transactionAcquiredDisposedCode><value>D</value></transactionAcquiredDisposedCode>
        </transactionAmounts>
        <postTransactionAmounts>
            <sharesOwnedFollowingTransaction><value>{after}</value></sharesOwnedFollowingTransaction>
        </postTransactionAmounts>
        <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership>
        </ownershipNature>
    </nonDerivativeTransaction>"""


def table(rows: str) -> bytes:
    return document(f"<nonDerivativeTable>{rows}</nonDerivativeTable>")


def parse(xml: bytes) -> Ownership:
    return parse_ownership(xml, accession_number=ACCESSION, filing_date=dt.date(2024, 3, 4))


OPTION_EXERCISE = """
<derivativeTable>
    <derivativeTransaction>
        <securityTitle><value>Employee Stock Option (right to buy)</value></securityTitle>
        <conversionOrExercisePrice><value>50.25</value></conversionOrExercisePrice>
        <transactionDate><value>2024-02-28</value></transactionDate>
        <transactionCoding><transactionFormType>4</transactionFormType>
            <transactionCode>M</transactionCode></transactionCoding>
        <transactionAmounts>
            <transactionShares><value>10,000</value></transactionShares>
            <transactionPricePerShare><value>0</value></transactionPricePerShare>
            <transactionAcquiredDisposedCode><value>D</value></transactionAcquiredDisposedCode>
        </transactionAmounts>
        <exerciseDate><value>2021-02-28</value></exerciseDate>
        <expirationDate><value>2030-02-28</value></expirationDate>
        <underlyingSecurity>
            <underlyingSecurityTitle><value>Common Stock</value></underlyingSecurityTitle>
            <underlyingSecurityShares><value>10,000</value></underlyingSecurityShares>
        </underlyingSecurity>
        <postTransactionAmounts>
            <sharesOwnedFollowingTransaction><value>20000</value></sharesOwnedFollowingTransaction>
        </postTransactionAmounts>
        <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership>
        </ownershipNature>
    </derivativeTransaction>
</derivativeTable>
<nonDerivativeTable>
    <nonDerivativeTransaction>
        <securityTitle><value>Common Stock</value></securityTitle>
        <transactionDate><value>2024-02-28</value></transactionDate>
        <transactionCoding><transactionFormType>4</transactionFormType>
            <transactionCode>M</transactionCode></transactionCoding>
        <transactionAmounts>
            <transactionShares><value>10000</value></transactionShares>
            <transactionPricePerShare><value>50.25</value></transactionPricePerShare>
            <transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode>
        </transactionAmounts>
        <postTransactionAmounts>
            <sharesOwnedFollowingTransaction><value>15000</value></sharesOwnedFollowingTransaction>
        </postTransactionAmounts>
        <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership>
        </ownershipNature>
    </nonDerivativeTransaction>
</nonDerivativeTable>
"""


def test_option_exercise_puts_non_derivative_rows_first() -> None:
    # the derivative table comes first in this document; rows still start with non-derivatives
    tx = parse(document(OPTION_EXERCISE)).transactions
    assert tx.schema == pl.Schema(TRANSACTION_SCHEMA)
    assert tx["transaction_index"].to_list() == [0, 1]
    assert tx["is_derivative"].to_list() == [False, True]
    assert tx["transaction_code"].to_list() == ["M", "M"]
    assert tx["acquired_disposed"].to_list() == ["A", "D"]
    stock, option = tx.rows(named=True)
    assert (stock["shares"], stock["price_per_share"]) == (10000.0, 50.25)
    assert stock["underlying_shares"] is None
    assert option["security_title"] == "Employee Stock Option (right to buy)"
    assert option["shares"] == 10000.0
    assert option["conversion_or_exercise_price"] == 50.25
    assert option["exercise_date"] == dt.date(2021, 2, 28)
    assert option["expiration_date"] == dt.date(2030, 2, 28)
    assert option["underlying_security_title"] == "Common Stock"
    assert option["underlying_shares"] == 10000.0
    assert option["shares_owned_after"] == 20000.0
    assert option["footnotes"] is None
    assert option["is_10b5_1"] is False


def test_form3_holdings_only() -> None:
    body = """
    <nonDerivativeTable>
        <nonDerivativeHolding>
            <securityTitle><value>Common Stock</value></securityTitle>
            <postTransactionAmounts>
                <sharesOwnedFollowingTransaction><value>1,500</value>
                </sharesOwnedFollowingTransaction>
            </postTransactionAmounts>
            <ownershipNature>
                <directOrIndirectOwnership><value>I</value></directOrIndirectOwnership>
                <natureOfOwnership><value>By Family Trust</value><footnoteId id="F1"/>
                </natureOfOwnership>
            </ownershipNature>
        </nonDerivativeHolding>
    </nonDerivativeTable>
    <derivativeTable>
        <derivativeHolding>
            <securityTitle><value>Stock Option (right to buy)</value></securityTitle>
            <conversionOrExercisePrice><value>12.00</value></conversionOrExercisePrice>
            <exerciseDate><footnoteId id="F2"/></exerciseDate>
            <expirationDate><value>2033-01-01</value></expirationDate>
            <underlyingSecurity>
                <underlyingSecurityTitle><value>Common Stock</value></underlyingSecurityTitle>
                <underlyingSecurityShares><value>4000</value></underlyingSecurityShares>
            </underlyingSecurity>
            <ownershipNature>
                <directOrIndirectOwnership><value>D</value></directOrIndirectOwnership>
            </ownershipNature>
        </derivativeHolding>
    </derivativeTable>"""
    notes = """<footnote id="F1">Held by the   Doe
        Family Trust.</footnote><footnote id="F2">Vests in four annual installments.</footnote>"""
    doc = parse(document(body, form="3", schema="X0206", footnotes=notes))
    assert doc.document_type == "3"
    assert doc.transactions.is_empty()
    assert doc.transactions.schema == pl.Schema(TRANSACTION_SCHEMA)
    holdings = doc.holdings
    assert holdings.schema == pl.Schema(HOLDING_SCHEMA)
    assert holdings.select(
        "holding_index", "is_derivative", "shares_owned", "direct_indirect", "nature_of_ownership"
    ).rows() == [(0, False, 1500.0, "I", "By Family Trust"), (1, True, 4000.0, "D", None)]
    assert holdings["footnotes"].to_list() == [
        "Held by the Doe Family Trust.",
        "Vests in four annual installments.",
    ]
    first = holdings.row(0, named=True)
    assert (first["form"], first["issuer_cik"], first["issuer_ticker"]) == (
        "3",
        "0000012345",
        "ACME",
    )
    assert (first["owner_cik"], first["owner_name"]) == ("0000099999", "Doe Jane")
    assert first["accession_number"] == ACCESSION
    assert first["filing_date"] == dt.date(2024, 3, 4)


def test_holdings_lines_of_a_form4_beside_its_transactions() -> None:
    body = f"""<nonDerivativeTable>{sale()}
        <nonDerivativeHolding>
            <securityTitle><value>Common Stock</value></securityTitle>
            <postTransactionAmounts>
                <sharesOwnedFollowingTransaction><value>250</value>
                </sharesOwnedFollowingTransaction>
            </postTransactionAmounts>
            <ownershipNature>
                <directOrIndirectOwnership><value>I</value></directOrIndirectOwnership>
                <natureOfOwnership><value>By 401(k)</value></natureOfOwnership>
            </ownershipNature>
        </nonDerivativeHolding></nonDerivativeTable>"""
    doc = parse(document(body))
    assert doc.transactions.height == 1
    assert only(doc.holdings)["shares_owned"] == 250.0


def test_two_reporting_owners() -> None:
    owners = owner_xml(
        "1234",
        "Fund LP",
        "<isDirector>0</isDirector><isTenPercentOwner>True</isTenPercentOwner>"
        "<isOfficer>1</isOfficer><officerTitle>  </officerTitle>",
    ) + owner_xml("0000005678", "Fund GP LLC")
    xml = document(f"<nonDerivativeTable>{sale()}</nonDerivativeTable>", owners=owners)
    row = only(parse(xml).transactions)
    assert (row["owner_cik"], row["owner_name"]) == ("0000001234", "Fund LP")
    assert row["joint_owner_ciks"] == ["0000005678"]
    assert (row["is_director"], row["is_officer"], row["is_ten_percent_owner"]) == (
        False,
        True,
        True,
    )
    assert row["officer_title"] is None


def test_price_given_only_as_footnote_and_footnotes_deduplicated() -> None:
    price = '<footnoteId id="F2"/>'
    notes = '<footnoteId id="F2"/><footnoteId id="F1"/><footnoteId id="F9"/>'
    footnotes = (
        '<footnote id="F1">Shares withheld for taxes.</footnote>'
        '<footnote id="F2">Price not determinable; see remarks.</footnote>'
    )
    xml = document(
        f"<nonDerivativeTable>{sale(price=price, notes=notes)}</nonDerivativeTable>",
        footnotes=footnotes,
    )
    row = only(parse(xml).transactions)
    assert row["price_per_share"] is None
    assert row["shares"] == 100.0
    # F2 is cited twice, F9 is not defined: each text once, in order of first citation
    assert row["footnotes"] == "Price not determinable; see remarks. | Shares withheld for taxes."
    assert row["is_10b5_1"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Effected pursuant to a Rule 10b5-1 trading plan adopted on May 1, 2023.",
        "Sold under a 10b-5-1 plan.",
        "Sold under a 10b5 1 plan.",
        "Sold under a trading plan intended to satisfy RULE 10B5-1(c).",
    ],
)
def test_10b5_1_from_footnote_in_x0306_document(text: str) -> None:
    cited = sale(notes='<footnoteId id="F1"/>')
    xml = document(
        f"<nonDerivativeTable>{cited}{sale(date='2024-03-02')}</nonDerivativeTable>",
        schema="X0306",
        footnotes=f'<footnote id="F1">{text}</footnote>',
    )
    tx = parse(xml).transactions
    # only the transaction that cites the footnote is flagged
    assert tx["is_10b5_1"].to_list() == [True, False]


@pytest.mark.parametrize("flag", ["true", "1"])
def test_document_level_aff10b5one_flags_every_transaction(flag: str) -> None:
    xml = document(
        f"<nonDerivativeTable>{sale()}{sale()}</nonDerivativeTable>",
        schema="X0508",
        header=f"<aff10b5One>{flag}</aff10b5One>",
    )
    assert parse(xml).transactions["is_10b5_1"].to_list() == [True, True]


def test_commas_timezone_suffix_namespace_and_ticker_cleanup() -> None:
    line = sale(
        shares="1,234.5", after="12,000", date="2020-10-09-05:00", price="<value>1,001.25</value>"
    )
    xml = document(
        f"<nonDerivativeTable>{line}</nonDerivativeTable>",
        form="4/A",
        issuer="<issuerCik>12345</issuerCik><issuerTradingSymbol> acme </issuerTradingSymbol>",
        root_attributes=' xmlns="http://www.sec.gov/edgar/ownership"',
    )
    doc = parse_ownership(b"\n  " + xml, accession_number=ACCESSION)
    assert (doc.document_type, doc.issuer_cik, doc.issuer_ticker) == ("4/A", "0000012345", "ACME")
    row = only(doc.transactions)
    assert row["form"] == "4/A"
    assert (row["shares"], row["price_per_share"], row["shares_owned_after"]) == (
        1234.5,
        1001.25,
        12000.0,
    )
    assert row["transaction_date"] == dt.date(2020, 10, 9)
    assert row["filing_date"] is None


def test_empty_ticker_is_null() -> None:
    doc = parse(document("", issuer="<issuerCik>12345</issuerCik><issuerTradingSymbol/>"))
    assert doc.issuer_ticker is None
    assert doc.transactions.is_empty() and doc.holdings.is_empty()


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<ownershipDocument><issuer>", "malformed XML"),
        (b"", "malformed XML"),
        (b"<edgarSubmission><documentType>4</documentType></edgarSubmission>", "edgarSubmission"),
        (document("", issuer="<issuerName>No CIK</issuerName>"), "no issuer CIK"),
        (document("", issuer="<issuerCik>ABC</issuerCik>"), "invalid issuer CIK"),
        (table(sale(date="")), "transaction 0 .* has no transaction date"),
        (table(sale(date="03/01/2024")), "transactionDate: not a date '03/01/2024'"),
        (table(sale(shares="lots")), "transactionShares: not a number 'lots'"),
        (document("", owners=""), "no reportingOwner"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
            b"<ownershipDocument>&a;</ownershipDocument>",
            "malformed XML",
        ),
    ],
)
def test_bad_documents_raise_payload_error_naming_the_accession(xml: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message) as caught:
        parse(xml)
    assert ACCESSION in str(caught.value)
