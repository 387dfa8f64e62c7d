"""Property-based fuzzing (hypothesis) of every command's arguments and of callback data (forged, replayed,
another member's), through the dispatcher assembled as the bot assembles it, on real Redis and the
simulators: nothing crashes, every input is answered, every reply is valid Telegram HTML of at most
4,096 characters, and nothing reaches an exchange without its confirmation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage, SendPhoto
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.accounts import build_registry
from demo.config import account_entry
from demo.exchanges import RunningExchange, running_exchanges
from handlers.commands import COMMANDS
from sandbox.exchanges.common import STATE_KEY
from sandbox.telegram.validation import parse_html
from services.actions.records import Action
from services.redis_client import Keys, create_redis
from services.team import TeamMember
from services.withdrawals.allowlist import Entry
from tests.conftest import REDIS_URL
from tests.integration.bot.harness import (
    ADMIN_ID,
    STRANGER_ID,
    TRADER_ID,
    VIEWER_ID,
    Harness,
    build_harness,
    team_config,
)
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = [pytest.mark.resilience, pytest.mark.asyncio(loop_scope="module")]

EXAMPLES = 120
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same inputs on every run: a failure is replayed by running it again
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MEMBERS = st.sampled_from([ADMIN_ID, TRADER_ID, VIEWER_ID, STRANGER_ID])
TELEGRAM_LIMIT = 4096
OUR_FAULT = "Something went wrong on our side"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
# words a member might type, and words nobody should
WORDS = st.one_of(
    st.sampled_from(
        [
            "indodax-main",
            "iqfinex-main",
            "incorex-main",
            "narkasa-main",
            "exchanger-main",
            "nosuch",
            "BTC/USDT",
            "btc_idr",
            "ETH/IDR",
            "BTC",
            "eth",
            "USDT",
            "DOGE",
            ">",
            "<",
            "x",
            "+5%",
            "-3%",
            "1h",
            "15m",
            "repeat",
            "cooldown=10m",
            "expires=7d",
            "stop=1",
            "memo=1",
            "network=eth",
            "add",
            "remove",
            "team",
            "strangers",
            "export",
            "buy",
            "sell",
            ADDRESS,
            "0",
            "-1",
            "1e999",
            "NaN",
            "0.001",
            "0,5",
            "9" * 40,
            "100000",
            "<b>",
            "&amp;",
            "</i>",
            "\u202e",
            "🚀",
        ]
    ),
    st.text(max_size=24),
)
ARGUMENTS = st.lists(WORDS, max_size=6).map(" ".join)
COMMAND_NAMES = st.sampled_from([c.name for c in COMMANDS] + ["frobnicate", "start@other_bot"])
PREFIXES = ["ae", "al", "bc", "lg", "nt", "oc", "od", "og", "pk", "st", "v", "wd", "wv", "wx"]
FORGED = st.one_of(
    st.text(max_size=64),
    st.builds(lambda p, rest: f"{p}:{rest}"[:64], st.sampled_from(PREFIXES), st.text(max_size=60)),
    st.builds(
        lambda p, parts: ":".join([p, *parts])[:64],
        st.sampled_from(PREFIXES),
        st.lists(st.sampled_from(["", "0", "1", "-1", "99999", "x", "b", "approve", "__"]), max_size=5),
    ),
)


class SilentNotices:
    """What the bot tells other members (approval requests and their edits) is covered end to end
    (tests/e2e/test_withdrawals.py); here only the answers to the presser count."""

    async def ask_approvers(self, action: Action) -> None: ...

    async def update(self, action: Action) -> None: ...

    async def tell_requester(self, action: Action, message_id: int | None = None) -> None: ...

    async def code_locked(self, member: TeamMember) -> None: ...

    async def ask_admins(self, entry: Entry, admins: list[TeamMember]) -> None: ...

    async def entry_decided(self, entry: Entry, decided_by: TeamMember, *, approved: bool) -> None: ...


@dataclass
class Fuzz:
    harness: Harness
    exchanges: list[RunningExchange]
    # callback data of real buttons shown to the admin (a Confirm among them), pressed by others
    real: list[str]

    def writes(self) -> int:
        return sum(sum(e.app[STATE_KEY].stats()["writes"].values()) for e in self.exchanges)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def fuzz() -> AsyncIterator[Fuzz]:
    prefix = f"test-fuzz-{uuid.uuid4().hex[:12]}"
    redis = create_redis(REDIS_URL)
    try:
        async with running_exchanges() as exchanges:
            config = team_config(prefix, accounts=[account_entry(e) for e in exchanges])
            accounts = build_registry(config, redis)
            harness = build_harness(config, redis, Keys(prefix), accounts)
            harness.dispatcher.workflow_data["withdrawal_notices"] = SilentNotices()
            try:
                iqfinex = next(e for e in exchanges if e.name == "iqfinex").app[STATE_KEY]
                mid = iqfinex.book("BTC/USDT").reference_price()
                assert mid is not None
                price = (mid * Decimal("0.9")).quantize(Decimal("0.01"))
                await harness.feed(message_update(ADMIN_ID, f"/buy iqfinex-main BTC/USDT 0.001 {price}"))
                real = [data for data in buttons(harness.session.calls) if data]
                assert real, "the admin's preview has buttons"
                yield Fuzz(harness, exchanges, real)
            finally:
                await harness.close()
                await accounts.close()
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()


def buttons(calls: list[Any]) -> list[str]:
    found = []
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        for row in getattr(markup, "inline_keyboard", None) or []:
            found += [button.callback_data for button in row if button.callback_data]
    return found


def check_replies(calls: list[Any]) -> None:
    """Every message the bot sent or edited: valid Telegram HTML within the limit, not a crash notice."""
    for call in calls:
        if isinstance(call, SendMessage | EditMessageText):
            text = str(call.text)
        elif isinstance(call, SendPhoto | SendDocument):
            text = str(call.caption or "")
        else:
            continue
        assert len(text) <= TELEGRAM_LIMIT, text[:200]
        assert OUR_FAULT not in text, text
        if getattr(call, "parse_mode", None) == "HTML":
            parse_html(text)  # raises as Telegram would: "can't parse entities"


@FUZZ
@given(member=MEMBERS, command=COMMAND_NAMES, arguments=ARGUMENTS)
async def test_any_command_with_any_arguments_gets_a_valid_answer(
    fuzz: Fuzz, member: int, command: str, arguments: str
) -> None:
    session = fuzz.harness.session
    session.clear()
    writes = fuzz.writes()
    await fuzz.harness.feed(message_update(member, f"/{command} {arguments}".strip()))
    answered = [c for c in session.calls if isinstance(c, SendMessage | SendPhoto | EditMessageText)]
    # a stranger hears "not authorized" once a while, and nothing more
    assert answered or member == STRANGER_ID, f"/{command} {arguments!r} from {member} got no answer"
    check_replies(session.calls)
    assert fuzz.writes() == writes


@FUZZ
@given(presser=MEMBERS, data=st.one_of(FORGED, st.none()), replayed=st.integers(min_value=0, max_value=9))
async def test_any_button_press_is_answered_and_executes_nothing(
    fuzz: Fuzz, presser: int, data: str | None, replayed: int
) -> None:
    session = fuzz.harness.session
    session.clear()
    writes = fuzz.writes()
    if presser != ADMIN_ID and replayed < len(fuzz.real):
        data = fuzz.real[replayed]  # a real button of the admin's, pressed by someone else
    update = callback_update(presser, data)
    await fuzz.harness.feed(update)
    query_id = update["callback_query"]["id"]
    assert [c for c in session.calls if isinstance(c, AnswerCallbackQuery)], data
    assert query_id in session.answered_queries()
    check_replies(session.calls)
    assert fuzz.writes() == writes
