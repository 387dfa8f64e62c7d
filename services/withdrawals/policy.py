"""The team's withdrawal policy per account and asset: a per-transaction limit, a rolling 24-hour limit
(each in the asset and in the portfolio's quote) and an address allowlist. Usage is counted in Redis from
the moment a request is confirmed (so requests still awaiting approval count) and released when a request
ends without leaving. A request is valued in the quote once, when it is checked or reserved, and counts at
that value for its 24 hours; one that cannot be valued is refused where a quote limit applies."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
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
    # the same limits valued in the portfolio's quote
    max_per_tx_quote: Decimal | None = None
    max_per_day_quote: Decimal | None = None

    @property
    def in_quote(self) -> bool:
        return self.max_per_tx_quote is not None or self.max_per_day_quote is not None


class PolicyProblem(StrEnum):
    PER_TX = "per_tx"
    PER_DAY = "per_day"
    PER_TX_QUOTE = "per_tx_quote"
    PER_DAY_QUOTE = "per_day_quote"
    UNPRICED = "unpriced"  # a quote limit applies and no price values the request
    NOT_ALLOWLISTED = "not_allowlisted"
    ADDRESS_PENDING = "address_pending"  # added to the allowlist, not yet approved by an admin
    ADDRESS_NOT_YET = "address_not_yet"  # approved, usable only after the delay


class PolicyRefused(ValueError):
    """``limit`` is the limit broken; ``used`` what the last 24 h already hold (per-day only);
    ``value`` the request's worth in ``quote`` (quote limits); ``usable_from`` when an allowlisted
    address becomes usable."""

    def __init__(
        self,
        problem: PolicyProblem,
        *,
        limit: Decimal | None = None,
        used: Decimal | None = None,
        value: Decimal | None = None,
        quote: str = "",
        usable_from: float | None = None,
    ):
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.used = used
        self.value = value
        self.quote = quote
        self.usable_from = usable_from


#: (account, asset, amount) -> its worth in the portfolio's quote, or None when nothing prices it
Valuer = Callable[[str, str, Decimal], Awaitable[Decimal | None]]


class WithdrawalPolicy:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        rules: Iterable[Rule],
        book: AddressBook,
        *,
        quote: str = "",
        value: Valuer | None = None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self.book = book
        self._rules: Mapping[tuple[str, str], Rule] = {(r.account, r.asset.upper()): r for r in rules}
        self.quote = quote
        self._value = value
        if value is None and any(r.in_quote for r in self._rules.values()):
            raise ValueError("limits in the quote need a valuer")

    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def rule(self, account: str, asset: str) -> Rule | None:
        return self._rules.get((account, asset.upper()))

    def _usage_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage", account, asset.upper())

    def _amounts_key(self, account: str, asset: str) -> str:
        return self._keys("wd-usage-amounts", account, asset.upper())

    def _values_key(self, account: str, asset: str) -> str:
        """action id -> its worth in the quote when it was reserved."""
        return self._keys("wd-usage-values", account, asset.upper())

    async def check(self, account: str, asset: str, amount: Decimal, address: str) -> None:
        """Raises PolicyRefused for a request outside the policy (nothing is reserved)."""
        await self.check_address(account, asset, address)
        rule = self.rule(account, asset)
        if rule is not None:
            value = await self._valued(rule, amount)
            ids = await self._window(account, asset)
            used = await self._sum(self._amounts_key(account, asset), ids)
            used_value = await self._sum(self._values_key(account, asset), ids)
            check_rule(rule, amount, used, value, used_value, self.quote)

    async def _valued(self, rule: Rule, amount: Decimal) -> Decimal | None:
        """The request's worth in the quote where a quote limit applies (else None, not needed)."""
        if not rule.in_quote or self._value is None:
            return None
        value = await self._value(rule.account, rule.asset, amount)
        if value is None:
            raise PolicyRefused(PolicyProblem.UNPRICED, quote=self.quote)
        return value

    async def _window(self, account: str, asset: str) -> list[str]:
        return await self._redis.zrangebyscore(self._usage_key(account, asset), time.time() - DAY_S, "+inf")

    async def _sum(self, key: str, ids: list[str]) -> Decimal:
        return _total(await self._redis.hmget(key, ids) if ids else [])  # type: ignore[misc]

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
        return await self._sum(self._amounts_key(account, asset), await self._window(account, asset))

    async def used_value(self, account: str, asset: str) -> Decimal:
        """The same in the quote, each request at its value when it was reserved."""
        return await self._sum(self._values_key(account, asset), await self._window(account, asset))

    async def reserve(self, action_id: str, account: str, asset: str, amount: Decimal, address: str) -> None:
        """Counts a confirmed request against the 24-hour limit, atomically with the check: two
        requests confirmed at once cannot both pass a limit only one of them fits."""
        await self.check_address(account, asset, address)
        rule = self.rule(account, asset)
        if rule is None:
            return
        # valued before the transaction (a price is a request away); the value is what counts from now on
        value = await self._valued(rule, amount)
        usage, amounts = self._usage_key(account, asset), self._amounts_key(account, asset)
        values = self._values_key(account, asset)
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(usage)
                    now = time.time()
                    ids: list[str] = await pipe.zrangebyscore(usage, now - DAY_S, "+inf")
                    used = _total(await pipe.hmget(amounts, ids) if ids else [])  # type: ignore[misc]
                    used_value = _total(await pipe.hmget(values, ids) if ids else [])  # type: ignore[misc]
                    check_rule(rule, amount, used, value, used_value, self.quote)
                    old: list[str] = await pipe.zrangebyscore(usage, "-inf", now - DAY_S)
                    pipe.multi()
                    pipe.zadd(usage, {action_id: now})
                    pipe.hset(amounts, action_id, format(amount, "f"))
                    if value is not None:
                        pipe.hset(values, action_id, format(value, "f"))
                    if old:
                        pipe.zrem(usage, *old)
                        pipe.hdel(amounts, *old)
                        pipe.hdel(values, *old)
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    async def release(self, action_id: str, account: str, asset: str) -> None:
        """A request that ended without leaving (rejected, cancelled, expired, failed) stops counting."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._usage_key(account, asset), action_id)
            pipe.hdel(self._amounts_key(account, asset), action_id)
            pipe.hdel(self._values_key(account, asset), action_id)
            await pipe.execute()


def _total(amounts: list[str | None]) -> Decimal:
    return sum((Decimal(a) for a in amounts if a is not None), Decimal(0))


def check_rule(
    rule: Rule,
    amount: Decimal,
    used: Decimal,
    value: Decimal | None = None,
    used_value: Decimal = Decimal(0),
    quote: str = "",
) -> None:
    """``value``: the request's worth in ``quote`` (needed where the rule has a quote limit)."""
    if rule.max_per_tx is not None and amount > rule.max_per_tx:
        raise PolicyRefused(PolicyProblem.PER_TX, limit=rule.max_per_tx)
    if rule.max_per_day is not None and used + amount > rule.max_per_day:
        raise PolicyRefused(PolicyProblem.PER_DAY, limit=rule.max_per_day, used=used)
    if not rule.in_quote:
        return
    if value is None:
        raise PolicyRefused(PolicyProblem.UNPRICED, quote=quote)
    if rule.max_per_tx_quote is not None and value > rule.max_per_tx_quote:
        raise PolicyRefused(PolicyProblem.PER_TX_QUOTE, limit=rule.max_per_tx_quote, value=value, quote=quote)
    if rule.max_per_day_quote is not None and used_value + value > rule.max_per_day_quote:
        raise PolicyRefused(
            PolicyProblem.PER_DAY_QUOTE,
            limit=rule.max_per_day_quote,
            used=used_value,
            value=value,
            quote=quote,
        )
