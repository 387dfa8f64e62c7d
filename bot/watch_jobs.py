"""Watchers as background work, on the scheduler at each exchange's interval: per account, a deposit
watcher (pushed to the admins and the team group) and a tracker of the bot's withdrawals (pushed to the
requester and the approvers)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.config import WatchersConfig
from bot.notify import Notifier
from bot.scheduler import Scheduler
from handlers.views.watchers import deposit_text, withdrawal_news_text
from services.accounts import AccountRegistry
from services.actions.store import ActionStore
from services.exchanges.capabilities import Capability
from services.notify_settings import Kind
from services.redis_client import Keys
from services.team import Role, TeamDirectory
from services.watchers.deposits import DepositNews, DepositWatcher, watches_deposits
from services.watchers.withdrawals import WithdrawalNews, WithdrawalTracker
from services.withdrawals.desk import WithdrawalDesk


class WatcherPushes:
    def __init__(self, notifier: Notifier, team: TeamDirectory, withdrawals: WithdrawalDesk) -> None:
        self._notifier = notifier
        self._team = team
        self._withdrawals = withdrawals

    async def withdrawal(self, news: WithdrawalNews) -> None:
        """The requester and the approvers of a withdrawal the bot made."""
        told = [self._team.get(news.action.member_id), *await self._withdrawals.approved_by(news.action.id)]
        for member in {m.telegram_id: m for m in told if m is not None}.values():
            await self._notifier.notify(
                member, lambda _recipient: withdrawal_news_text(news), Kind.WITHDRAWALS
            )

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
    actions: ActionStore,
) -> list[DepositWatcher]:
    watchers = [
        DepositWatcher(account, redis, keys, pushes.deposit, catch_up_s=settings.catch_up_h * 3600)
        for account in accounts
        if watches_deposits(account)
    ]
    for watcher in watchers:
        interval = settings.interval_s(watcher.account.exchange)
        scheduler.every(f"deposits:{watcher.account.name}", interval, watcher.poll)
    for account in accounts:
        if account.client.has(Capability.FETCH_WITHDRAWALS):
            tracker = WithdrawalTracker(
                account, actions, redis, keys, pushes.withdrawal, catch_up_s=settings.catch_up_h * 3600
            )
            scheduler.every(
                f"withdrawals:{account.name}", settings.interval_s(account.exchange), tracker.poll
            )
    return watchers
