"""Monitoring commands, end to end: the real bot process, the Bot API emulator, five exchange simulators."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio

from demo.exchanges import RunningExchange, running_exchanges
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.monitoring_stack import has_text, write_monitoring_config

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE = 1001  # admin in the demo team
ACCOUNTS = ("incorex-main", "indodax-main", "iqfinex-main", "narkasa-main", "exchanger-main")
TRADING = ACCOUNTS[:4]  # an exchanger site has no balances, orders or trades of its own
WITH_TRANSFERS = ("incorex-main", "indodax-main", "narkasa-main")  # Iqfinex's API has no transfers
TELEGRAM_LIMIT = 4096


class Stack:
    def __init__(self, client: EmulatorClient, exchanges: dict[str, RunningExchange]) -> None:
        self.client = client
        self.exchanges = exchanges

    async def ask(
        self, text: str, predicate: Callable[[SentMessage], bool] | None = None, wait_s: float = 30
    ) -> SentMessage:
        await self.client.send(ALICE, text)
        return await self.client.wait_for(ALICE, predicate, timeout=wait_s)

    async def control(self, exchange: str, path: str, body: dict[str, object] | None = None) -> None:
        url = f"{self.exchanges[exchange].base_url}/_control/{path}"
        async with aiohttp.ClientSession() as http:
            method = http.delete if body is None else http.post
            async with method(url, json=body) as response:
                assert response.status < 300, await response.text()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    secrets = BotSecrets()
    prefix = f"test-e2e-mon-{secrets.env_var.lower()}"
    port = free_port()
    async with running_emulator() as (api_url, _app), running_exchanges() as exchanges:
        config = write_monitoring_config(
            tmp_path_factory.mktemp("monitoring"),
            api_url=api_url,
            redis_url=REDIS_URL,
            redis_prefix=prefix,
            web_port=port,
            exchanges=exchanges,
            token=secrets.token,
        )
        process = BotProcess(config, port, {})
        await process.start()
        try:
            async with EmulatorClient(api_url) as client:
                yield Stack(client, {e.name: e for e in exchanges})
        finally:
            await process.stop()
            redis = create_redis(REDIS_URL)
            async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
                await redis.delete(key)
            await redis.aclose()


def photo_captioned(*needles: str) -> Callable[[SentMessage], bool]:
    """A photo whose caption names what was asked for: another command's chart can arrive meanwhile."""
    return lambda m: m.photo is not None and m.text is not None and all(n in m.text for n in needles)


async def test_accounts_lists_every_account_with_its_exchange_and_reachability(stack: Stack) -> None:
    reply = await stack.ask("/accounts", has_text("Accounts"))
    assert reply.text is not None
    for name in ACCOUNTS:
        assert name in reply.text
    assert reply.text.count("reachable") == len(ACCOUNTS)
    assert "Premium Exchanger" in reply.text or "exchanger" in reply.text


async def test_balance_shows_every_account_with_free_reserved_total(stack: Stack) -> None:
    reply = await stack.ask("/balance", has_text("Balances"))
    assert reply.text is not None
    for name in TRADING:
        assert name in reply.text
    assert "exchanger-main" not in reply.text
    # the demo incorex account holds 2.84 BTC, part of it in open orders
    incorex = reply.text.split("incorex-main")[1].split("indodax-main")[0]
    assert "BTC" in incorex and "USDT" in incorex
    assert "Refresh" in reply.button_labels[-1] or any("Refresh" in b for b in reply.button_labels)


async def test_balance_of_one_account_shows_only_that_account(stack: Stack) -> None:
    reply = await stack.ask("/balance narkasa-main", has_text("Balances"))
    assert reply.text is not None
    assert "narkasa-main" in reply.text
    assert "incorex-main" not in reply.text


async def test_unknown_account_is_named_with_the_known_ones(stack: Stack) -> None:
    reply = await stack.ask("/balance nosuch", has_text("nosuch"))
    assert reply.text is not None
    assert "Unknown account nosuch" in reply.text
    assert "incorex-main" in reply.text


async def test_refresh_edits_the_balance_in_place(stack: Stack) -> None:
    reply = await stack.ask("/balance iqfinex-main", has_text("Balances"))
    await stack.control("iqfinex", "balance", {"account": "alice", "asset": "USDT", "free": "777777"})
    await stack.client.press(ALICE, ALICE, reply.message_id, text="Refresh")
    edited = await stack.client.wait_for(ALICE, lambda m: m.message_id == reply.message_id and m.edited)
    assert edited.text is not None
    assert "777,777" in edited.text


async def test_one_account_down_the_others_still_answer(stack: Stack) -> None:
    await stack.control("indodax", "faults", {"endpoint": "*", "kind": "timeout", "seconds": 30})
    try:
        reply = await stack.ask("/balance", has_text("Balances"), wait_s=60)
    finally:
        await stack.control("indodax", "faults")
    assert reply.text is not None
    assert re.search(r"indodax-main</?b?>?: unavailable, timed out|indodax-main: unavailable", reply.text)
    for name in ("incorex-main", "iqfinex-main", "narkasa-main"):
        section = reply.text.split(name, 1)[1][:200]
        assert "USDT" in section or "BTC" in section, name


async def test_a_reply_longer_than_a_message_is_paged(stack: Stack) -> None:
    for i in range(160):
        await stack.control(
            "narkasa", "balance", {"account": "alice", "asset": f"TKN{i:03d}", "free": "123456.789"}
        )
    reply = await stack.ask("/balance narkasa-main", has_text("Balances"))
    assert reply.text is not None
    assert len(reply.text) <= TELEGRAM_LIMIT
    match = re.search(r"Page 1 of (\d+)", reply.text)
    assert match and int(match.group(1)) >= 2
    await stack.client.press(ALICE, ALICE, reply.message_id, text="Next")
    page2 = await stack.client.wait_for(ALICE, lambda m: m.message_id == reply.message_id and m.edited)
    assert page2.text is not None and "Page 2 of" in page2.text
    assert "Prev" in " ".join(page2.button_labels)
    shown = set(re.findall(r"TKN\d{3}", reply.text)) | set(re.findall(r"TKN\d{3}", page2.text))
    assert len(shown) > len(re.findall(r"TKN\d{3}", reply.text))


async def test_portfolio_totals_in_the_quote_and_sends_a_pie_chart(stack: Stack) -> None:
    reply = await stack.ask("/portfolio", has_text("Portfolio in USDT"))
    assert reply.text is not None
    total = re.search(r"Total</b>: ([\d,]+\.\d\d) USDT", reply.html or "")
    assert total is not None and Decimal(total.group(1).replace(",", "")) > 0
    assert "By account" in reply.text and "By asset" in reply.text
    photo = await stack.client.wait_for(ALICE, photo_captioned("Portfolio split in USDT"))
    png = await stack.client.file(photo.photo.url if photo.photo else "")
    assert png.startswith(b"\x89PNG")


async def test_portfolio_converts_idr_holdings_through_another_market(stack: Stack) -> None:
    reply = await stack.ask("/portfolio", has_text("Portfolio in USDT"))
    assert reply.text is not None
    by_account = reply.text.split("By account", 1)[1].split("By asset", 1)[0]
    line = next(line for line in by_account.splitlines() if "indodax-main" in line)
    value = Decimal(re.search(r"([\d,]+\.\d\d) USDT", line).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert value > 0
    # the pie chart follows the text: wait for it, so it cannot pass for a later test's photo
    await stack.client.wait_for(ALICE, photo_captioned("Portfolio split in USDT"))


@pytest.mark.parametrize("command", ["/orders", "/trades", "/deposits", "/withdrawals"])
async def test_history_lists_answer_for_every_account(stack: Stack, command: str) -> None:
    titles = {
        "/orders": "Open orders",
        "/trades": "Trades",
        "/deposits": "Deposits",
        "/withdrawals": "Withdrawals",
    }
    reply = await stack.ask(command, has_text(titles[command]))
    assert reply.text is not None
    text = reply.text
    page = reply
    while page.button("Next") is not None:  # a long list goes on over pages: read them all
        await stack.client.press(ALICE, ALICE, page.message_id, text="Next")
        page = await stack.client.wait_for(ALICE, lambda m, p=page: m.message_id == p.message_id and m.edited)
        text += page.text or ""
    expected = WITH_TRANSFERS if command in ("/deposits", "/withdrawals") else TRADING
    assert [name for name in ACCOUNTS if name in text] == list(expected)


async def test_withdrawals_show_status_and_txid(stack: Stack) -> None:
    reply = await stack.ask("/withdrawals incorex-main", has_text("Withdrawals"))
    assert reply.html is not None
    assert "done" in (reply.text or "")
    assert "<code>" in reply.html  # the txid


async def test_orders_of_an_exchanger_site_say_not_supported(stack: Stack) -> None:
    reply = await stack.ask("/orders exchanger-main", has_text("Open orders"))
    assert reply.text is not None and "not supported" in reply.text


async def test_price_shows_last_bid_ask_change_and_volume(stack: Stack) -> None:
    reply = await stack.ask("/price incorex-main btc_usdt", has_text("BTC/USDT"))
    assert reply.text is not None
    for label in ("Last", "Bid", "Ask", "24h change", "24h volume"):
        assert label in reply.text


async def test_unknown_pair_gets_a_short_reason(stack: Stack) -> None:
    reply = await stack.ask("/price incorex-main doge_eur", has_text("incorex-main"))
    assert reply.text is not None and "unknown pair" in reply.text


async def test_order_book_lists_asks_and_bids(stack: Stack) -> None:
    reply = await stack.ask("/book narkasa-main BTC/USDT", has_text("order book"))
    assert reply.text is not None
    assert "Asks" in reply.text and "Bids" in reply.text


async def test_chart_sends_a_candlestick_png_with_pair_and_interval(stack: Stack) -> None:
    await stack.client.send(ALICE, "/chart iqfinex-main ETH_USDT 1h")
    photo = await stack.client.wait_for(ALICE, photo_captioned("ETH/USDT", "1h"), timeout=60)
    assert (await stack.client.file(photo.photo.url if photo.photo else "")).startswith(b"\x89PNG")


async def test_chart_with_a_bad_interval_lists_the_good_ones(stack: Stack) -> None:
    reply = await stack.ask("/chart iqfinex-main ETH_USDT 7m", has_text("interval"))
    assert reply.text is not None and "1h" in reply.text


async def test_price_without_arguments_is_a_guided_flow(stack: Stack) -> None:
    pick_account = await stack.ask("/price", has_text("Which account?"))
    assert set(ACCOUNTS) <= set(pick_account.button_labels)
    await stack.client.press(ALICE, ALICE, pick_account.message_id, text="indodax-main")
    pick_pair = await stack.client.wait_for(ALICE, has_text("Which pair"))
    assert "BTC/IDR" in pick_pair.button_labels
    await stack.client.press(ALICE, ALICE, pick_pair.message_id, text="BTC/IDR")
    price = await stack.client.wait_for(ALICE, has_text("BTC/IDR", "Last"))
    assert price.text is not None


async def test_time_zone_changes_the_times_shown(stack: Stack) -> None:
    reply = await stack.ask("/tz Asia/Jakarta", has_text("Asia/Jakarta"))
    assert reply.text is not None and "Done" in reply.text
    bad = await stack.ask("/tz Mars/Olympus", has_text("Mars/Olympus"))
    assert bad.text is not None and "Unknown time zone" in bad.text
    await stack.ask("/tz UTC", has_text("UTC"))


async def test_directions_show_rates_and_reserves_of_exchanger_sites(stack: Stack) -> None:
    reply = await stack.ask("/directions", has_text("Exchange directions"))
    assert reply.text is not None
    assert "exchanger-main" in reply.text
    assert "BTC → USDT" in reply.text and "reserve" in reply.text


async def test_bids_list_the_sites_bids_with_status(stack: Stack) -> None:
    reply = await stack.ask("/bids", has_text("Exchange bids"))
    assert reply.text is not None
    assert "exchanger-main" in reply.text
    assert "success" in reply.text  # the demo's earlier bids went through


async def test_bids_of_a_spot_exchange_say_not_supported(stack: Stack) -> None:
    reply = await stack.ask("/bids incorex-main", has_text("incorex-main"))
    assert reply.text is not None and "not supported" in reply.text


async def test_a_bad_quote_currency_is_explained(stack: Stack) -> None:
    reply = await stack.ask("/portfolio US$", has_text("quote currency"))
    assert reply.text is not None and "USDT or BTC" in reply.text


async def test_indodax_trades_say_which_pairs_were_searched(stack: Stack) -> None:
    # Indodax answers own trades one pair at a time: the reply names the pairs it looked through
    reply = await stack.ask("/trades indodax-main", has_text("Trades", "pairs searched"))
    assert reply.text is not None
    searched = reply.text.split("pairs searched:", 1)[1].splitlines()[0]
    assert "BTC/IDR" in searched and "ETH/IDR" in searched
