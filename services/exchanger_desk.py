"""What the team's exchanger sites offer (directions, rates, reserves) and the bids placed on them.

A site's API has no bulk quote: its list of directions is one request, and each direction's rate and
reserve is one more, at 3 a second. So the list and each direction's details are kept in Redis for a
while, and a page asks only for the details of the directions it shows.
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass

from pydantic import ValidationError
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry, AccountResult, across
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.convert import direction_market, direction_ticker
from services.exchanges.exchanger.models import BidRecord, Direction, DirectionSummary
from services.exchanges.models import Market, Ticker
from services.exchanges.symbols import split_pair, unified
from services.redis_client import Keys

RECENT_BIDS = 20
DIRECTIONS_PER_PAGE = 15
#: the list of directions changes when the operator opens or closes one: rarely
LISTING_TTL_S = 300
#: rates and reserves move: a quote a minute old is what a member still accepts as current
DETAILS_TTL_S = 60
#: a /price by currency codes reads at most this many directions whose titles name both codes
MAX_CANDIDATES = 6
_REFUSED = "refused"


@dataclass(frozen=True)
class Skipped:
    """A direction the site lists but would not describe, and why."""

    summary: DirectionSummary
    error: errors.ExchangeError


@dataclass(frozen=True)
class SiteDirections:
    """The directions of one site that one page shows: ``first`` is the index of the first one."""

    directions: list[Direction]
    skipped: list[Skipped]
    first: int
    total: int


@dataclass(frozen=True)
class DirectionsPage:
    sites: list[AccountResult[SiteDirections]]
    page: int
    pages: int


class ExchangerDesk:
    def __init__(
        self,
        accounts: AccountRegistry,
        redis: Redis,
        keys: Keys,
        *,
        budget: TimeBudget,
        listing_ttl_s: float = LISTING_TTL_S,
        details_ttl_s: float = DETAILS_TTL_S,
    ) -> None:
        self.accounts = accounts
        self.budget = budget
        self._redis = redis
        self._keys = keys
        self._listing_ttl = max(1, math.ceil(listing_ttl_s))
        self._details_ttl = max(1, math.ceil(details_ttl_s))

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

    async def directions(
        self, account: str | None = None, page: int = 0, per_page: int = DIRECTIONS_PER_PAGE
    ) -> DirectionsPage:
        """One page of the directions of every site (or the named one), with details for that page only.

        A site whose list cannot be read is reported on the first page; a page past the end shows the last.
        """
        listings = await across(self.sites(account), self.listing, budget=self.budget)
        entries = [(r.account, i, s) for r in listings if r.ok for i, s in enumerate(r.value or [])]
        pages = max(1, math.ceil(len(entries) / per_page))
        page = max(0, min(page, pages - 1))
        shown = entries[page * per_page : (page + 1) * per_page]
        totals = {r.account.name: len(r.value or []) for r in listings if r.ok}
        on_page: dict[str, list[tuple[int, DirectionSummary]]] = {}
        for site, index, summary in shown:
            on_page.setdefault(site.name, []).append((index, summary))

        async def details(site: Account) -> SiteDirections:
            rows = on_page[site.name]
            found, skipped = await self._details(site, [s for _, s in rows])
            return SiteDirections(found, skipped, first=rows[0][0], total=totals[site.name])

        with_rows = [r.account for r in listings if r.ok and r.account.name in on_page]
        sites = await across(with_rows, details, budget=self.budget)
        # a site with nothing to show, or one that could not be read, is said once: on the first page
        said = [
            AccountResult(r.account, value=SiteDirections([], [], 0, 0))
            if r.ok
            else AccountResult[SiteDirections](r.account, error=r.error)
            for r in listings
            if page == 0 and not r.value
        ]
        order = {a.name: i for i, a in enumerate(self.accounts)}
        ordered = sorted([*sites, *said], key=lambda r: order[r.account.name])
        return DirectionsPage(ordered, page, pages)

    async def quote(self, account: str, pair: str) -> tuple[Market, Ticker]:
        """A direction as a market and its rate as a ticker, found by direction id or by currency codes."""
        direction = await self.direction(account, pair)
        return direction_market(direction), direction_ticker(direction)

    async def direction(self, account: str, pair: str) -> Direction:
        """A direction found by its id or by currency codes; UnknownPair if the site has no such one.

        Codes are matched against the currency titles of the list first, so only a few directions are read.
        """
        site = self.sites(account)[0]
        summaries = await self.listing(site)
        wanted = pair.strip()
        codes = split_pair(wanted)
        if any(s.id == wanted for s in summaries):
            candidates = [s for s in summaries if s.id == wanted]
        elif codes is not None:
            named = [s for s in summaries if _names(s.give_title, codes[0]) and _names(s.get_title, codes[1])]
            candidates = named[:MAX_CANDIDATES]
        else:
            candidates = []
        found, _ = await self._details(site, candidates)
        symbol = unified(*codes) if codes is not None else None
        for direction in found:
            if direction.id == wanted or direction_market(direction).symbol == symbol:
                return direction
        raise errors.UnknownPair(
            f"unknown pair {pair!r}", exchange=site.client.display_name, endpoint="directions"
        )

    async def bids(self, account: str | None = None) -> list[AccountResult[list[BidRecord]]]:
        return await across(self.sites(account), _recent_bids, budget=self.budget)

    async def listing(self, site: Account) -> list[DirectionSummary]:
        """The site's directions (ids and currency titles), from Redis while fresh."""
        key = self._keys("exchanger", site.name, "directions")
        cached = await self._redis.get(key)
        if cached is not None:
            try:
                return [DirectionSummary.model_validate(item) for item in json.loads(cached)]
            except (ValueError, ValidationError):
                pass  # written by an older version: read the site again
        client = _client(site)
        summaries = await client.get_directions()
        wire = [s.model_dump(mode="json", by_alias=True) for s in summaries]
        await self._redis.set(key, json.dumps(wire), ex=self._listing_ttl)
        return summaries

    async def _details(
        self, site: Account, summaries: list[DirectionSummary]
    ) -> tuple[list[Direction], list[Skipped]]:
        """Details of these directions, each from Redis while fresh; one the site refuses is skipped."""
        keys = [self._keys("exchanger", site.name, "direction", s.id) for s in summaries]
        cached = await self._redis.mget(keys) if keys else []
        answers = await asyncio.gather(
            *(self._detail(site, s, k, c) for s, k, c in zip(summaries, keys, cached, strict=True))
        )
        found = [a for a in answers if isinstance(a, Direction)]
        skipped = [Skipped(s, a) for s, a in zip(summaries, answers, strict=True) if isinstance(a, Exception)]
        return found, skipped

    async def _detail(
        self, site: Account, summary: DirectionSummary, key: str, cached: str | None
    ) -> Direction | errors.ExchangeError:
        if cached == _REFUSED:
            return _refusal(site, summary)
        if cached is not None:
            try:
                return Direction.model_validate_json(cached)
            except ValidationError:
                pass  # written by an older version: read the site again
        try:
            direction = await _client(site).get_direction(summary.id)
        except (errors.UnknownPair, errors.BadResponse) as exc:
            # listed but closed to the API, or described in a shape we cannot read: the rest still shows
            await self._redis.set(key, _REFUSED, ex=self._details_ttl)
            return exc
        await self._redis.set(key, direction.model_dump_json(by_alias=True), ex=self._details_ttl)
        return direction


def _client(site: Account) -> ExchangerClient:
    client = site.client
    assert isinstance(client, ExchangerClient)
    return client


def _refusal(site: Account, summary: DirectionSummary) -> errors.ExchangeError:
    return errors.UnknownPair(
        f"direction {summary.id} refused", exchange=site.client.display_name, endpoint="get_direction"
    )


def _names(title: str, code: str) -> bool:
    """Does a currency title ("Tether TRC20 USDT") name this code ("USDT", "USDTTRC20")?"""
    compact = "".join(ch for ch in title.upper() if ch.isalnum())
    words = {"".join(ch for ch in w if ch.isalnum()) for w in title.upper().split()}
    return code in words or code == compact or any(w and w in code for w in words if len(w) >= 3)


async def _recent_bids(account: Account) -> list[BidRecord]:
    client = _client(account)
    return await client.fetch_recent_bids(RECENT_BIDS)
