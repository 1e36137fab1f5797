"""Policy runs whenever the monetary-policy feed shows a new release (the weekly sweep is the
contract's cadence)."""

import dagster as dg
import orjson

from finlake.contracts.policy import POLICY, fed_feeds
from finlake.defs.resources import FinlakeResource
from finlake.defs.sources import JOBS
from finlake.sources.base import SourceError
from finlake.sources.news.client import request_headers
from finlake.sources.news.items import FeedContext, parse_rss

SEEN_KEPT = 100  # links remembered in the sensor cursor


@dg.sensor(
    job=JOBS[POLICY.group],
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls the Fed's monetary-policy feed every 5 minutes; a release not seen "
    "before (an FOMC statement at 14:00 ET) starts the policy job, so it lands within minutes.",
)
def fed_monetary_feed(
    context: dg.SensorEvaluationContext, finlake: FinlakeResource
) -> dg.SensorResult | dg.SkipReason:
    feed = fed_feeds()[0]  # fed_press_monetary
    clock = finlake.now()
    headers = request_headers(feed) if finlake.source == "live" else {}
    try:
        response = finlake.transport(POLICY.group, clock).get(feed.url, headers)
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
