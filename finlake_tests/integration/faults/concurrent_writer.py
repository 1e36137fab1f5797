"""One of two writer processes merging into the same table partitions at the same time.

`python -m finlake_tests.integration.faults.concurrent_writer ROOT TICKER ROUNDS LOCKS START`
waits until the epoch second START, then makes ROUNDS merges into silver/prices_daily, each adding
the TICKER's bar of one more November 2026 day (close = the round), so every round of both
writers lands in the same month partition. LOCKS=0 leaves the file lock out: only the commit
protocol keeps the writers apart. Prints how many writes were redone after a conflict.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path

import polars as pl

from finlake.datasets import PRICES_DAILY
from finlake.lake import Lake

FIRST_DAY = dt.date(2026, 11, 1)
NOW = dt.datetime(2026, 11, 30, 23, tzinfo=dt.UTC)


class Redone(logging.Handler):
    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "redoing the write" in record.getMessage():
            Redone.count += 1


def bar(ticker: str, i: int) -> pl.DataFrame:
    day = FIRST_DAY + dt.timedelta(days=i)
    c = float(i)
    return pl.DataFrame(
        [(ticker, day, c, c, c, c, 1, "yahoo", NOW)], schema=PRICES_DAILY.schema, orient="row"
    )


def main(root: str, ticker: str, rounds: int, locks: bool, start: float) -> None:
    logging.getLogger("finlake.lake").addHandler(Redone())
    lake = Lake(Path(root), run_id=f"writer-{ticker}", locks=locks)
    time.sleep(max(0.0, start - time.time()))
    for i in range(rounds):
        rows = bar(ticker, i)
        lake.merge(PRICES_DAILY, rows, rows.select("ticker", "date"))
    print(Redone.count)


if __name__ == "__main__":
    root, ticker, rounds, locks, start = sys.argv[1:6]
    main(root, ticker, int(rounds), locks == "1", float(start))
