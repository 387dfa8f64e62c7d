"""Alerts as background work: the price feed and the expiry sweep on the scheduler, pushes to members.

Pushes go through Notifier.notify (the outbox); a member who has left the team is
not pushed to.
"""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis

from bot.metrics import BotMetrics
from bot.notify import Notifier
from bot.scheduler import Scheduler
from handlers.views.alerts import feed_back_text, feed_down_text, fired_text
from services.accounts import AccountRegistry
from services.alerts.desk import AlertDesk
from services.alerts.engine import AlertEngine
from services.alerts.feed import PriceFeed
from services.alerts.store import Fired
from services.notify_settings import Kind
from services.redis_client import Keys
from services.team import TeamDirectory

log = logging.getLogger(__name__)

# expired alerts are swept this often (a tick never fires one past its expiry anyway)
EXPIRY_SWEEP_S = 60


class AlertPushes:
    def __init__(self, notifier: Notifier, team: TeamDirectory) -> None:
        self._notifier = notifier
        self._team = team

    async def fired(self, fired: Fired) -> None:
        member = self._team.get(fired.alert.member)
        if member is None:
            log.info("alert %s fired for %s, no longer in the team", fired.alert.id, fired.alert.member)
            return
        await self._notifier.notify(member, lambda _recipient: fired_text(fired), Kind.PRICE_ALERTS)

    async def outage(self, accounts: list[str], members: set[int], down: bool) -> None:
        render = feed_down_text if down else feed_back_text
        for member_id in sorted(members):
            member = self._team.get(member_id)
            if member is not None:
                await self._notifier.notify(member, lambda _recipient: render(accounts))


class FeedMetrics:
    """The feed's and the engine's work, counted for /metrics."""

    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics

    def evaluated(self, markets: int, fired: int) -> None:
        self._metrics.alert_evaluations.inc(markets)
        self._metrics.alerts_fired.inc(fired)

    def polled(self, exchange: str, seconds: float) -> None:
        self._metrics.feed_latency.labels(exchange).observe(seconds)


def schedule_alerts(
    scheduler: Scheduler,
    desk: AlertDesk,
    accounts: AccountRegistry,
    pushes: AlertPushes,
    redis: Redis,
    keys: Keys,
    metrics: BotMetrics,
    *,
    interval_s: float,
) -> PriceFeed:
    engine = AlertEngine(desk.store, pushes.fired, interval_s=interval_s, observer=FeedMetrics(metrics))
    feed = PriceFeed(
        accounts, desk.store, desk.prices, engine, redis, keys, interval_s=interval_s, on_outage=pushes.outage
    )

    async def sweep() -> None:
        await desk.store.expire_due(time.time())

    scheduler.every("price-feed", interval_s, feed.poll)
    scheduler.every("alert-expiry", EXPIRY_SWEEP_S, sweep)
    scheduler.on_stop(feed.close)
    return feed
