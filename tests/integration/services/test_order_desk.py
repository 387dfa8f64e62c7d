"""The order desk against a simulator over real HTTP: a confirmed order reaches the exchange once; a
rejected one never leaves the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from sandbox.exchanges.common.seed import Seed
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.exchanges import errors
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import OrderSide
from services.orders.desk import OrderDesk
from services.orders.ticket import OrderProblem, OrderRejected, OrderRequest
from services.redis_client import Keys

pytestmark = pytest.mark.integration

CAROL, BOB = 1004, 1002
ACCOUNT = "iqfinex-main"


@dataclass
class Desk:
    desk: OrderDesk
    sim: SimExchangeState
    audit: AuditLog

    def orders_at_exchange(self) -> int:
        return len(self.sim.orders_of("alice"))

    def writes_at_exchange(self) -> int:
        return sum(self.sim.stats()["writes"].values())


@pytest.fixture
async def desk(redis: Redis, keys: Keys) -> AsyncIterator[Desk]:
    module = __import__("sandbox.exchanges.iqfinex", fromlist=["create_app"])
    app = module.create_app(Seed.default("iqfinex"))
    async with running(app) as base_url:
        alice = app[STATE_KEY].seed.account("alice")
        config = ClientConfig(ACCOUNT, Credentials(alice.api_key, alice.api_secret), base_url=base_url)
        accounts = AccountRegistry.build([("iqfinex", config)])
        store = ActionStore(redis, keys)
        audit = AuditLog(redis, keys)
        order_desk = OrderDesk(
            accounts, store, ActionEngine(store), audit, price_guard=Decimal("0.1"), confirm_ttl_s=60
        )
        try:
            yield Desk(order_desk, app[STATE_KEY], audit)
        finally:
            await accounts.close()


def near_market_buy(desk: Desk, amount: str = "0.01") -> OrderRequest:
    mid = desk.sim.book("BTC/USDT").reference_price()
    assert mid is not None
    price = mid * Decimal("0.97")  # within the 10 % guard, below the asks: the order rests
    return OrderRequest(ACCOUNT, "btc_usdt", OrderSide.BUY, Decimal(amount), price.quantize(Decimal("0.01")))


async def test_a_confirmed_order_reaches_the_exchange_once(desk: Desk) -> None:
    before = desk.orders_at_exchange()
    previewed = await desk.desk.preview(CAROL, CAROL, near_market_buy(desk))
    assert desk.orders_at_exchange() == before  # a preview sends nothing
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    outcome = await desk.desk.execute(previewed.token, CAROL)
    assert outcome.executed_here and outcome.action is not None
    assert outcome.action.state is ActionState.SUBMITTED and outcome.action.exchange_id
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.USED
    assert not (await desk.desk.execute(previewed.token, CAROL)).executed_here
    assert desk.orders_at_exchange() == before + 1
    kinds = [entry.action for entry in await desk.audit.latest(10)]
    # newest first: the refused second press is on record too
    assert kinds[:4] == ["order.confirm", "order.result", "order.confirm", "order.preview"]


async def test_someone_elses_press_and_a_cancel_send_nothing(desk: Desk) -> None:
    previewed = await desk.desk.preview(CAROL, CAROL, near_market_buy(desk))
    assert await desk.desk.decide(previewed.token, BOB, CAROL, confirm=True) is Decision.NOT_YOURS
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=False) is Decision.OK
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.USED
    assert not (await desk.desk.execute(previewed.token, CAROL)).executed_here
    assert desk.writes_at_exchange() == 0


@pytest.mark.parametrize(
    ("amount", "problem"),
    [("1000000", OrderProblem.INSUFFICIENT_FUNDS), ("0.0000000001", OrderProblem.AMOUNT_TOO_SMALL)],
)
async def test_an_order_the_exchange_would_refuse_is_never_sent(
    desk: Desk, amount: str, problem: OrderProblem
) -> None:
    with pytest.raises(OrderRejected) as rejected:
        await desk.desk.preview(CAROL, CAROL, near_market_buy(desk, amount))
    assert rejected.value.problem is problem
    assert desk.writes_at_exchange() == 0


async def test_an_unknown_pair_is_named_and_nothing_is_sent(desk: Desk) -> None:
    request = OrderRequest(ACCOUNT, "DOGE/EUR", OrderSide.BUY, Decimal(1), Decimal(1))
    with pytest.raises(errors.UnknownPair):
        await desk.desk.preview(CAROL, CAROL, request)
    assert desk.writes_at_exchange() == 0


async def test_a_price_far_from_the_market_needs_a_second_confirm(desk: Desk) -> None:
    request = OrderRequest(ACCOUNT, "BTC/USDT", OrderSide.BUY, Decimal("0.01"), Decimal(100))
    previewed = await desk.desk.preview(CAROL, CAROL, request)
    assert previewed.preview.needs_guard
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.AGAIN
    assert not (await desk.desk.execute(previewed.token, CAROL)).executed_here  # not confirmed yet
    assert desk.writes_at_exchange() == 0
    assert await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    await desk.desk.execute(previewed.token, CAROL)
    assert desk.writes_at_exchange() == 1


async def test_every_order_step_is_audited_with_its_account_and_exchange_ids(desk: Desk) -> None:
    previewed = await desk.desk.preview(CAROL, CAROL, near_market_buy(desk))
    await desk.desk.decide(previewed.token, CAROL, CAROL, confirm=True)
    outcome = await desk.desk.execute(previewed.token, CAROL)
    assert outcome.action is not None
    # newest first; the account filter finds every step of the order, not only its preview
    result, confirm, preview = await desk.audit.latest(10, account=ACCOUNT)
    assert [entry.action for entry in (result, confirm, preview)] == [
        "order.result",
        "order.confirm",
        "order.preview",
    ]
    key = outcome.action.idempotency_key
    assert {entry.details["client_order_id"] for entry in (result, confirm, preview)} == {key}
    assert preview.details["pair"] == "BTC/USDT" and preview.details["amount"] == "0.01"
    assert (result.details["state"], result.details["exchange_id"]) == (
        "submitted",
        outcome.action.exchange_id,
    )
    assert result.details["status"] == "open" and "filled" in result.details
    assert confirm.details["decision"] == "ok"


async def test_no_audit_entry_holds_a_credential(desk: Desk) -> None:
    done = await desk.desk.preview(CAROL, CAROL, near_market_buy(desk))
    await desk.desk.decide(done.token, BOB, CAROL, confirm=True)  # refused: not his
    await desk.desk.decide(done.token, CAROL, CAROL, confirm=True)
    await desk.desk.execute(done.token, CAROL)
    dropped = await desk.desk.preview(CAROL, CAROL, near_market_buy(desk))
    await desk.desk.decide(dropped.token, CAROL, CAROL, confirm=False)
    alice = desk.sim.seed.account("alice")
    credentials = [alice.api_key, alice.api_secret]
    window = await desk.audit.window()
    assert len(window.links) == 6  # two previews, three presses, one result
    for link in window.links:
        for field in (link.details, link.action, link.entry_id):
            assert not [secret for secret in credentials if secret in field], link


async def test_a_credential_given_to_the_log_is_masked_before_it_is_chained(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys, secrets=["IQ-SECRET-0001", "IQ-KEY-0001"])
    await audit.record(CAROL, "order.result", {"error": "refused for IQ-KEY-0001, signed IQ-SECRET-0001"})
    [link] = (await audit.window()).links
    assert "IQ-KEY-0001" not in link.details and "IQ-SECRET-0001" not in link.details
    assert (await audit.verify()).report.intact
