"""Assembly: everything the process needs, built from the config.

`build_dispatcher` is the seam tests use: it takes already built services, so a test
can hand it its own Redis prefix, team or fakes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.i18n import I18n
from redis.asyncio import Redis

from bot.accounts import build_registry
from bot.alert_jobs import AlertPushes, schedule_alerts
from bot.config import Config
from bot.i18n import build_i18n
from bot.metrics import BotMetrics
from bot.middlewares.callbacks import UnmatchedButtonMiddleware
from bot.middlewares.i18n import UserLanguageMiddleware
from bot.middlewares.private_chats import PrivateChatsOnly
from bot.middlewares.redis_outage import RedisOutageMiddleware
from bot.middlewares.roles import RoleMiddleware
from bot.middlewares.team import TeamMiddleware
from bot.middlewares.timezone import UserTimezoneMiddleware
from bot.middlewares.tracking import UpdateTracker
from bot.middlewares.unblock import UnblockOnContact
from bot.middlewares.user_state import UserStateMiddleware
from bot.notify import Notifier
from bot.outbox import OutboxSender
from bot.retry_after import RetryAfterMiddleware
from bot.scheduler import Scheduler
from bot.unknown_alerts import AdminAlerts
from bot.update_isolation import isolation_for
from bot.watch_jobs import WatcherPushes, schedule_watchers
from bot.withdrawals import WithdrawalExpiry, WithdrawalNotices
from bot.workers import Workers
from handlers import get_routers
from handlers.errors import on_error
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.store import ActionStore
from services.alerts.desk import AlertDesk
from services.alerts.prices import FreshPrices, PriceBook
from services.alerts.store import AlertStore
from services.audit import AuditLog
from services.bids import BID, BID_CANCEL, BidDesk, BidLookup
from services.exchanger_desk import ExchangerDesk
from services.history import HistoryService
from services.leader import LeaderLease
from services.market_data import MarketDataService
from services.monitoring import Monitoring
from services.notify_settings import NotificationSettings
from services.orders.desk import CANCEL, OrderDesk
from services.orders.lookup import CancelLookup, OrderLookup
from services.orders.reconcile import LoggedAlerts, Reconciler, UnknownAlerts
from services.outbox.limits import SendLimits
from services.outbox.queue import Outbox
from services.portfolio import PortfolioService, TickerCache
from services.read_cache import SharedReads
from services.redis_client import Keys, create_redis
from services.screen_pages import ScreenPages
from services.team import TeamDirectory, TeamMember
from services.throttle import Throttle
from services.twofactor import TwoFactor
from services.user_settings import UserSettings
from services.withdrawals.allowlist import AddressBook
from services.withdrawals.allowlist_desk import AllowlistDesk
from services.withdrawals.callbacks import WithdrawalCallbackGuard
from services.withdrawals.desk import WITHDRAWAL, ApprovalGate, NoStepUp, WithdrawalDesk
from services.withdrawals.lookup import WithdrawalLookup
from services.withdrawals.messages import PushedMessages
from services.withdrawals.policy import Rule, Valuer, WithdrawalPolicy
from services.withdrawals.requests import WithdrawalRequests
from services.withdrawals.stepup import StepUpGate

# How often anyone gets a reply during a Redis outage, and a group the "write to me privately" line.
NOTICE_WINDOW_S = 60
# A stranger is refused once per window; their attempts within it make one audit entry.
STRANGER_WINDOW_S = 3600


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers may receive by argument name; each field becomes Dispatcher workflow data.

    A new service (account registry, portfolio, ...) is a new field here, built in `build_services`.
    The Redis client itself is deliberately absent: handlers never talk to Redis directly.
    """

    config: Config
    keys: Keys
    team: TeamDirectory
    audit: AuditLog
    user_settings: UserSettings
    monitoring: Monitoring
    orders: OrderDesk
    withdrawals: WithdrawalDesk
    twofactor: TwoFactor
    callbacks: WithdrawalCallbackGuard
    allowlist: AllowlistDesk
    pushed: PushedMessages
    alerts: AlertDesk
    bids: BidDesk
    notifications: NotificationSettings
    reconciler: Reconciler

    def workflow_data(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def team_from_config(config: Config) -> TeamDirectory:
    return TeamDirectory(
        TeamMember(telegram_id=entry.telegram_id, name=entry.name, role=entry.role) for entry in config.team
    )


def build_monitoring(config: Config, accounts: AccountRegistry, redis: Redis, keys: Keys) -> Monitoring:
    budget = config.exchanges.budget
    exchanger = ExchangerDesk(accounts, redis, keys, budget=budget)
    reads = SharedReads(redis, keys, max_age_s=config.exchanges.read_cache_s)
    # the feed's prices stand in for a tickers request while younger than its interval
    fresh = FreshPrices(PriceBook(redis, keys), max_age_s=config.alerts.poll_interval_s)
    return Monitoring(
        accounts=accounts,
        portfolio=PortfolioService(
            accounts,
            reads=reads,
            quote=config.portfolio.quote,
            dust_threshold=config.portfolio.dust_threshold,
            budget=budget,
            price_tolerance=config.portfolio.price_tolerance,
            tickers=TickerCache(fresh=fresh),
        ),
        history=HistoryService(
            accounts, reads=reads, budget=budget, lookback_days=config.exchanges.history_days
        ),
        market_data=MarketDataService(accounts, exchanger, fresh),
        exchanger=exchanger,
        pages=ScreenPages(redis, keys),
        withdrawal_requests=WithdrawalRequests(redis, keys, ActionStore(redis, keys)),
    )


def build_services(
    config: Config,
    redis: Redis,
    keys: Keys | None = None,
    accounts: AccountRegistry | None = None,
    alerts: UnknownAlerts | None = None,
) -> Services:
    keys = keys or Keys(config.redis.prefix)
    accounts = accounts or build_registry(config, redis)
    audit = AuditLog(redis, keys, secrets=config.secret_values())
    actions = ActionStore(redis, keys, inflight_lease_s=config.actions.inflight_lease_s)
    engine = ActionEngine(actions)
    team = team_from_config(config)
    twofactor = TwoFactor(redis, keys, config.security.encryption_key.get_secret_value())
    monitoring = build_monitoring(config, accounts, redis, keys)
    withdrawals = build_withdrawals(
        config, accounts, actions, engine, audit, team, redis, keys, twofactor, monitoring.portfolio.value
    )
    bids = BidDesk(
        monitoring.exchanger,
        actions,
        audit,
        confirm_ttl_s=config.orders.confirm_ttl_s,
        callback_url=lambda account: config.web.callback_url("exchanger", account),
    )
    # a "no such order" is believed once the request cannot still be on its way
    not_found_after_s = config.exchanges.request_timeout_s
    lookup = OrderLookup(accounts, actions, not_found_after_s=not_found_after_s)
    bid_lookup = BidLookup(monitoring.exchanger, not_found_after_s=not_found_after_s)
    reconciler = Reconciler(
        actions,
        engine,
        lookup,
        audit,
        alerts or LoggedAlerts(),
        interval_s=config.actions.reconcile_interval_s,
        finders={
            CANCEL: CancelLookup(accounts, not_found_after_s=not_found_after_s),
            BID: bid_lookup,
            BID_CANCEL: bid_lookup,
            WITHDRAWAL: WithdrawalLookup(accounts, actions),
        },
        on_failed={WITHDRAWAL: withdrawals.release},
    )
    return Services(
        config=config,
        keys=keys,
        team=team,
        audit=audit,
        user_settings=UserSettings(redis, keys),
        monitoring=monitoring,
        orders=OrderDesk(
            accounts,
            actions,
            engine,
            audit,
            price_guard=config.orders.price_guard,
            confirm_ttl_s=config.orders.confirm_ttl_s,
            senders={BID: bids.send_bid, BID_CANCEL: bids.send_cancel},
        ),
        withdrawals=withdrawals,
        twofactor=twofactor,
        callbacks=WithdrawalCallbackGuard(actions, audit, redis, keys),
        allowlist=AllowlistDesk(accounts, withdrawals.policy, audit, team),
        # approval messages are edited until a week after the request's deadline
        pushed=PushedMessages(redis, keys, keep_s=config.withdrawals.approval_timeout_s + 7 * 86_400),
        alerts=AlertDesk(
            accounts,
            AlertStore(
                redis, keys, hysteresis=config.alerts.hysteresis, max_per_member=config.alerts.max_per_member
            ),
            PriceBook(redis, keys),
            monitoring.market_data,
            interval_s=config.alerts.poll_interval_s,
        ),
        bids=bids,
        notifications=NotificationSettings(redis, keys),
        reconciler=reconciler,
    )


def build_withdrawals(
    config: Config,
    accounts: AccountRegistry,
    actions: ActionStore,
    engine: ActionEngine,
    audit: AuditLog,
    team: TeamDirectory,
    redis: Redis,
    keys: Keys,
    twofactor: TwoFactor,
    value: Valuer,
) -> WithdrawalDesk:
    """``value`` prices a request in the portfolio's quote for the limits set in it."""
    settings = config.withdrawals
    book = AddressBook(redis, keys, delay_s=settings.new_address_delay_h * 3600)
    rules = [
        Rule(
            r.account,
            r.asset,
            r.max_per_tx,
            r.max_per_day,
            frozenset(r.addresses),
            max_per_tx_quote=r.max_per_tx_quote,
            max_per_day_quote=r.max_per_day_quote,
        )
        for r in settings.policy
    ]
    return WithdrawalDesk(
        accounts,
        actions,
        engine,
        audit,
        WithdrawalPolicy(redis, keys, rules, book, quote=config.portfolio.quote, value=value),
        team,
        WithdrawalRequests(redis, keys, actions),
        approvals_required=settings.approvals_required,
        approval_timeout_s=settings.approval_timeout_s,
        confirm_ttl_s=settings.confirm_ttl_s,
        gate=step_up_gate(config, accounts, twofactor),
    )


def step_up_gate(config: Config, accounts: AccountRegistry, twofactor: TwoFactor) -> ApprovalGate:
    """Codes for approvals above `code_required_above` (all when unset) once a key is configured;
    without a key the config may not ask for codes (start-up refuses it), so none are asked."""
    if not twofactor.available:
        return NoStepUp()
    above = config.withdrawals.code_required_above or Decimal(0)
    return StepUpGate(twofactor, accounts, above=above, quote=config.portfolio.quote)


def build_dispatcher(
    services: Services,
    *,
    redis: Redis,
    i18n: I18n,
    metrics: BotMetrics,
    tracker: UpdateTracker,
    storage: BaseStorage,
) -> Dispatcher:
    """A Dispatcher with the middlewares in the order they must run, and every router attached."""
    # aiogram registers its FSM middleware first; it is disabled here and replaced below, inside the
    # Redis-outage middleware, by one that reads the state together with the user's settings.
    dp = Dispatcher(storage=storage, events_isolation=isolation_for(storage), disable_fsm=True)
    dp.workflow_data.update(services.workflow_data())

    group_notice = Throttle(redis, services.keys, "group-notice", window_s=NOTICE_WINDOW_S)
    # Outer update middlewares run in registration order, after aiogram's user context one.
    dp.update.outer_middleware(tracker)
    dp.update.outer_middleware(RedisOutageMiddleware(i18n, metrics, services.team, window_s=NOTICE_WINDOW_S))
    outbox = Outbox(redis, services.keys)
    dp.update.outer_middleware(
        UserStateMiddleware(
            storage, dp.fsm.events_isolation, redis=redis, user_settings=services.user_settings, outbox=outbox
        )
    )
    language = UserLanguageMiddleware(i18n, services.user_settings)
    dp.update.outer_middleware(language)
    dp.update.outer_middleware(PrivateChatsOnly(group_notice))
    dp.update.outer_middleware(
        TeamMiddleware(services.team, services.audit, metrics, window_s=STRANGER_WINDOW_S)
    )
    dp.update.outer_middleware(UserTimezoneMiddleware(services.config.display.tzinfo))
    dp.update.outer_middleware(UnblockOnContact(outbox))
    # Inner middlewares on the root router also wrap the handlers of every included router.
    roles = RoleMiddleware(services.audit, metrics)
    dp.message.middleware(roles)
    dp.callback_query.middleware(roles)
    dp.callback_query.outer_middleware(UnmatchedButtonMiddleware())

    dp.include_routers(*get_routers())
    # error handlers run after the update's middlewares have returned: they need the language again
    dp.errors.outer_middleware(language)
    dp.errors.register(on_error)
    return dp


def build_bot(config: Config) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(config.telegram.api_url))
    session.middleware(RetryAfterMiddleware())
    return Bot(token=config.telegram.token.get_secret_value(), session=session)


def connect_redis(config: Config) -> Redis:
    """A client of the configured Redis: the master the sentinels name when `[redis] sentinels` is set."""
    return create_redis(config.redis.url, sentinel=config.redis.sentinel)


def build_storage(config: Config, keys: Keys) -> RedisStorage:
    """FSM storage on its own client, with keys under the same prefix as everything else."""
    return RedisStorage(
        connect_redis(config),
        key_builder=DefaultKeyBuilder(prefix=keys("fsm"), with_bot_id=True),
    )


@dataclass
class BotApp:
    """The assembled process: what bot.runner starts and stops."""

    config: Config
    bot: Bot
    dispatcher: Dispatcher
    redis: Redis
    accounts: AccountRegistry
    storage: RedisStorage
    i18n: I18n
    metrics: BotMetrics
    tracker: UpdateTracker
    workers: Workers
    notifier: Notifier
    outbox: Outbox
    sender: OutboxSender
    callbacks: WithdrawalCallbackGuard

    @classmethod
    def from_config(cls, config: Config) -> BotApp:
        """Builds without touching the network: Redis connects lazily, Telegram on first call."""
        redis = connect_redis(config)
        keys = Keys(config.redis.prefix)
        accounts = build_registry(config, redis)
        i18n = build_i18n()
        bot = build_bot(config)
        outbox = Outbox(redis, keys)
        notifications = config.notifications
        # built before the services: the reconciler tells admins through it
        notifier = Notifier(
            bot,
            i18n,
            UserSettings(redis, keys),
            config.display.tzinfo,
            outbox=outbox,
            choices=NotificationSettings(redis, keys),
            redis=redis,
            keys=keys,
            group=notifications.team_group,
        )
        alerts = AdminAlerts(notifier, team_from_config(config))
        services = build_services(config, redis, keys, accounts=accounts, alerts=alerts)
        metrics = BotMetrics()
        tracker = UpdateTracker(metrics)
        storage = build_storage(config, services.keys)
        dispatcher = build_dispatcher(
            services, redis=redis, i18n=i18n, metrics=metrics, tracker=tracker, storage=storage
        )
        lease = LeaderLease(redis, services.keys("leader"), period_s=config.workers.leader_lease_s)
        notices = WithdrawalNotices(
            bot,
            notifier,
            services.withdrawals,
            services.pushed,
            services.team,
            config.notifications.approvals_chat_id,
            config.notifications.chat_id,
        )
        # the withdrawal handlers push to other members (approval requests) through these
        dispatcher.workflow_data["withdrawal_notices"] = notices
        alerts.follow(notices.update)
        expiry = WithdrawalExpiry(services.withdrawals, notices)
        scheduler = Scheduler()
        schedule_alerts(
            scheduler,
            services.alerts,
            accounts,
            AlertPushes(notifier, services.team),
            redis,
            services.keys,
            metrics,
            interval_s=config.alerts.poll_interval_s,
        )
        schedule_watchers(
            scheduler,
            accounts,
            WatcherPushes(notifier, services.team, services.withdrawals),
            redis,
            services.keys,
            config.watchers,
            ActionStore(redis, services.keys, inflight_lease_s=config.actions.inflight_lease_s),
            release=services.withdrawals.release,
        )
        return cls(
            config=config,
            bot=bot,
            dispatcher=dispatcher,
            redis=redis,
            accounts=accounts,
            storage=storage,
            i18n=i18n,
            metrics=metrics,
            tracker=tracker,
            # reconciliation runs at start-up (when this copy first leads) and then every interval
            workers=Workers(lease, [expiry, scheduler, services.reconciler]),
            notifier=notifier,
            outbox=outbox,
            callbacks=services.callbacks,
            sender=OutboxSender(
                bot,
                outbox,
                SendLimits(redis, services.keys, notifications.limits),
                metrics,
                consumer=lease.holder,
                claim_after_s=notifications.claim_after_s,
            ),
        )
