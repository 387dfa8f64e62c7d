"""What the team's exchanger sites offer (directions, rates, reserves) and the bids placed on them."""

from __future__ import annotations

import asyncio

from services.accounts import Account, AccountRegistry, AccountResult, across
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidRecord, Direction

RECENT_BIDS = 20


class ExchangerDesk:
    def __init__(self, accounts: AccountRegistry, *, budget: TimeBudget) -> None:
        self.accounts = accounts
        self.budget = budget

    def sites(self, account: str | None = None) -> list[Account]:
        """Exchanger accounts: the named one (which must be an exchanger site) or all of them."""
        if account is not None:
            named = self.accounts.get(account)
            if not isinstance(named.client, ExchangerClient):
                raise errors.NotSupported(
                    "directions and bids", exchange=named.client.display_name, endpoint="directions"
                )
            return [named]
        return [a for a in self.accounts if isinstance(a.client, ExchangerClient)]

    async def directions(self, account: str | None = None) -> list[AccountResult[list[Direction]]]:
        return await across(self.sites(account), _directions, budget=self.budget)

    async def bids(self, account: str | None = None) -> list[AccountResult[list[BidRecord]]]:
        return await across(self.sites(account), _recent_bids, budget=self.budget)


async def _directions(account: Account) -> list[Direction]:
    client = account.client
    assert isinstance(client, ExchangerClient)
    summaries = await client.get_directions()
    return list(await asyncio.gather(*(client.get_direction(s.id) for s in summaries)))


async def _recent_bids(account: Account) -> list[BidRecord]:
    client = account.client
    assert isinstance(client, ExchangerClient)
    bids = await client.get_exchanges(limit=RECENT_BIDS)
    return sorted(bids, key=lambda b: b.time, reverse=True)
