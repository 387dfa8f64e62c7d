"""Watchers as background work, on the scheduler at each exchange's interval: per account, deposits and
withdrawals made outside the bot (pushed to the admins and the team group), and a tracker of the bot's
own withdrawals (pushed to the requester and the approvers) and of its orders' fills (pushed to the member
who placed the order)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.config import WatchersConfig
from bot.notify import Notifier
from bot.scheduler import Scheduler
from handlers.views.watchers import fill_text, transfer_text, withdrawal_news_text
from services.accounts import AccountRegistry
from services.actions.store import ActionStore
from services.notify_settings import Kind
from services.redis_client import Keys
from services.team import Role, TeamDirectory
from services.watchers.fills import FillNews, FillTracker, follows_fills
from services.watchers.transfers import TransferNews, TransferWatcher, watches_deposits, watches_withdrawals
from services.watchers.withdrawals import BotWithdrawals, WithdrawalNews, WithdrawalTracker
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

    async def fill(self, news: FillNews) -> None:
        """The member who placed the order."""
        member = self._team.get(news.action.member_id)
        if member is not None:
            await self._notifier.notify(member, lambda _recipient: fill_text(news), Kind.FILLS)

    async def transfer(self, news: TransferNews) -> None:
        """A deposit, or a withdrawal made outside the bot: to the admins (and the team group, queued once
        however many admins are told: Notifier.notify)."""
        kind = Kind.WITHDRAWALS if news.outgoing else Kind.DEPOSITS
        for member in self._team:
            if member.role >= Role.ADMIN:
                await self._notifier.notify(
                    member, lambda _recipient: transfer_text(news), kind, once=news.key
                )


def schedule_watchers(
    scheduler: Scheduler,
    accounts: AccountRegistry,
    pushes: WatcherPushes,
    redis: Redis,
    keys: Keys,
    settings: WatchersConfig,
    actions: ActionStore,
) -> None:
    catch_up_s = settings.catch_up_h * 3600
    ours = BotWithdrawals(actions, catch_up_s=catch_up_s)
    for account in accounts:
        interval = settings.interval_s(account.exchange)
        if watches_deposits(account):
            deposits = TransferWatcher(account, redis, keys, pushes.transfer, catch_up_s=catch_up_s)
            scheduler.every(f"deposits:{account.name}", interval, deposits.poll)
        if watches_withdrawals(account):
            outside = TransferWatcher(
                account, redis, keys, pushes.transfer, catch_up_s=catch_up_s, ours=ours.made
            )
            scheduler.every(f"withdrawals-outside:{account.name}", interval, outside.poll)
            tracker = WithdrawalTracker(
                account, actions, redis, keys, pushes.withdrawal, catch_up_s=catch_up_s
            )
            scheduler.every(f"withdrawals:{account.name}", interval, tracker.poll)
        # Narkasa looks up open orders only: its fills are for its user stream to tell
        if follows_fills(account) and account.exchange != "narkasa":
            fills = FillTracker(account, actions, redis, keys, pushes.fill)
            scheduler.every(f"fills:{account.name}", interval, fills.poll)
