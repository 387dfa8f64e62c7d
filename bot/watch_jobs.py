"""Watchers as background work: one deposit watcher per account that lists deposits, on the scheduler,
at its exchange's interval; what they find is pushed to the admins (and the team group) as deposits."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.config import WatchersConfig
from bot.notify import Notifier
from bot.scheduler import Scheduler
from handlers.views.watchers import deposit_text
from services.accounts import AccountRegistry
from services.notify_settings import Kind
from services.redis_client import Keys
from services.team import Role, TeamDirectory
from services.watchers.deposits import DepositNews, DepositWatcher, watches_deposits


class WatcherPushes:
    def __init__(self, notifier: Notifier, team: TeamDirectory) -> None:
        self._notifier = notifier
        self._team = team

    async def deposit(self, news: DepositNews) -> None:
        # the group copy is queued once however many admins are told (Notifier.notify)
        for member in self._team:
            if member.role >= Role.ADMIN:
                await self._notifier.notify(member, lambda _recipient: deposit_text(news), Kind.DEPOSITS)


def schedule_watchers(
    scheduler: Scheduler,
    accounts: AccountRegistry,
    pushes: WatcherPushes,
    redis: Redis,
    keys: Keys,
    settings: WatchersConfig,
) -> list[DepositWatcher]:
    watchers = [
        DepositWatcher(account, redis, keys, pushes.deposit, catch_up_s=settings.catch_up_h * 3600)
        for account in accounts
        if watches_deposits(account)
    ]
    for watcher in watchers:
        interval = settings.interval_s(watcher.account.exchange)
        scheduler.every(f"deposits:{watcher.account.name}", interval, watcher.poll)
    return watchers
