"""The team's withdrawal policy per account and asset: a per-transaction limit, a rolling 24-hour limit
and an address allowlist. Usage is counted in Redis from the moment a request is confirmed (so
requests still awaiting approval count) and released when a request ends without leaving."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import WatchError

from services.redis_client import Keys
from services.withdrawals.allowlist import APPROVED, AddressBook

DAY_S = 86_400


@dataclass(frozen=True, slots=True)
class Rule:
    account: str
    asset: str
    max_per_tx: Decimal | None = None
    max_per_day: Decimal | None = None
    addresses: frozenset[str] = field(default_factory=frozenset)  # empty: any address


class PolicyProblem(StrEnum):
    PER_TX = "per_tx"
    PER_DAY = "per_day"
    NOT_ALLOWLISTED = "not_allowlisted"
    ADDRESS_PENDING = "address_pending"  # added to the allowlist, not yet approved by an admin
    ADDRESS_NOT_YET = "address_not_yet"  # approved, usable only after the delay


class PolicyRefused(ValueError):
    """``limit`` is the limit broken; ``used`` what the last 24 h already hold (per-day only);
    ``usable_from`` when an allowlisted address becomes usable."""

    def __init__(
        self,
        problem: PolicyProblem,
        *,
        limit: Decimal | None = None,
        used: Decimal | None = None,
        usable_from: float | None = None,
    ):
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.used = used
        self.usable_from = usable_from


class WithdrawalPolicy:
    def __init__(self, redis: Redis, keys: Keys, rules: Iterable[Rule], book: AddressBook) -> None:
        self._redis = redis
        self._keys = keys
        self.book = book
        self._rules: Mapping[tuple[str, str], Rule] = {(r.account, r.asset.upper()): r for r in rules}

    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def rule(self, account: str, asset: str) -> Rule | None:
        return self._rules.get((account, asset.upper()))

    def _usage_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage", account, asset.upper())

    def _amounts_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage-amounts", account, asset.upper())

    async def check(self, account: str, asset: str, amount: Decimal, address: str) -> None:
        """Raises PolicyRefused for a request outside the policy (nothing is reserved)."""
        await self.check_address(account, asset, address)
        rule = self.rule(account, asset)
        if rule is not None:
            used = await self.used(account, asset) if rule.max_per_day is not None else Decimal(0)
            check_rule(rule, amount, used)

    async def check_address(self, account: str, asset: str, address: str) -> None:
        """The allowlist of an account and asset is the config's pinned addresses and the entries added
        from chat; with neither, any address goes. An added entry counts once approved and matured."""
        rule = self.rule(account, asset)
        pinned = rule.addresses if rule is not None else frozenset()
        if address in pinned:
            return
        listed = await self.book.listed(account, asset)
        if not pinned and not listed:
            return
        entry = next((e for e in listed if e.address == address), None)
        if entry is None:
            raise PolicyRefused(PolicyProblem.NOT_ALLOWLISTED)
        if entry.state != APPROVED:
            raise PolicyRefused(PolicyProblem.ADDRESS_PENDING)
        if not entry.usable(time.time()):
            raise PolicyRefused(PolicyProblem.ADDRESS_NOT_YET, usable_from=entry.usable_from)

    async def usable_addresses(self, account: str, asset: str) -> list[tuple[str, str]]:
        """(address, label) that pass the allowlist now: the pinned ones, then the matured entries."""
        rule = self.rule(account, asset)
        pinned = sorted(rule.addresses) if rule is not None else []
        now = time.time()
        listed = [(e.address, e.label) for e in await self.book.listed(account, asset) if e.usable(now)]
        return [(address, "") for address in pinned] + [a for a in sorted(listed) if a[0] not in pinned]

    async def used(self, account: str, asset: str) -> Decimal:
        """What the last 24 hours hold: requests awaiting approval, sent, or of unknown outcome."""
        ids: list[str] = await self._redis.zrangebyscore(
            self._usage_key(account, asset), time.time() - DAY_S, "+inf"
        )
        amounts = await self._redis.hmget(self._amounts_key(account, asset), ids) if ids else []  # type: ignore[misc]
        return _total(amounts)

    async def reserve(self, action_id: str, account: str, asset: str, amount: Decimal, address: str) -> None:
        """Counts a confirmed request against the 24-hour limit, atomically with the check: two
        requests confirmed at once cannot both pass a limit only one of them fits."""
        await self.check_address(account, asset, address)
        rule = self.rule(account, asset)
        if rule is None:
            return
        usage, amounts = self._usage_key(account, asset), self._amounts_key(account, asset)
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(usage)
                    now = time.time()
                    ids: list[str] = await pipe.zrangebyscore(usage, now - DAY_S, "+inf")
                    used = _total(await pipe.hmget(amounts, ids) if ids else [])  # type: ignore[misc]
                    check_rule(rule, amount, used)
                    old: list[str] = await pipe.zrangebyscore(usage, "-inf", now - DAY_S)
                    pipe.multi()
                    pipe.zadd(usage, {action_id: now})
                    pipe.hset(amounts, action_id, format(amount, "f"))
                    if old:
                        pipe.zrem(usage, *old)
                        pipe.hdel(amounts, *old)
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    async def release(self, action_id: str, account: str, asset: str) -> None:
        """A request that ended without leaving (rejected, cancelled, expired, failed) stops counting."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._usage_key(account, asset), action_id)
            pipe.hdel(self._amounts_key(account, asset), action_id)
            await pipe.execute()


def _total(amounts: list[str | None]) -> Decimal:
    return sum((Decimal(a) for a in amounts if a is not None), Decimal(0))


def check_rule(rule: Rule, amount: Decimal, used: Decimal) -> None:
    if rule.max_per_tx is not None and amount > rule.max_per_tx:
        raise PolicyRefused(PolicyProblem.PER_TX, limit=rule.max_per_tx)
    if rule.max_per_day is not None and used + amount > rule.max_per_day:
        raise PolicyRefused(PolicyProblem.PER_DAY, limit=rule.max_per_day, used=used)
