import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from deltalake.exceptions import CommitFailedError

from finlake.datasets import CORPORATE_ACTIONS, PRICES_DAILY, QUARANTINE
from finlake.lake import CommitConflictError, Lake, check_partition_value

NOW = dt.datetime(2026, 11, 20, 23, tzinfo=dt.UTC)


def prices(rows):
    return pl.DataFrame(
        [(t, d, c, c, c, c, 1, "yahoo", NOW) for t, d, c in rows],
        schema=PRICES_DAILY.schema,
        orient="row",
    )


D1, D2 = dt.date(2026, 11, 19), dt.date(2026, 11, 20)
D0 = dt.date(2026, 10, 30)  # another month


def keys(*pairs):
    return pl.DataFrame(list(pairs), schema={"ticker": pl.String, "date": pl.Date}, orient="row")


def stored(lake, day):
    return lake.scan(PRICES_DAILY).filter(pl.col("date") == day).collect().sort("ticker")


def test_one_commit_per_write_partitioned_by_month(tmp_path: Path):
    lake = Lake(tmp_path)
    changed = lake.merge(
        PRICES_DAILY,
        prices([("AAPL", D1, 1.0), ("MSFT", D1, 2.0), ("AAPL", D2, 3.0), ("AAPL", D0, 4.0)]),
        keys(("AAPL", D1), ("MSFT", D1), ("AAPL", D2), ("AAPL", D0)),
    )
    assert changed == [D0, D1, D2]
    assert lake.version(PRICES_DAILY) == 1  # the table's creation, then two months in one commit
    files = sorted(
        Path(p).relative_to(tmp_path).parent.as_posix() for p in lake.files(PRICES_DAILY)
    )
    assert files == ["silver/prices_daily/month=2026-10", "silver/prices_daily/month=2026-11"]
    assert lake.scan(PRICES_DAILY).collect().height == 4
    assert lake.partition_values(PRICES_DAILY) == ["2026-10", "2026-11"]


def test_merge_replaces_only_the_scoped_keys(tmp_path: Path):
    lake = Lake(tmp_path)
    lake.merge(
        PRICES_DAILY,
        prices([("AAPL", D1, 1.0), ("OLD", D1, 5.0), ("AAPL", D2, 1.0)]),
        keys(("AAPL", D1), ("OLD", D1), ("AAPL", D2)),
    )
    # a write authoritative for AAPL and MSFT on D1 keeps OLD (no longer in the universe)
    changed = lake.merge(
        PRICES_DAILY,
        prices([("AAPL", D1, 1.5), ("MSFT", D1, 2.0)]),
        keys(("AAPL", D1), ("MSFT", D1)),
    )
    assert changed == [D1]
    assert stored(lake, D1).select("ticker", "close").rows() == [
        ("AAPL", 1.5),
        ("MSFT", 2.0),
        ("OLD", 5.0),
    ]
    assert stored(lake, D2).select("ticker", "close").rows() == [
        ("AAPL", 1.0)
    ]  # same file, other day
    # rewriting identical content changes nothing and commits nothing
    version = lake.version(PRICES_DAILY)
    assert lake.merge(PRICES_DAILY, prices([("AAPL", D1, 1.5)]), keys(("AAPL", D1))) == []
    assert lake.version(PRICES_DAILY) == version
    # a scoped key absent from the new rows is removed (the provider no longer serves that bar)
    assert lake.merge(PRICES_DAILY, prices([]), keys(("MSFT", D1))) == [D1]
    assert stored(lake, D1)["ticker"].to_list() == ["AAPL", "OLD"]


def test_emptied_partition_is_removed(tmp_path: Path):
    lake = Lake(tmp_path)
    actions = pl.DataFrame(
        [("AAPL", D1, 0.26, 1.0, "yahoo")], schema=CORPORATE_ACTIONS.schema, orient="row"
    )
    lake.merge(CORPORATE_ACTIONS, actions, keys(("AAPL", D1)))
    assert lake.has_data(CORPORATE_ACTIONS)
    lake.merge(CORPORATE_ACTIONS, actions.clear(), keys(("AAPL", D1)))
    assert not lake.has_data(CORPORATE_ACTIONS)


def test_a_failed_write_leaves_the_old_version(tmp_path: Path, monkeypatch):
    lake = Lake(tmp_path)
    lake.merge(
        PRICES_DAILY,
        prices([("AAPL", D1, 1.0), ("AAPL", D0, 1.0)]),
        keys(("AAPL", D1), ("AAPL", D0)),
    )
    before = lake.scan(PRICES_DAILY).collect()

    def crash(self, target, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_delta", crash)
    with pytest.raises(OSError, match="disk full"):
        lake.merge(
            PRICES_DAILY,
            prices([("AAPL", D1, 9.0), ("AAPL", D0, 9.0)]),
            keys(("AAPL", D1), ("AAPL", D0)),
        )
    assert lake.version(PRICES_DAILY) == 1
    assert lake.scan(PRICES_DAILY).collect().equals(before)


def test_quarantine_is_replaced_per_partition_and_ticker(tmp_path: Path):
    lake = Lake(tmp_path)

    def q(*tickers):
        return pl.DataFrame(
            [
                ("prices_daily", "2026-11-19", f'{{"ticker":"{t}"}}', "bad", "run", NOW, None)
                for t in tickers
            ],
            schema=QUARANTINE.schema,
            orient="row",
        )

    def scope(*tickers):
        return pl.DataFrame({"partition": ["2026-11-19"] * len(tickers), "ticker": list(tickers)})

    lake.write_quarantine("prices_daily", q("AAPL", "MSFT"), scope("AAPL", "MSFT"))
    lake.write_quarantine("prices_daily", q(), scope("AAPL"))  # AAPL rewritten clean
    got = lake.scan(QUARANTINE).collect()
    assert got["row"].to_list() == ['{"ticker":"MSFT"}']
    assert got["partition"].to_list() == ["2026-11-19"]
    lake.write_quarantine("prices_daily", q(), scope("MSFT"))  # now the whole partition is clean
    assert not lake.has_data(QUARANTINE)


@pytest.mark.parametrize("value", ["../x", "a/b", "", ".hidden", "x y"])
def test_unsafe_partition_values(value):
    with pytest.raises(ValueError, match="unsafe partition value"):
        check_partition_value(value)


def test_bronze_is_append_only(tmp_path: Path):
    lake = Lake(tmp_path)
    row = {
        "source": "yahoo_chart",
        "ticker": "AAPL",
        "window_start": D1,
        "window_end": D2,
        "fetched_at": NOW,
        "run_id": "r1",
        "reason": "scheduled",
        "request": "{}",
        "status": 200,
        "sha256": "abc",
        "body": b'{"chart": 1}',
    }
    first = lake.write_bronze("yahoo_chart", "2026-11-20", pl.DataFrame([row]))
    second = lake.write_bronze("yahoo_chart", "2026-11-20", pl.DataFrame([{**row, "run_id": "r2"}]))
    assert first != second and lake.store.exists(first) and lake.store.exists(second)
    index = lake.bronze_index("yahoo_chart")
    assert sorted(index["run_id"].to_list()) == ["r1", "r2"]
    assert "body" not in index.columns
    bodies = lake.read_bronze(index.filter(pl.col("run_id") == "r2"))
    assert bodies["body"].to_list() == [b'{"chart": 1}']


def test_an_archive_document_lives_under_its_bronze_source(tmp_path: Path):
    lake = Lake(tmp_path)
    path = lake.archive_path("sec_archives", "320193", "000032019326000134", "doc.xml")
    assert path == f"{tmp_path}/bronze/sec_archives/320193/000032019326000134/doc.xml"
    lake.write_archive(path, b"<doc/>")
    assert lake.read_archive(path) == b"<doc/>"
    with pytest.raises(ValueError):
        lake.archive_path("sec_archives", "..", "x")


def test_a_rejected_revision_keeps_its_stored_row_under_a_coarse_scope(tmp_path: Path):
    """A write authoritative for (cik, filing_date) replaces that day's filings, except one
    whose new version was rejected: the stored version stays and is shown beside the reject."""
    from finlake.datasets import SEC_FILINGS

    lake = Lake(tmp_path)

    def filing(acc: str, size: int) -> dict:
        return {
            "cik": "0000320193",
            "ticker": "AAPL",
            "accession_number": acc,
            "form": "8-K",
            "filing_date": D1,
            "report_date": D1,
            "acceptance_datetime": NOW,
            "items": ["2.02"],
            "primary_document": "a.htm",
            "document_url": "https://www.sec.gov/a.htm",
            "size": size,
            "is_xbrl": False,
            "acceptance_source": "sgml_header",
        }

    stored = pl.DataFrame([filing("A", 1), filing("B", 1)], schema=SEC_FILINGS.schema)
    scope = pl.DataFrame({"cik": ["0000320193"], "filing_date": [D1]})
    lake.merge(SEC_FILINGS, stored, scope)
    valid = pl.DataFrame([filing("A", 2)], schema=SEC_FILINGS.schema)
    rejected = pl.DataFrame(
        {
            "dataset": ["sec_filings", "sec_filings"],
            "partition": [str(D1), str(D1)],
            "row": [
                '{"cik": "0000320193", "accession_number": "B", "size": -5}',
                '{"cik": "0000320193", "accession_number": "C", "size": -5}',
            ],
            "reason": ["size: must be >= 0"] * 2,
        }
    )
    guard = lake.guard(SEC_FILINGS, valid, rejected)
    assert guard.keep.rows() == [("0000320193", "B")]
    assert guard.revisions == 1
    kept = guard.rejected.get_column("stored_row").to_list()
    assert '"accession_number":"B"' in kept[0] and kept[1] is None
    lake.merge(SEC_FILINGS, valid, scope, keep=guard.keep)
    got = lake.scan(SEC_FILINGS).collect().sort("accession_number")
    assert got.select("accession_number", "size").rows() == [("A", 2), ("B", 1)]
    # without the guard the rejected revision would have removed B
    lake.merge(SEC_FILINGS, valid, scope)
    assert lake.scan(SEC_FILINGS).collect().get_column("accession_number").to_list() == ["A"]


def test_history_lists_one_commit_per_write_with_its_run(tmp_path: Path):
    lake = Lake(tmp_path, run_id="run-1")
    lake.merge(PRICES_DAILY, prices([("AAPL", D1, 1.0), ("AAPL", D0, 1.0)]),
               keys(("AAPL", D1), ("AAPL", D0)))  # fmt: skip
    Lake(tmp_path, run_id="run-2").prune(PRICES_DAILY, "date", D1, dry_run=False)
    history = lake.history(PRICES_DAILY)
    assert history.select("version", "run_id", "write").rows() == [
        (2, "run-2", "prune"),
        (1, "run-1", "merge"),
        (0, "run-1", "create"),  # the table, empty: a first write is then one on a version
    ]
    assert history["rows_added"].to_list()[-2] == 2
    assert lake.scan(PRICES_DAILY).collect()["date"].to_list() == [D1]


def interleave(monkeypatch, mine: Lake, other_write) -> list:
    """Make `other_write()` commit while `mine`'s next merge is between its read and its commit;
    returns the version each merged partition was read at, in order."""
    merged, reads = Lake._merged_partition, []

    def interleaved(self, ds, value, *args, **kwargs):
        reads.append(self.version(ds))
        if self is mine and len(reads) == 1:
            other_write()
        return merged(self, ds, value, *args, **kwargs)

    monkeypatch.setattr(Lake, "_merged_partition", interleaved)
    return reads


def test_a_write_beaten_by_a_concurrent_commit_is_redone_on_the_newer_version(
    tmp_path: Path, monkeypatch
):
    """The other writer commits the same partition between this write's read and its commit:
    the commit is refused and the write redone, so both writers' rows are stored."""
    mine, other = Lake(tmp_path, locks=False), Lake(tmp_path, locks=False)
    check_a_beaten_write_is_redone(mine, other, monkeypatch)


def check_a_beaten_write_is_redone(mine: Lake, other: Lake, monkeypatch) -> None:
    """Two writers of one table with no lock in common (on disk or S3)."""
    mine.merge(PRICES_DAILY, prices([("AAPL", D1, 1.0)]), keys(("AAPL", D1)))
    msft = prices([("MSFT", D1, 2.0)])
    reads = interleave(
        monkeypatch, mine, lambda: other.merge(PRICES_DAILY, msft, keys(("MSFT", D1)))
    )
    mine.merge(PRICES_DAILY, prices([("AAPL", D2, 3.0)]), keys(("AAPL", D2)))
    assert reads == [1, 1, 2]  # mine read v1, other wrote v2 from v1, mine redone on v2
    assert stored(mine, D1)["close"].to_list() == [1.0, 2.0]
    assert stored(mine, D2)["close"].to_list() == [3.0]
    assert mine.version(PRICES_DAILY) == 3


def test_a_write_that_always_loses_names_its_table(tmp_path: Path, monkeypatch):
    lake = Lake(tmp_path, locks=False)
    lake.merge(PRICES_DAILY, prices([("AAPL", D1, 1.0)]), keys(("AAPL", D1)))
    other = Lake(tmp_path, locks=False)
    merged = Lake._merged_partition
    monkeypatch.setattr("finlake.lake.COMMIT_ATTEMPTS", 3)
    monkeypatch.setattr("finlake.lake.time.sleep", lambda s: None)

    beaten = []

    def always_beaten(self, ds, value, *args, **kwargs):
        if self is lake:  # each time a new MSFT close: a real commit
            beaten.append(float(len(beaten)))
            other.merge(PRICES_DAILY, prices([("MSFT", D1, beaten[-1])]), keys(("MSFT", D1)))
        return merged(self, ds, value, *args, **kwargs)

    monkeypatch.setattr(Lake, "_merged_partition", always_beaten)
    with pytest.raises(CommitConflictError, match="silver/prices_daily: 3 attempts"):
        lake.merge(PRICES_DAILY, prices([("AAPL", D2, 3.0)]), keys(("AAPL", D2)))
    assert stored(lake, D2).is_empty()  # nothing of the lost write was stored


def test_two_first_writes_of_a_new_table_both_land(tmp_path: Path, monkeypatch):
    """Both writers read 'no table yet'; the second's create fails and is redone as a merge."""
    mine, other = Lake(tmp_path, locks=False), Lake(tmp_path, locks=False)
    theirs = prices([("MSFT", D1, 2.0)])
    interleave(monkeypatch, mine, lambda: other.merge(PRICES_DAILY, theirs, keys(("MSFT", D1))))
    mine.merge(PRICES_DAILY, prices([("AAPL", D1, 1.0)]), keys(("AAPL", D1)))
    assert stored(mine, D1)["ticker"].to_list() == ["AAPL", "MSFT"]
    # one creation (the other writer's), then each write on a version: MSFT's, then AAPL's
    assert mine.history(PRICES_DAILY)["write"].to_list() == ["merge", "merge", "create"]


def test_two_first_writes_of_the_same_key_leave_one_row(tmp_path: Path, monkeypatch):
    """A plain first write would be rebased onto the table the other writer created meanwhile
    as an append, doubling the key; written on a version, it is refused and redone."""
    mine, other = Lake(tmp_path, locks=False), Lake(tmp_path, locks=False)
    theirs = prices([("AAPL", D1, 2.0)])
    interleave(monkeypatch, mine, lambda: other.merge(PRICES_DAILY, theirs, keys(("AAPL", D1))))
    mine.merge(PRICES_DAILY, prices([("AAPL", D1, 1.0)]), keys(("AAPL", D1)))
    assert stored(mine, D1).select("ticker", "close").rows() == [("AAPL", 1.0)]


def test_two_whole_table_replaces_on_an_empty_table_conflict(tmp_path: Path, monkeypatch):
    """An unpartitioned table's replace carries a predicate too, so a concurrent replace of a
    table that had no files is a conflict, not a second set of rows."""
    from finlake.datasets import FOMC_MEETINGS

    lake = Lake(tmp_path, locks=False)
    row = pl.DataFrame(
        {c: [None] for c in FOMC_MEETINGS.schema}, schema=FOMC_MEETINGS.schema
    ).with_columns(pl.lit(dt.date(2026, 1, 28)).alias("start_date"))
    lake.write_table(FOMC_MEETINGS, row)
    lake.write_table(FOMC_MEETINGS, FOMC_MEETINGS.empty())  # emptied: a version with no files
    read = lake.version(FOMC_MEETINGS)
    lake.write_table(FOMC_MEETINGS, row)  # another writer's replace lands first
    with pytest.raises(CommitFailedError):
        lake._commit(FOMC_MEETINGS, {"": row}, read, write="replace")
    assert lake.scan(FOMC_MEETINGS).collect().height == 1
