"""Checks on news_articles: one row per story, and how many stories lacked a usable date."""

import dagster as dg
import polars as pl

from finlake.calendar import HOUR_FORMAT, hour_starts
from finlake.datasets import NEWS_ARTICLES
from finlake.defs.check_results import CheckEvents, per_partition
from finlake.defs.metadata import markdown_preview
from finlake.defs.news.assets import NEWS_ARTICLES_KEY
from finlake.defs.partitions import news_hours
from finlake.defs.quality.checks import nothing_quarantined
from finlake.defs.resources import FinlakeResource
from finlake.sources.news.items import with_story_keys

HOUR = pl.duration(hours=1)


@dg.asset_check(
    asset=NEWS_ARTICLES_KEY,
    partitions_def=news_hours,
    description=(
        "Across all stored news, no article_id repeats and no two rows are the same story "
        "(same title and publisher on the same day under different URLs; for SEC filings, the "
        "same accession)."
    ),
)
def one_row_per_story(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    rows = (
        finlake.lake()
        .scan(NEWS_ARTICLES)
        .select("article_id", "url", "title", "summary", "publisher", "published_at")
        .collect()
    )
    rows = with_story_keys(rows)
    repeated = rows.filter(
        pl.col("article_id").is_duplicated() | pl.col("story_key").is_duplicated()
    ).sort("story_key")
    result = dg.AssetCheckResult(
        passed=repeated.is_empty(),
        metadata={
            "articles": dg.MetadataValue.int(rows.height),
            "repeated_rows": dg.MetadataValue.int(repeated.height),
            "examples": dg.MetadataValue.md(
                markdown_preview(repeated.select("article_id", "title", "publisher"), 20)
            ),
        },
    )
    yield from per_partition(context, result)


@dg.asset_check(
    asset=NEWS_ARTICLES_KEY,
    partitions_def=news_hours,
    description=(
        "Stories first seen in the run's hours whose own publication date was missing, "
        "malformed or in the future (published_at_flag): they are kept, dated by the fallback."
    ),
)
def dated_by_their_feed(
    context: dg.AssetCheckExecutionContext, finlake: FinlakeResource
) -> CheckEvents:
    hours = hour_starts(context.partition_keys)
    rows = (
        finlake.lake()
        .scan(NEWS_ARTICLES)
        .filter(pl.col("fetched_at").is_between(min(hours), max(hours) + HOUR, closed="left"))
        .select("article_id", "feed", "title", "fetched_at", "published_at", "published_at_flag")
        .collect()
    )
    flagged = rows.filter(pl.col("published_at_flag").is_not_null())
    counts = flagged.group_by("feed", "published_at_flag").len("articles").sort("articles")
    result = dg.AssetCheckResult(
        passed=flagged.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "articles": dg.MetadataValue.int(rows.height),
            "flagged": dg.MetadataValue.int(flagged.height),
            "by_feed": dg.MetadataValue.md(markdown_preview(counts, 20)),
        },
    )
    yield from per_partition(context, result, failed=_hours(flagged))


def _hours(flagged: pl.DataFrame) -> set[str]:
    """The hourly partitions (UTC) in which the flagged stories were first seen."""
    starts = flagged.get_column("fetched_at").dt.convert_time_zone("UTC").dt.truncate("1h")
    return {start.strftime(HOUR_FORMAT) for start in starts.to_list()}


news_quarantined = nothing_quarantined(NEWS_ARTICLES_KEY, NEWS_ARTICLES.name)
