"""Policy runs: weekly, and whenever the monetary-policy feed shows a new release."""

import dagster as dg
import orjson

from finlake.defs.catalog.assets import with_catalog
from finlake.defs.policy.assets import GROUP, fed_feeds
from finlake.defs.resources import FinlakeResource
from finlake.sources.base import SourceError
from finlake.sources.news.client import request_headers
from finlake.sources.news.items import FeedContext, parse_rss

SEEN_KEPT = 100  # links remembered in the sensor cursor

policy_job = dg.define_asset_job(
    "policy_job",
    selection=with_catalog(GROUP),
    description="Read the Fed's press feeds, parse new FOMC statements' decisions, refresh "
    "fomc_meetings and the catalog.",
)

policy_weekly = dg.ScheduleDefinition(
    name="policy_weekly",
    job=policy_job,
    cron_schedule="0 9 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mondays 09:00 UTC: a sweep of the Fed's feeds in case the sensor missed one.",
)


@dg.sensor(
    job=policy_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls the Fed's monetary-policy feed every 5 minutes; a release not seen "
    "before (an FOMC statement at 14:00 ET) starts the policy job, so it lands within minutes.",
)
def fed_monetary_feed(
    context: dg.SensorEvaluationContext, finlake: FinlakeResource
) -> dg.SensorResult | dg.SkipReason:
    feed = fed_feeds(finlake)[0]  # fed_press_monetary
    clock = finlake.now()
    headers = request_headers(feed) if finlake.source == "live" else {}
    try:
        response = finlake.news_transport(clock).get(feed.url, headers)
        if response.status != 200:
            return dg.SkipReason(f"{feed.name} answered HTTP {response.status}")
        items = parse_rss(response.body, FeedContext(feed.name, feed.publisher, "", clock))
    except SourceError as exc:  # unreachable, or a body cut off in transfer
        return dg.SkipReason(f"{feed.name} unavailable: {exc}")
    links = [u for u in items.sort("published_at").get_column("url").to_list() if u]
    seen = orjson.loads(context.cursor) if context.cursor else None
    cursor = orjson.dumps(links[-SEEN_KEPT:]).decode()
    if seen is None:  # the first tick learns the feed; the weekly sweep covers the backlog
        return dg.SensorResult(skip_reason="first poll: remembering the feed", cursor=cursor)
    new = [u for u in links if u not in set(seen)]
    if not new:
        return dg.SensorResult(skip_reason="no new release", cursor=cursor)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"fed:{new[-1]}", tags={"finlake/release": new[-1]})],
        cursor=orjson.dumps(list(dict.fromkeys([*seen, *links]))[-SEEN_KEPT:]).decode(),
    )
