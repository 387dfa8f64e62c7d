"""The simulated site checks API-LOGIN and API-KEY, and the methods each key may use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from services.exchanges import errors

from .test_exchanger_fixtures import BTC_USDT, SEED, WALLET, Sim, simulator


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as s:
        yield s


async def test_a_wrong_key_is_rejected(sim: Sim) -> None:
    async with sim.client(key="0" * 32) as client:
        with pytest.raises(errors.AuthenticationError, match="Api disabled"):
            await client.test()


async def test_a_right_key_with_another_login_is_rejected(sim: Sim) -> None:
    async with sim.client(login=SEED.account("viewer").api_login) as client:
        with pytest.raises(errors.AuthenticationError):
            await client.test()


async def test_a_key_without_the_bid_methods_may_not_create_bids(sim: Sim) -> None:
    async with sim.client("viewer") as client:
        with pytest.raises(errors.PermissionDenied, match="Method not supported"):
            await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
    assert not sim.site.bids.bids


async def test_a_key_without_payouts_may_not_request_one(sim: Sim) -> None:
    async with sim.client("viewer") as client:
        with pytest.raises(errors.PermissionDenied):
            await client.add_partner_payout("2", WALLET)


async def test_the_account_language_is_the_site_language(sim: Sim) -> None:
    async with sim.client(language="ru_RU") as client:
        assert (await client.fetch_account_info()).details["locale"] == "ru_RU"
