"""Two copies of the real bot on one Redis (webhook mode, as behind a load balancer) run the watchers in
whichever copy leads. The leader is killed (kill -9) while deposits are arriving; the other copy takes
over the watchers, and every event (deposits, a withdrawal made outside the bot, the bot's own
withdrawal getting its txid, an order's fill, a bid's status changes) that happened before, around and
after the kill is pushed exactly once: nothing twice, nothing missed, nothing from before the start."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from demo.exchanges import DEMO_ACCOUNT, RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY
from sandbox.exchanges.exchanger import SITE_KEY
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.copies import leader_of, own_webhook_copy
from tests.e2e.monitoring_stack import has_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, BOB, CAROL = 1001, 1002, 1003  # admin, approver, trader
LEASE_S = 2.0
DEPOSITS = ("indodax", "narkasa")
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
PAIR, SITE = "BTC/IDR", "exchanger-main"
# each deposit (and outside withdrawal) has its own amount, so its pushes are found by it
AT_START, BEFORE, AT_KILL, AFTER = "11.25", "22.5", "33.75", "44.125"
OUTSIDE_BEFORE, OUTSIDE_AFTER = "5.5", "6.75"


def deposit(name: str, amount: str) -> Callable[[SentMessage], bool]:
    return has_text(f"Deposit on {name}-main: {amount} USDT")


def outside(amount: str) -> Callable[[SentMessage], bool]:
    return has_text(f"Withdrawal from indodax-main made outside the bot: {amount} USDT")


def copy(
    directory: Path, api_url: str, prefix: str, secrets: BotSecrets, exchanges: list[RunningExchange]
) -> BotProcess:
    return own_webhook_copy(
        directory,
        api_url=api_url,
        prefix=prefix,
        secrets=secrets,
        exchanges=exchanges,
        extra={
            "workers": {"leader_lease_s": LEASE_S},
            "watchers": {"indodax_interval_s": 1, "narkasa_interval_s": 1, "exchanger_interval_s": 1},
            # a push the dead copy held is sent by the other soon
            "notifications": {"claim_after_s": 2},
        },
    )


async def cursors(prefix: str) -> dict[str, float]:
    """When each deposit and outside-withdrawal watcher last began a complete look (its cursor)."""
    redis = create_redis(REDIS_URL)
    try:
        found = {}
        for name in DEPOSITS:
            for kind in ("deposits", "withdrawals"):
                raw = await redis.get(f"{prefix}:watch:{kind}:{name}-main:cursor")
                found[f"{kind}:{name}"] = float(raw) if raw is not None else 0.0
        return found
    finally:
        await redis.aclose()


async def a_look_after(prefix: str, moment: float) -> None:
    """Until every watcher has finished a look begun after ``moment``."""
    async with asyncio.timeout(60):
        # the event is a key the bot process writes in Redis: nothing here to wait on but the key
        while any(at <= moment for at in (await cursors(prefix)).values()):  # noqa: ASYNC110
            await asyncio.sleep(0.2)


async def post(http: aiohttp.ClientSession, url: str, body: dict[str, object]) -> dict[str, object]:
    async with http.post(url, json=body) as reply:
        assert reply.status == 200, await reply.text()
        answer: dict[str, object] = await reply.json()
        return answer


class Team:
    """The members' side: commands go to whichever copy the emulator delivers to (before the kill)."""

    def __init__(self, client: EmulatorClient, exchanges: dict[str, RunningExchange]) -> None:
        self.client = client
        self.exchanges = exchanges

    async def ask(self, member: int, text: str, *needles: str) -> SentMessage:
        await self.client.send(member, text)
        return await self.client.wait_for(member, has_text(*needles), timeout=30)

    async def press_and_wait(self, member: int, shown: SentMessage, label: str, *needles: str) -> SentMessage:
        await self.client.press(member, member, shown.message_id, text=label)
        return await self.client.wait_for(
            member, lambda m: m.message_id == shown.message_id and has_text(*needles)(m), timeout=30
        )

    async def order(self) -> None:
        mid = self.exchanges["indodax"].app[STATE_KEY].book(PAIR).reference_price()
        assert mid is not None
        price = (mid * Decimal("0.97")).quantize(Decimal(1))
        shown = await self.ask(CAROL, f"/buy indodax-main {PAIR} 0.001 {price}", "Order preview")
        await self.press_and_wait(CAROL, shown, "Confirm", "Placed: order")

    async def bid(self) -> str:
        shown = await self.ask(CAROL, f"/bid {SITE} 1 0.01 to=TXYZpayout", "Bid preview")
        result = await self.press_and_wait(CAROL, shown, "Confirm", "created, status new")
        found = re.search(r"Bid (\S+) created", result.text or "")
        assert found is not None
        return found.group(1)

    async def withdrawal(self) -> None:
        shown = await self.ask(CAROL, f"/withdraw indodax-main BTC 0.01 {ADDRESS}", "Withdrawal preview")
        await self.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        asked = await self.client.wait_for(
            BOB, has_text("Withdrawal request from carol", ADDRESS), timeout=30
        )
        await self.press_and_wait(BOB, asked, "Approve", "Sent: withdrawal")


async def test_the_other_copy_takes_over_the_watchers_and_every_event_is_pushed_once(tmp_path: Path) -> None:
    secrets = BotSecrets()
    prefix = f"test-e2e-watch-leader-{secrets.env_var.lower()}"
    async with running_emulator() as (api_url, _app), running_exchanges() as running:
        exchanges = {e.name: e for e in running}
        sims = {name: exchanges[name].app[STATE_KEY] for name in exchanges}
        site = exchanges["exchanger"].app[SITE_KEY]
        # the bid moves only when the test moves it, so each status lasts until the bot has seen it
        site.bids.payout_delay = None
        for name in DEPOSITS:  # there before the bot: not news
            sims[name].transfers.inject_deposit(
                DEMO_ACCOUNT, "USDT", Decimal(AT_START), network="TRC20", delay=0
            )
        copies = [copy(tmp_path / name, api_url, prefix, secrets, running) for name in ("a", "b")]
        try:
            await asyncio.gather(*(process.start() for process in copies))
            async with EmulatorClient(api_url) as client, aiohttp.ClientSession() as http:
                team = Team(client, exchanges)
                await a_look_after(prefix, 0.0)  # the first looks only record what is there
                await team.order()
                bid_id = await team.bid()
                await team.withdrawal()

                # before the kill: told by the leader
                for name in DEPOSITS:
                    sims[name].transfers.inject_deposit(
                        DEMO_ACCOUNT, "USDT", Decimal(BEFORE), network="TRC20", delay=0
                    )
                sims["indodax"].transfers.request_withdrawal(
                    DEMO_ACCOUNT, "USDT", Decimal(OUTSIDE_BEFORE), "TXYZoutside", network="TRC20", delay=0
                )
                await post(
                    http,
                    f"{exchanges['exchanger'].base_url}/_control/bid/status",
                    {"id": bid_id, "status": "techpay"},
                )
                for name in DEPOSITS:
                    await client.wait_for(ALICE, deposit(name, BEFORE), since=0, timeout=60)
                await client.wait_for(ALICE, outside(OUTSIDE_BEFORE), since=0, timeout=60)
                await client.wait_for(
                    CAROL, has_text(f"Bid #{bid_id} on {SITE} is now client says paid"), since=0, timeout=60
                )

                # around the kill: deposits arriving while the leader dies
                roles = [await leader_of(process, http) for process in copies]
                assert sorted(roles) == ["another copy", "this copy"]
                leader, follower = copies if roles[0] == "this copy" else copies[::-1]
                for name in DEPOSITS:
                    sims[name].transfers.inject_deposit(
                        DEMO_ACCOUNT, "USDT", Decimal(AT_KILL), network="TRC20", delay=0
                    )
                await leader.stop(signal.SIGKILL)
                killed_at = time.monotonic()
                while await leader_of(follower, http) != "this copy":
                    assert time.monotonic() - killed_at < 30 * LEASE_S, "no copy took over"
                    await asyncio.sleep(0.1)

                # after the takeover: told by the survivor
                for name in DEPOSITS:
                    sims[name].transfers.inject_deposit(
                        DEMO_ACCOUNT, "USDT", Decimal(AFTER), network="TRC20", delay=0
                    )
                sims["indodax"].transfers.request_withdrawal(
                    DEMO_ACCOUNT, "USDT", Decimal(OUTSIDE_AFTER), "TXYZoutside", network="TRC20", delay=0
                )
                completed = await post(
                    http, f"{exchanges['indodax'].base_url}/_control/withdrawals/complete", {}
                )
                (sent,) = [t for t in completed["completed"] if t["address"] == ADDRESS]  # type: ignore[union-attr]
                mid = sims["indodax"].book(PAIR).reference_price()
                assert mid is not None
                await post(
                    http,
                    f"{exchanges['indodax'].base_url}/_control/price",
                    {"symbol": PAIR, "mid": str(mid * Decimal("0.9"))},
                )
                await post(
                    http,
                    f"{exchanges['exchanger'].base_url}/_control/bid/status",
                    {"id": bid_id, "status": "payed"},
                )
                paid = has_text(f"Bid #{bid_id} on {SITE} is now paid")
                await client.wait_for(CAROL, paid, since=0, timeout=60)
                await post(  # told paid: the site pays out
                    http,
                    f"{exchanges['exchanger'].base_url}/_control/bid/status",
                    {"id": bid_id, "status": "success"},
                )

                everything = {
                    ALICE: [deposit(n, a) for n in DEPOSITS for a in (BEFORE, AT_KILL, AFTER)]
                    + [outside(OUTSIDE_BEFORE), outside(OUTSIDE_AFTER)],
                    CAROL: [
                        has_text("Withdrawal of 0.01 BTC from indodax-main", str(sent["txid"]), "done"),
                        has_text("Your order filled", f"0.001 {PAIR} on indodax-main"),
                        has_text(f"Bid #{bid_id} on {SITE} is now client says paid"),
                        paid,
                        has_text(f"Bid #{bid_id} on {SITE} is now completed"),
                    ],
                    BOB: [has_text("Withdrawal of 0.01 BTC from indodax-main", str(sent["txid"]), "done")],
                }
                for member, pushes in everything.items():
                    for pushed in pushes:
                        await client.wait_for(member, pushed, since=0, timeout=60)
                await a_look_after(prefix, time.time())  # one more look of each: it tells nothing again

                for member, pushes in everything.items():
                    messages = await client.messages(member, bot_only=True)
                    assert [sum(1 for m in messages if pushed(m)) for pushed in pushes] == [1] * len(pushes)
                alice = await client.messages(ALICE, bot_only=True)
                assert not [m for m in alice if any(deposit(n, AT_START)(m) for n in DEPOSITS)]
                assert not [m for m in alice if has_text("made outside the bot", ADDRESS)(m)]
                assert site.bids.bids[bid_id].status.value == "success"
                assert "Traceback" not in follower.output
        finally:
            for process in copies:
                if process.returncode is None:
                    await process.stop()
            redis = create_redis(REDIS_URL)
            async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
                await redis.delete(key)
            await redis.aclose()
