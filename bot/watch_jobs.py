"""Watchers as background work, on the scheduler at each exchange's interval: per account, deposits and
withdrawals made outside the bot (pushed to the admins and the team group), and a tracker of the bot's
own withdrawals (pushed to the requester and the approvers), order fills (pushed to the member who
placed the order through the bot, the others to the admins and the team group) and exchanger bids (pushed
to the member who created the bid); on Narkasa the user stream, run while this copy leads, reports fills
and starts deposit looks, the polls standing in while it is down. Every push names its event, so a watcher
that tells a change again (it died before recording it) queues nothing new."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.config import WatchersConfig
from bot.notify import Notifier, Render
from bot.scheduler import Scheduler
from handlers.views.watchers import bid_news_text, fill_text, transfer_text, withdrawal_news_text
from services.accounts import Account, AccountRegistry
from services.actions.store import ActionStore
from services.exchanges.narkasa.client import NarkasaClient
from services.notify_settings import Kind
from services.redis_client import Keys
from services.team import Role, TeamDirectory
from services.watchers.bids import HINT_TICK_S, BidNews, BidTracker, follows_bids
from services.watchers.fills import FillNews, FillWatcher, follows_fills
from services.watchers.transfers import TransferNews, TransferWatcher, watches_deposits, watches_withdrawals
from services.watchers.user_stream import UserStream
from services.watchers.withdrawals import BotWithdrawals, Release, WithdrawalNews, WithdrawalTracker
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
                member, lambda _recipient: withdrawal_news_text(news), Kind.WITHDRAWALS, once=news.event
            )

    async def fill(self, news: FillNews) -> None:
        """The member who placed the order through the bot; an order placed elsewhere like a deposit."""
        if news.action is None:
            await self._to_admins(lambda _recipient: fill_text(news), Kind.FILLS, news.event)
            return
        member = self._team.get(news.action.member_id)
        if member is not None:
            await self._notifier.notify(
                member, lambda _recipient: fill_text(news), Kind.FILLS, once=news.event
            )

    async def bid(self, news: BidNews) -> None:
        """The member who created the bid."""
        member = self._team.get(news.action.member_id)
        if member is not None:
            await self._notifier.notify(
                member, lambda _recipient: bid_news_text(news), Kind.FILLS, once=news.event
            )

    async def transfer(self, news: TransferNews) -> None:
        """A deposit, or a withdrawal made outside the bot."""
        kind = Kind.WITHDRAWALS if news.outgoing else Kind.DEPOSITS
        await self._to_admins(lambda _recipient: transfer_text(news), kind, news.event)

    async def _to_admins(self, render: Render, kind: Kind, event: str) -> None:
        """To the admins (and the team group, queued once however many admins are told: Notifier.notify)."""
        for member in self._team:
            if member.role >= Role.ADMIN:
                await self._notifier.notify(member, render, kind, once=event)


def schedule_watchers(
    scheduler: Scheduler,
    accounts: AccountRegistry,
    pushes: WatcherPushes,
    redis: Redis,
    keys: Keys,
    settings: WatchersConfig,
    actions: ActionStore,
    release: Release | None = None,
) -> None:
    """``release`` frees a failed withdrawal's share of the day's limit (WithdrawalDesk.release)."""
    catch_up_s = settings.catch_up_h * 3600
    ours = BotWithdrawals(actions, catch_up_s=catch_up_s)
    for account in accounts:
        interval = settings.interval_s(account.exchange)
        deposits = None
        if watches_deposits(account):
            deposits = TransferWatcher(account, redis, keys, pushes.transfer, catch_up_s=catch_up_s)
            scheduler.every(f"deposits:{account.name}", interval, deposits.poll)
        if watches_withdrawals(account):
            outside = TransferWatcher(
                account, redis, keys, pushes.transfer, catch_up_s=catch_up_s, ours=ours.made
            )
            scheduler.every(f"withdrawals-outside:{account.name}", interval, outside.poll)
            tracker = WithdrawalTracker(
                account, actions, redis, keys, pushes.withdrawal, catch_up_s=catch_up_s, release=release
            )
            scheduler.every(f"withdrawals:{account.name}", interval, tracker.poll)
        if follows_fills(account):
            schedule_fills(scheduler, account, pushes, redis, keys, settings, actions, deposits)
        if follows_bids(account):
            bids = BidTracker(account, actions, redis, keys, pushes.bid)
            scheduler.every(f"bids:{account.name}", interval, bids.poll)
            # the bids the site's callbacks named, looked up within a tick (a callback alone is no proof)
            scheduler.every(f"bid-hints:{account.name}", HINT_TICK_S, bids.hinted)


def schedule_fills(
    scheduler: Scheduler,
    account: Account,
    pushes: WatcherPushes,
    redis: Redis,
    keys: Keys,
    settings: WatchersConfig,
    actions: ActionStore,
    deposits: TransferWatcher | None,
) -> None:
    """Polls of the account's orders; on Narkasa its user stream, kept running by the same job (the polls
    only while it is down) and closed when this copy stops leading."""
    fills = FillWatcher(account, actions, redis, keys, pushes.fill, every_order=settings.all_orders)
    interval = settings.interval_s(account.exchange)
    if isinstance(account.client, NarkasaClient):
        stream = UserStream(account.client, fills, deposits)
        scheduler.every(f"fills:{account.name}", interval, stream.poll)
        scheduler.on_stop(stream.close)
    else:
        scheduler.every(f"fills:{account.name}", interval, fills.poll)
