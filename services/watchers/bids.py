"""Bids created through the bot, followed through their statuses: each change told once to the member who
created it.

Two sources. The site posts to a bid's ``callback_url`` when its status changes, to whichever copy of the
bot the proxy picks; the document gives such a post no signature, so it is only a hint: the bid it names
(one the bot created and still follows, else the post is refused and audited) is looked up with
``bid_info`` by the leader within a second, before anyone is told. And every open bid is looked up at the
account's interval, in case a post never comes. What was told is the bid's status, kept per action in
Redis and changed in one atomic step with the time its look-up began, so a change is told once whichever
source or copy sees it first, and an older answer never after a newer one; the status shown when the bid
was created is the starting point. A bid in a final status leaves
``submitted``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from services.accounts import Account
from services.actions.records import Action, wire_text
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.bids import BID
from services.exchanges import errors
from services.exchanges.callbacks import CallbackReply
from services.exchanges.exchanger.callback import OK, REFUSED, BidUpdates
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import Bid
from services.redis_client import Keys
from services.watchers.seen import KEEP_S

log = logging.getLogger(__name__)

#: how often the leader looks for bids a callback named
HINT_TICK_S = 1.0
#: bids looked up at most per poll (the least recently looked at first), so one account's background
#: requests stay within its budget however many bids are open
MAX_PER_POLL = 10

# Settles one look-up: the status told, unless a look-up begun later has settled already (an older
# answer is never told after a newer one, whichever copy or source had it). Answers the status told
# before ('' when none), or nothing when there is nothing to tell. With ARGV[5] = "ask" it only answers,
# writing nothing: the news is told between asking and settling, so a crash loses no push.
# KEYS: statuses told (hash), look-ups settled (sorted set: action id -> when that look-up began)
# ARGV: action id, status, when this look-up began (Redis time), seconds to keep both, "ask" or "settle"
_SETTLE = """
local last = redis.call('ZSCORE', KEYS[2], ARGV[1])
if last and tonumber(last) >= tonumber(ARGV[3]) then return false end
if ARGV[5] == 'ask' then
  local told = redis.call('HGET', KEYS[1], ARGV[1])
  if told == ARGV[2] then return false end
  return told or ''
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[4])
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return old or ''
"""
# actor of the audit entry when the post names no bid of ours
NOBODY = 0


@dataclass(frozen=True, slots=True)
class BidNews:
    action: Action
    bid: Bid

    @property
    def event(self) -> str:
        """Names this news, so telling it twice pushes it once."""
        return f"bid:{self.action.id}:{self.bid.status.value}"


Tell = Callable[[BidNews], Awaitable[None]]


def follows_bids(account: Account) -> bool:
    return isinstance(account.client, ExchangerClient)


async def open_bids(store: ActionStore, account: str) -> list[Action]:
    return [
        a
        for a in await store.in_state(ActionState.SUBMITTED)
        if a.kind == BID and a.account == account and a.exchange_id
    ]


class _Names:
    def __init__(self, keys: Keys, account: str) -> None:
        self.hints = keys("watch", "bids", account, "hints")  # bid ids a callback named
        self.told = keys("watch", "bids", account, "status")  # action id -> status told
        self.looked = keys("watch", "bids", account, "looked")  # action id -> when last looked up


class BidTracker:
    def __init__(
        self,
        account: Account,
        store: ActionStore,
        redis: Redis,
        keys: Keys,
        tell: Tell,
    ) -> None:
        self.account = account
        self._store = store
        self._redis = redis
        self._names = _Names(keys, account.name)
        self._settle_script = redis.register_script(_SETTLE)
        self._tell = tell

    async def poll(self) -> None:
        """Every open bid, the least recently looked at first, at most MAX_PER_POLL of them."""
        bids = await open_bids(self._store, self.account.name)
        if not bids:
            return
        looked = await self._redis.zmscore(self._names.looked, [a.id for a in bids])
        order = sorted(zip(bids, looked, strict=True), key=lambda pair: pair[1] or 0.0)
        for action, _ in order[:MAX_PER_POLL]:
            if not await self._look_up(action):
                return

    async def hinted(self) -> None:
        """The bids callbacks named since the last tick."""
        named: list[str] = await self._redis.spop(self._names.hints, MAX_PER_POLL)  # type: ignore[misc]
        if not named:
            return
        by_bid = {a.exchange_id: a for a in await open_bids(self._store, self.account.name)}
        for bid_id in named:
            action = by_bid.get(bid_id)
            if action is None:
                continue  # ended meanwhile: told already
            if not await self._look_up(action):
                return  # the site does not answer: the poll at the interval looks them up

    async def _look_up(self, action: Action) -> bool:
        """False when the site did not answer."""
        seconds, micros = await self._redis.time()
        began = seconds + micros / 1_000_000  # Redis' clock: one for every copy
        client = self.account.client
        assert isinstance(client, ExchangerClient)
        try:
            bid = await client.bid_info(bid_id=action.exchange_id)
        except errors.ExchangeError as exc:
            log.warning("bid tracker %s: bid %s: %s", self.account.name, action.exchange_id, exc)
            return False
        await self._settle(action, bid, began)
        return True

    async def _settle(self, action: Action, bid: Bid, began: float) -> None:
        keys = [self._names.told, self._names.looked]
        args = [action.id, bid.status.value, repr(began), KEEP_S]
        told = await self._settle_script(keys=keys, args=[*args, "ask"])
        before = None if told is None else str(told)
        if before == "":  # first look: the status shown when the bid was created was told then
            before = action.result.get("status", "")
        # told before it is settled: a crash in between tells it again, and the outbox queues it once
        if before is not None and before != bid.status.value:
            await self._tell(BidNews(action, bid))
        await self._settle_script(keys=keys, args=[*args, "settle"])
        if bid.is_final:
            result = json.dumps({"status": bid.status.value, "get": wire_text(bid.amount_get)})
            await self._store.move(
                action.id, ActionState.COMPLETED, {"result": result}, only_from=[ActionState.SUBMITTED]
            )


class BidCallbacks:
    """The account's callback endpoint: a post naming a bid the bot created and still follows becomes a
    hint for the tracker (answered ``ok``); anything else is refused. Refusals and new hints are audited."""

    def __init__(
        self, account: str, updates: BidUpdates, store: ActionStore, audit: AuditLog, redis: Redis, keys: Keys
    ) -> None:
        self._account = account
        self._updates = updates
        self._store = store
        self._audit = audit
        self._redis = redis
        self._hints = _Names(keys, account).hints

    async def answer(self, params: Mapping[str, str]) -> CallbackReply:
        bid_id = self._updates.bid_id(params)
        action = None
        if bid_id is not None:
            action = next(
                (a for a in await open_bids(self._store, self._account) if a.exchange_id == bid_id), None
            )
        refused = "malformed" if bid_id is None else ("not_followed" if action is None else None)
        details = {
            "account": self._account,
            "bid_id": (bid_id or params.get("bid_id", ""))[:64],
            "action": action.id if action else "",
            "answer": OK if refused is None else REFUSED,
            "reason": refused or "",
        }
        if action is not None:
            # a post repeated before the leader looked adds nothing: one entry per hint
            if await self._redis.sadd(self._hints, action.exchange_id):  # type: ignore[misc]
                await self._redis.expire(self._hints, KEEP_S)
                await self._audit.record(action.member_id, "bid.callback", details)
            return CallbackReply(200, OK)
        await self._audit.record(NOBODY, "bid.callback", details)
        return CallbackReply(403, REFUSED)
