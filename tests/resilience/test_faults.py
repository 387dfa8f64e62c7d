"""The real bot with a fifth of every exchange's requests failing (5xx, timeouts, malformed bodies, 429,
dropped connections, seeded and printed) through a scripted session of reads, alerts, orders and
withdrawals: it stays up, every read is answered with its data or the reason, and no write reaches an
exchange twice. Then the secrets canary: none of the configured secrets (API keys and secrets, the
encryption key, the bot token) is in the bot's log, a chat, a Redis value or the metrics."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio

from sandbox.exchanges.common import Fault, SimExchangeState
from sandbox.telegram.client import SentMessage
from services.actions.states import ActionState
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_forks import SETTLED, settled_actions
from tests.e2e.monitoring_stack import Stack, edited, has_text, running_stack

pytestmark = [pytest.mark.resilience, pytest.mark.asyncio(loop_scope="module")]

SEED = 15_2026
SHARE = 0.2
# each kind its own chance, so that one request in five meets one of them; the answer spoiled after the
# handler ran (the write happened) where a real network loses answers
FAULTS = (
    Fault("status", status=500),
    Fault("status", status=503, after=True),
    Fault("timeout", seconds=3, after=True),  # longer than the bot waits (request_timeout_s = 2)
    Fault("malformed", after=True),
    Fault("malformed", style="html"),
    Fault("rate_limit", seconds=1),
    Fault("drop", after=True),
)
ALICE, BOB, CAROL, MALLORY, DAVE = 1001, 1002, 1003, 1004, 1005
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
ENCRYPTION_KEY = "canary-encryption-key-0f3c9a7e51d2b8"
ACCOUNTS = ("incorex-main", "indodax-main", "iqfinex-main", "narkasa-main")
# a read, and what its answer starts with whether the data came or the reason it did not
READS = (
    ("/balance", "Balances"),
    ("/portfolio", "Portfolio in USDT"),
    ("/orders", "Open orders"),
    ("/trades", "Trades"),
    ("/deposits", "Deposits"),
    ("/withdrawals", "Withdrawals"),
    ("/price incorex-main BTC/USDT", "incorex-main"),
    ("/price iqfinex-main BTC/USDT", "iqfinex-main"),
    ("/price indodax-main BTC/IDR", "indodax-main"),
    ("/book narkasa-main BTC/USDT", "narkasa-main"),
)
ORDERS = (("indodax", "BTC/IDR", Decimal(1)), ("iqfinex", "BTC/USDT", Decimal("0.01")))
WITHDRAWALS = ("incorex", "narkasa")  # valued in USDT on their own markets, for the step-up
ATTEMPTS = 5  # a preview that could not be built (a read failed, and the reply said so) is asked again
OUR_FAULT = "Something went wrong on our side"
SENT_OR_WHY = ("Sent: withdrawal", "Not sent", "No definite answer")
CONFIG = {
    "security": {"encryption_key": ENCRYPTION_KEY},
    # the key is configured for the canary; approvals here need no step-up code
    "withdrawals": {"approvals_required": 1, "approval_timeout_s": 120, "code_required_above": "1000000000"},
    "alerts": {"poll_interval_s": 1},
    "actions": {"inflight_lease_s": 1, "reconcile_interval_s": 1},
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("faults"), CONFIG) as running:
        yield running


def spoil(stack: Stack) -> None:
    chance = 1 - (1 - SHARE) ** (1 / len(FAULTS))
    print(f"{SHARE:.0%} faults on every exchange, seeded with {SEED}")
    for number, name in enumerate(sorted(stack.exchanges)):
        plan = stack.state(name).faults
        plan.rng.seed(SEED + number)
        for fault in FAULTS:
            plan.add("*", Fault(**{**vars(fault), "chance": chance}))


def heal(stack: Stack) -> None:
    for name in stack.exchanges:
        stack.state(name).faults.clear()


async def preview(stack: Stack, member: int, command: str, title: str, amount: str) -> SentMessage:
    """The preview of ``command``; while a read it needs fails, the reply says why and it is asked again."""
    account = command.split()[1]
    for _ in range(ATTEMPTS):
        reply = await stack.ask(member, command, has_text(account), wait_s=60)
        assert OUR_FAULT not in (reply.text or ""), reply.text
        if title in (reply.text or "") and amount in (reply.text or ""):
            return reply
    raise AssertionError(f"no preview for {command} in {ATTEMPTS} attempts; last: {reply.text}")


def ended(message: SentMessage, *outcomes: str) -> Callable[[SentMessage], bool]:
    return lambda m: any(edited(message, outcome)(m) for outcome in outcomes)


def orders_with(sim: SimExchangeState, pair: str, amount: Decimal) -> int:
    return sum(1 for o in sim.orders_of("alice", pair) if o.amount == amount)


def withdrawals_with(sim: SimExchangeState, amount: Decimal) -> int:
    return sum(
        1 for t in sim.transfers.query("alice", "withdrawal", "BTC") if amount in (t.amount, t.amount + t.fee)
    )


async def test_under_a_fifth_of_requests_failing_the_bot_answers_and_sends_nothing_twice(
    stack: Stack,
) -> None:
    spoil(stack)
    for _ in range(2):
        for command, title in READS:
            reply = await stack.ask(DAVE, command, has_text(title), wait_s=60)
            text = reply.text or ""
            assert OUR_FAULT not in text, (command, text)
            if title == "Balances":  # every account: its holdings, or why not
                assert all(account in text for account in ACCOUNTS), text

    base = stack.state("iqfinex").book("BTC/USDT").reference_price()
    assert base is not None
    threshold = (base * Decimal("1.05")).quantize(Decimal(1))
    alert = await preview(stack, DAVE, f"/alert iqfinex-main BTC/USDT > {threshold}", "Alert set", "")
    number = re.search(r"#(\d+)", alert.text or "")
    assert number is not None
    stack.state("iqfinex").reprice("BTC/USDT", threshold * Decimal("1.01"))
    await stack.client.wait_for(DAVE, has_text(f"Alert #{number.group(1)}\n"), timeout=60)

    placed: list[tuple[str, str, Decimal]] = []
    for index, (exchange, pair, step) in enumerate(ORDERS * 2):
        mid = stack.state(exchange).book(pair).reference_price()
        assert mid is not None
        amount = Decimal("0.00131") + Decimal("0.00001") * index
        price = (mid * Decimal("0.95")).quantize(step)
        shown = await preview(
            stack, CAROL, f"/buy {exchange}-main {pair} {amount} {price}", "Order preview", str(amount)
        )
        await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        await stack.client.wait_for(
            CAROL, ended(shown, "Placed: order", "Not placed", "No definite answer"), timeout=60
        )
        placed.append((exchange, pair, amount))

    withdrawn: list[tuple[str, Decimal]] = []
    for index, exchange in enumerate(WITHDRAWALS * 2):
        amount = Decimal("0.00231") + Decimal("0.00001") * index
        command = f"/withdraw {exchange}-main BTC {amount} {ADDRESS}"
        shown = await preview(stack, CAROL, command, "Withdrawal preview", str(amount))
        await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        asked = await stack.client.wait_for(
            BOB, has_text("Withdrawal request from carol", str(amount)), timeout=60
        )
        pressed = await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
        if "needs a code" in ((await stack.client.callback_answer(pressed, timeout=30)).text or ""):
            # the withdrawal could not be valued (its ticker read failed): the step-up is not skipped;
            # bob has no code, so carol withdraws the request
            await stack.client.press(CAROL, CAROL, shown.message_id, text="✖️ Cancel")
            await stack.client.wait_for(CAROL, edited(shown, "Cancelled by the requester"), timeout=60)
        else:  # the requester hears the outcome in a new message
            await stack.client.wait_for(
                CAROL,
                lambda m, a=str(amount): has_text(a)(m) and any(has_text(o)(m) for o in SENT_OR_WHY),
                timeout=60,
            )
        withdrawn.append((exchange, amount))

    assert stack.process is not None and stack.process.returncode is None  # it stayed up
    injected = sum(sum(stack.state(name).faults.injected.values()) for name in stack.exchanges)
    print(f"faults injected: {injected}")
    heal(stack)
    actions = await settled_actions(stack.redis_prefix)
    for exchange, pair, amount in placed:
        assert orders_with(stack.state(exchange), pair, amount) <= 1, (exchange, amount)
    for exchange, amount in withdrawn:
        assert withdrawals_with(stack.state(exchange), amount) <= 1, (exchange, amount)
    assert all(a.state in SETTLED or a.state is ActionState.UNKNOWN for a in actions)
    assert injected > 0
    async with aiohttp.ClientSession() as http, http.get(f"{stack.web_url}/healthz") as health:
        assert health.status == 200


def configured_secrets(stack: Stack) -> list[str]:
    found = [stack.secrets.token, ENCRYPTION_KEY]
    for exchange in stack.exchanges.values():
        account = exchange.account
        found += [value for value in (account.api_key, account.api_secret, account.api_login) if value]
    return found


async def redis_values(prefix: str) -> list[str]:
    """Every value under the bot's prefix, whatever its type, as text."""
    redis = create_redis(REDIS_URL)
    values: list[str] = []
    try:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            kind = await redis.type(key)
            if kind == "string":
                values.append(str(await redis.get(key)))
            elif kind == "hash":
                values += [f"{k}={v}" for k, v in (await redis.hgetall(key)).items()]  # type: ignore[misc]
            elif kind == "list":
                values += await redis.lrange(key, 0, -1)  # type: ignore[misc]
            elif kind == "set":
                values += await redis.smembers(key)  # type: ignore[misc]
            elif kind == "zset":
                values += await redis.zrange(key, 0, -1)
            elif kind == "stream":
                values += [str(fields) for _id, fields in await redis.xrange(key)]
    finally:
        await redis.aclose()
    return values


# after the faulty session above: its errors, retries and tracebacks are in what is scanned
async def test_no_configured_secret_is_in_a_log_a_chat_redis_or_the_metrics(stack: Stack) -> None:
    secrets = configured_secrets(stack)
    assert stack.process is not None and len(secrets) >= 10
    chats = [
        m.text or m.caption or ""
        for chat in (ALICE, BOB, CAROL, MALLORY, DAVE)
        for m in await stack.client.messages(chat)
    ]
    async with aiohttp.ClientSession() as http, http.get(f"{stack.web_url}/metrics") as metrics:
        exposed = await metrics.text()
    places = {
        "log": [stack.process.output],
        "chats": chats,
        "redis": await redis_values(stack.redis_prefix),
        "metrics": [exposed],
    }
    assert (
        "Traceback" in stack.process.output
        or "ERROR" in stack.process.output
        or "WARNING" in stack.process.output
    )
    leaks = {
        where: [secret[:6] + "…" for secret in secrets if any(secret in text for text in texts)]
        for where, texts in places.items()
    }
    assert not any(leaks.values()), leaks
