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


class PolicyRefused(ValueError):
    """``limit`` is the limit broken; ``used`` what the last 24 h already hold (per-day only)."""

    def __init__(self, problem: PolicyProblem, *, limit: Decimal | None = None, used: Decimal | None = None):
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.used = used


class WithdrawalPolicy:
    def __init__(self, redis: Redis, keys: Keys, rules: Iterable[Rule]) -> None:
        self._redis = redis
        self._keys = keys
        self._rules: Mapping[tuple[str, str], Rule] = {(r.account, r.asset.upper()): r for r in rules}

    def rule(self, account: str, asset: str) -> Rule | None:
        return self._rules.get((account, asset.upper()))

    def _usage_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage", account, asset.upper())

    def _amounts_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage-amounts", account, asset.upper())

    async def check(self, account: str, asset: str, amount: Decimal, address: str) -> None:
        """Raises PolicyRefused for a request outside the policy (nothing is reserved)."""
        rule = self.rule(account, asset)
        if rule is not None:
            used = await self.used(account, asset) if rule.max_per_day is not None else Decimal(0)
            check_rule(rule, amount, address, used)

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
                    check_rule(rule, amount, address, used)
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


def check_rule(rule: Rule, amount: Decimal, address: str, used: Decimal) -> None:
    if rule.addresses and address not in rule.addresses:
        raise PolicyRefused(PolicyProblem.NOT_ALLOWLISTED)
    if rule.max_per_tx is not None and amount > rule.max_per_tx:
        raise PolicyRefused(PolicyProblem.PER_TX, limit=rule.max_per_tx)
    if rule.max_per_day is not None and used + amount > rule.max_per_day:
        raise PolicyRefused(PolicyProblem.PER_DAY, limit=rule.max_per_day, used=used)
