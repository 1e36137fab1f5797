"""A feed body cut off in transfer is quarantined with a pointer to its bytes, never half-stored."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from finlake.datasets import NEWS_ARTICLES
from finlake.lake import RAW_SCHEMA
from finlake.sources.base import PayloadError
from finlake.sources.feed_xml import read_feed, root_closed
from finlake.sources.news.client import FeedResponse
from finlake_sample.news import SampleNews
from finlake_tests.integration.test_news_pipeline import START, build, poll

CUT = 0.55


class Truncating(SampleNews):
    """The sample news world, with the SEC 8-K feed's body cut at 55 %."""

    def get(self, url, headers=None):
        response = super().get(url, headers)
        if "type=8-K" in url and response.status == 200:
            body = response.body[: int(len(response.body) * CUT)]
            return FeedResponse(url, 200, body, response.etag, response.last_modified)
        return response


def test_a_truncated_feed_is_quarantined_and_not_half_stored(lake):
    hour = START
    clock = hour + dt.timedelta(minutes=59)
    poll(lake, hour, Truncating(clock))
    report = build(lake, [hour])
    stored = lake.scan(NEWS_ARTICLES).collect()
    assert stored.height > 0  # the other feeds landed
    assert "sec_current_8k" not in stored.get_column("feed").to_list()
    assert stored.get_column("url").null_count() == 0
    [reject] = report.rejected.filter(pl.col("reason").str.contains("does not parse")).to_dicts()
    where = json.loads(reject["row"])
    assert where["feed"] == "sec_current_8k" and where["bytes"] > 0
    kept = pl.read_parquet(where["bronze_file"]).filter(pl.col("sha256") == where["sha256"])
    assert kept.height == 1 and kept.schema == pl.Schema(RAW_SCHEMA)  # the bytes, as received


@pytest.mark.parametrize("fraction", [0.2, 0.55, 0.9, 0.999])
def test_real_feeds_cut_anywhere_are_refused(realdata, fraction):
    for path in sorted((realdata / "rss").glob("*.*")):
        if path.suffix not in (".xml", ".rss"):
            continue
        body = path.read_bytes()
        assert root_closed(body), path.name
        assert read_feed(body, path.name).entries, path.name
        with pytest.raises(PayloadError, match="does not parse to its end"):
            read_feed(body[: int(len(body) * fraction)], path.name)


def test_a_complete_feed_with_a_blemish_is_still_read():
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T &nbsp; x</title>'
        b"<item><title>Fed holds &amp; waits</title><link>https://x.org/a</link></item>"
        b"</channel></rss>\n"
    )
    parsed = read_feed(body, "blemished")
    assert parsed.bozo and [e.link for e in parsed.entries] == ["https://x.org/a"]
