"""The alert store and engine on real Redis: thresholds fire once, re-arm past the band and after the
cooldown, moves fire from the window, stale prices fire nothing, two engines claim each alert once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from services.alerts.conditions import parse_condition
from services.alerts.engine import AlertEngine
from services.alerts.prices import Quote
from services.alerts.store import AlertStore, Fired, LimitReached
from services.redis_client import Keys

pytestmark = pytest.mark.asyncio

ALICE, BOB = 1001, 1002
ACCOUNT, PAIR = "incorex-main", "BTC/USDT"
T0 = 1_800_000_000.0


def build(redis: Redis, keys: Keys, told: list[Fired], *, limit: int = 100) -> AlertEngine:
    store = AlertStore(redis, keys, hysteresis=Decimal("0.005"), max_per_member=limit)

    async def deliver(fired: Fired) -> None:
        told.append(fired)

    return AlertEngine(store, deliver, interval_s=10)


async def add(engine: AlertEngine, text: str, price: str | None = "100", member: int = ALICE) -> int:
    now_price = Decimal(price) if price is not None else None
    alert = await engine.store.create(member, ACCOUNT, PAIR, parse_condition(text.split()), now_price, T0)
    return alert.id


async def tick(engine: AlertEngine, price: str, at: float, seen: float | None = None) -> list[int]:
    quote = Quote(Decimal(price), at if seen is None else seen)
    return [f.alert.id for f in await engine.on_quotes(ACCOUNT, {PAIR: quote}, at)]


async def test_an_above_alert_fires_once_when_the_price_reaches_it(redis: Redis, keys: Keys) -> None:
    told: list[Fired] = []
    engine = build(redis, keys, told)
    alert = await add(engine, "> 110")
    assert await tick(engine, "109.99", T0 + 1) == []
    assert await tick(engine, "110", T0 + 2) == [alert]
    assert await tick(engine, "120", T0 + 3) == []
    assert [f.price for f in told] == [Decimal("110")]
    assert await engine.store.of_member(ALICE) == []  # a one-time alert is gone once fired


async def test_a_repeating_alert_re_arms_only_past_the_band_and_after_the_cooldown(
    redis: Redis, keys: Keys
) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "> 100 repeat cooldown=10m")
    assert await tick(engine, "101", T0 + 1) == [alert]
    assert await tick(engine, "99.6", T0 + 2) == []  # inside the 0.5 % band: not re-armed
    assert await tick(engine, "101", T0 + 3) == []
    assert await tick(engine, "99", T0 + 4) == []  # past the band, but cooling down
    assert await tick(engine, "101", T0 + 5) == []
    assert await tick(engine, "99", T0 + 602) == []  # cooldown over, past the band: re-armed
    assert await tick(engine, "101", T0 + 603) == [alert]


async def test_a_crossing_fires_each_way_it_crosses(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "x 100 repeat", price="105")
    assert await tick(engine, "101", T0 + 1) == []
    assert await tick(engine, "100", T0 + 2) == [alert]  # down through 100
    assert await tick(engine, "100.4", T0 + 3) == []
    assert await tick(engine, "101", T0 + 4) == [alert]  # and back up, past the band


async def test_a_below_alert_fires_at_or_under_its_price(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "< 90")
    assert await tick(engine, "95", T0 + 1) == []
    assert await tick(engine, "89", T0 + 2) == [alert]


async def test_a_move_fires_when_the_price_moves_that_much_within_the_period(
    redis: Redis, keys: Keys
) -> None:
    engine = build(redis, keys, [])
    rise = await add(engine, "+5% 1h", price=None)
    fall = await add(engine, "-3% 15m", price=None)
    assert await tick(engine, "100", T0 + 1) == []
    assert await tick(engine, "104", T0 + 60) == []
    assert await tick(engine, "105", T0 + 120) == [rise]
    assert await tick(engine, "102", T0 + 180) == []  # 105 -> 102 is -2.86 %: not yet
    assert await tick(engine, "101.8", T0 + 240) == [fall]


async def test_a_move_outside_its_period_does_not_count(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    await add(engine, "+5% 15m", price=None)
    assert await tick(engine, "100", T0) == []
    assert await tick(engine, "106", T0 + 16 * 60) == []


async def test_a_stale_price_fires_nothing(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "> 110")
    assert await tick(engine, "120", T0 + 100, seen=T0 + 60) == []  # seen 40 s ago, interval 10 s
    assert await tick(engine, "120", T0 + 101, seen=T0 + 100) == [alert]


async def test_an_expired_alert_never_fires(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    await add(engine, "> 110 expires=1h")
    assert await tick(engine, "120", T0 + 3601) == []
    assert await engine.store.of_member(ALICE) == []


async def test_paused_alerts_do_not_fire_until_resumed(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "> 110")
    assert await engine.store.pause(ALICE, alert)
    assert await tick(engine, "120", T0 + 1) == []
    assert await engine.store.resume(ALICE, alert, Decimal("100"))
    assert await tick(engine, "120", T0 + 2) == [alert]


async def test_a_member_cannot_touch_another_members_alert(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "> 110")
    assert not await engine.store.delete(BOB, alert)
    assert not await engine.store.pause(BOB, alert)
    assert await engine.store.delete(ALICE, alert)
    assert await tick(engine, "120", T0 + 1) == []
    assert await engine.store.accounts() == set()


async def test_the_per_member_limit_stores_nothing_more(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [], limit=2)
    await add(engine, "> 110")
    await add(engine, "> 120")
    with pytest.raises(LimitReached):
        await add(engine, "> 130")
    assert len(await engine.store.of_member(ALICE)) == 2
    assert len(await engine.store.of_member(BOB)) == 0


async def test_two_engines_on_one_redis_fire_each_alert_once(redis: Redis, keys: Keys) -> None:
    told: list[Fired] = []
    engines = [build(redis, keys, told), build(redis, keys, told)]
    ids = {await add(engines[0], f"> {100 + n}") for n in range(50)}
    await asyncio.gather(*(tick(e, "200", T0 + 1) for e in engines for _ in range(3)))
    assert sorted(f.alert.id for f in told) == sorted(ids)


async def test_the_expiry_sweep_removes_what_has_expired_only(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    soon = await add(engine, "> 110 expires=1h")
    later = await add(engine, "> 120 expires=2h")
    assert [a.id for a in await engine.store.expire_due(T0 + 3600)] == [soon]
    assert [a.id for a in await engine.store.of_member(ALICE)] == [later]


async def test_one_round_evaluates_every_market_at_its_own_price(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    store = engine.store
    btc = await store.create(ALICE, ACCOUNT, "BTC/USDT", parse_condition(["+5%", "1h"]), None, T0)
    eth = await store.create(ALICE, ACCOUNT, "ETH/USDT", parse_condition([">", "10"]), Decimal(9), T0)
    sol = await store.create(ALICE, ACCOUNT, "SOL/USDT", parse_condition(["<", "5"]), Decimal(6), T0)
    first = {"BTC/USDT": Quote(Decimal(100), T0), "ETH/USDT": Quote(Decimal(9), T0)}
    assert await engine.on_quotes(ACCOUNT, first, T0) == []
    stale = Quote(Decimal(4), T0 - 60)  # older than three intervals: SOL does not fire
    second = {
        "BTC/USDT": Quote(Decimal(105), T0 + 1),
        "ETH/USDT": Quote(Decimal(11), T0 + 1),
        "SOL/USDT": stale,
    }
    fired = await engine.on_quotes(ACCOUNT, second, T0 + 1)
    assert sorted((f.alert.id, f.price) for f in fired) == [(btc.id, Decimal(105)), (eth.id, Decimal(11))]
    assert [a.id for a in await store.of_member(ALICE)] == [sol.id]


async def test_an_alert_reads_back_as_it_was_set(redis: Redis, keys: Keys) -> None:
    engine = build(redis, keys, [])
    words = ["x", "0.00012345", "repeat", "cooldown=10m", "expires=7d", "pipes", "|", "and", "ünïcode"]
    alert = await engine.store.create(ALICE, "acc|name", "A|B", parse_condition(words), Decimal(1), T0 + 0.5)
    assert await engine.store.get(alert.id) == alert
    assert (alert.account, alert.symbol, alert.state) == ("acc|name", "A|B", "armed")
    assert alert.condition == replace(parse_condition(words), expires_s=None)  # kept as `expires`
    assert alert.expires == T0 + 1 + 7 * 86400  # whole seconds, rounded up
    assert await engine.store.pause(ALICE, alert.id)
    assert [(a.id, a.state, a.condition) for a in await engine.store.of_member(ALICE)] == [
        (alert.id, "paused", alert.condition)
    ]


async def test_a_repeating_move_re_arms_after_its_period_and_fires_in_that_round(
    redis: Redis, keys: Keys
) -> None:
    engine = build(redis, keys, [])
    alert = await add(engine, "+5% 15m repeat", price=None)
    assert await tick(engine, "100", T0) == []
    assert await tick(engine, "105", T0 + 60) == [alert]
    assert await tick(engine, "111", T0 + 120) == []  # waiting out its period
    assert await tick(engine, "117", T0 + 961) == [alert]  # 111 -> 117 within 15 minutes, re-armed now
