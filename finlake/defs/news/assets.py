"""News: the polls and news_articles come from the source's contract (finlake.contracts.news);
news_sentiment_daily is derived from the articles here."""

import time

import dagster as dg

from finlake.contracts.news import NEWS
from finlake.datasets import NEWS_ARTICLES, NEWS_SENTIMENT_DAILY
from finlake.defs.code_references import referenced
from finlake.defs.metadata import frame_metadata
from finlake.defs.ownership import owned
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import bronze_key, silver_keys
from finlake.pipelines.news import build_sentiment_daily

GROUP = NEWS.group
NEWS_BRONZE_KEY = bronze_key(NEWS)
NEWS_ARTICLES_KEY = silver_keys(NEWS)[NEWS_ARTICLES.name]
NEWS_SENTIMENT_KEY = dg.AssetKey(["gold", NEWS_SENTIMENT_DAILY.name])


@referenced
@dg.asset(
    key=NEWS_SENTIMENT_KEY,
    deps=[NEWS_ARTICLES_KEY],
    **owned(GROUP),
    kinds={"parquet", "polars"},
    automation_condition=dg.AutomationCondition.eager(),
    description=NEWS_SENTIMENT_DAILY.description
    + " Not partitioned: recomputed from every stored article.",
)
def news_sentiment_daily(finlake: FinlakeResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    report = build_sentiment_daily(finlake.lake())
    return dg.MaterializeResult(
        metadata=frame_metadata(
            report.rows.sort("date", descending=True),
            NEWS_SENTIMENT_DAILY,
            time.perf_counter() - started,
            finlake.lake(),
            sessions_changed=dg.MetadataValue.int(len(report.changed)),
        )
    )
