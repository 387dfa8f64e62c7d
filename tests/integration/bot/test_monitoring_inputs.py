"""Monitoring commands as members type them, on the assembled dispatcher with stand-in exchanges."""

import html
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import ClassVar

import pytest
from aiogram.methods import EditMessageReplyMarkup, SendMessage, SendPhoto
from redis.asyncio import Redis

from handlers.views.market import PickCb
from services.accounts import Account, AccountRegistry
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.capabilities import Capability as C
from services.exchanges.models import Balance, Balances, Market, Ticker
from services.redis_client import Keys
from tests.integration.bot.harness import VIEWER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration


class StandInSpot(ExchangeClient):
    """A spot exchange that holds what the test gives it: balances, and BTC at 90,000 USDT."""

    exchange = "standin"
    display_name = "Stand-in"
    capabilities: ClassVar[frozenset[C]] = frozenset(
        {C.FETCH_BALANCE, C.FETCH_TICKERS, C.FETCH_MARKETS, C.FETCH_ORDER_BOOK}
    )
    default_base_url = "http://127.0.0.1:9"

    def __init__(self, config: ClientConfig, holdings: dict[str, str]) -> None:
        super().__init__(config)
        self.holdings = holdings

    async def fetch_balance(self) -> Balances:
        return Balances(assets={a: Balance(asset=a, free=Decimal(v)) for a, v in self.holdings.items()})

    async def fetch_markets(self) -> list[Market]:
        return [
            Market(symbol="BTC/USDT", id="btc_usdt", base="BTC", quote="USDT"),
            Market(symbol="DOGE/USDT", id="doge_usdt", base="DOGE", quote="USDT"),
        ]

    async def fetch_tickers(self) -> dict[str, Ticker]:
        prices = {"BTC/USDT": Decimal(90000), "DOGE/USDT": Decimal("0.1")}
        return {s: Ticker(symbol=s, last=p, bid=p, ask=p) for s, p in prices.items()}


class StandInSite(ExchangeClient):
    """An exchanger site: no balances, no order book."""

    exchange = "standin-site"
    display_name = "Stand-in site"
    capabilities: ClassVar[frozenset[C]] = frozenset({C.EXCHANGE_BIDS})
    default_base_url = "http://127.0.0.1:9"


def _registry() -> AccountRegistry:
    return AccountRegistry(
        [
            Account(
                "odd", "standin", StandInSpot(ClientConfig(account="odd"), {"BTC": "1e26", "DOGE": "1e999"})
            ),
            Account(
                "plain", "standin", StandInSpot(ClientConfig(account="plain"), {"BTC": "2", "USDT": "10"})
            ),
            Account("site", "standin-site", StandInSite(ClientConfig(account="site"))),
        ]
    )


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys, accounts=_registry())
    yield built
    await built.close()


def _visible(text: str) -> str:
    """The text as the member reads it: what Telegram counts against its 4096 characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def test_a_huge_balance_on_one_account_leaves_the_others_readable(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/balance"))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert "<code>BTC</code> 1E26 ≈ 9E30 USDT" in reply
    assert "<code>DOGE</code> 1E999 ≈ 1E998 USDT" in reply
    assert "<code>BTC</code> 2 ≈ 180,000.00 USDT" in reply


async def test_a_huge_value_still_gets_its_portfolio_chart(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/portfolio"))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert "<b>plain</b>: 180,010.00 USDT (0.0%)" in reply
    [photo] = [c for c in harness.session.calls if isinstance(c, SendPhoto)]
    assert photo.caption == "Portfolio split in USDT"


async def test_extra_words_are_named_as_extra(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/balance plain extra words"))
    assert harness.session.sent_texts(VIEWER_ID) == [
        "Too many words: <code>extra words</code> is extra. Send /help to see how the command is used."
    ]


async def test_a_currency_nothing_prices_is_said_so(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/portfolio XYZ"))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert "Nothing the team holds has a price in XYZ" in reply


async def test_the_picker_offers_only_accounts_that_have_the_feature(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/book"))
    [sent] = [c for c in harness.session.calls if isinstance(c, SendMessage)]
    assert sent.reply_markup is not None
    labels = [b.text for row in sent.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels == ["odd", "plain"]


async def test_a_used_picker_loses_its_buttons(harness: Harness) -> None:
    await harness.feed(callback_update(VIEWER_ID, PickCb(command="book", account="plain").pack()))
    [edit] = [c for c in harness.session.calls if isinstance(c, EditMessageReplyMarkup)]
    assert edit.reply_markup is None and edit.chat_id == VIEWER_ID
    assert any("Which pair on plain?" in t for t in harness.session.sent_texts(VIEWER_ID))


LONG = "ж<&>" * 2000


@pytest.mark.parametrize(
    "text",
    [
        f"/balance {LONG}",
        f"/balance plain {LONG}",
        f"/portfolio {LONG}",
        f"/orders {LONG}",
        f"/price {LONG}",
        f"/price plain BTC/USDT {LONG}",
        f"/chart plain BTC/USDT {LONG}",
        f"/chart {LONG} BTC/USDT 1h",
        f"/tz {LONG}",
        f"/tz Asia/Jakarta {LONG}",
        f"/{LONG}",
        LONG,
        f"/directions {LONG}",
        f"/bids {LONG}",
    ],
)
async def test_echoed_input_never_makes_a_reply_too_long(harness: Harness, text: str) -> None:
    await harness.feed(message_update(VIEWER_ID, text))
    replies = harness.session.sent_texts(VIEWER_ID)
    assert replies
    for reply in replies:
        assert len(_visible(reply)) < 4096
        assert len(reply) < 4096


async def test_a_balance_past_what_decimal_can_value_shows_unpriced_and_breaks_nothing(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    # 1e999999 × a price overflows Decimal's range: that holding has no value, the reply still comes
    registry = AccountRegistry(
        [
            Account("odd", "standin", StandInSpot(ClientConfig(account="odd"), {"BTC": "1e999999"})),
            Account("plain", "standin", StandInSpot(ClientConfig(account="plain"), {"BTC": "2"})),
        ]
    )
    harness = build_harness(team_config(key_prefix), redis, keys, accounts=registry)
    try:
        await harness.feed(message_update(VIEWER_ID, "/balance"))
        [reply] = harness.session.sent_texts(VIEWER_ID)
    finally:
        await harness.close()
    assert "<code>BTC</code> 1E999999" in reply
    assert "<code>BTC</code> 2 ≈ 180,000.00 USDT" in reply
