"""ExchangerClient: one account = one exchanger site running the Premium Exchanger script.

An exchanger is not an order-book exchange: it quotes fixed-rate directions ("I give" -> "I receive")
and executes bids. A direction is exposed as a market ``GIVE/GET`` and its rate as that market's ticker;
everything order-book shaped stays NotSupported.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel

from services.exchanges import errors
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.callbacks import CallbackEndpoint
from services.exchanges.capabilities import Capability
from services.exchanges.jsonwire import decimal_text
from services.exchanges.models import AccountInfo, Market, Ticker
from services.exchanges.transport import Request

from . import constants as c
from . import convert
from .auth import ApiKeyHeaders
from .callback import BidUpdates
from .errors import EnvelopeErrors, NothingFound
from .models import (
    Bid,
    BidRecord,
    BidStatus,
    Calc,
    CalcAction,
    Direction,
    DirectionCurrencies,
    DirectionSummary,
    PartnerExchange,
    PartnerInfo,
    PartnerLink,
    PartnerPayout,
    SiteAccount,
)
from .schemas import Envelope, Items, PayoutCreated, StatusAnswer

M = TypeVar("M", bound=BaseModel)
Params = Sequence[tuple[str, str | int | Decimal | datetime | None]]


def _wire(value: str | int | Decimal | datetime) -> str:
    if isinstance(value, datetime):
        return str(int(value.timestamp()))
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


class ExchangerClient(ExchangeClient):
    exchange = "exchanger"
    display_name = "Premium Exchanger"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.EXCHANGE_BIDS, Capability.FETCH_MARKETS, Capability.FETCH_TICKERS, Capability.BID_API_ID}
    )
    rate_limits = c.RATE_LIMITS
    default_base_url = None  # every site has its own domain

    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config)
        self._transport = self.make_transport(
            signer=ApiKeyHeaders(config.credentials, config.language),
            error_hook=EnvelopeErrors(self.exchange, self.redactor),
        )

    def callback_endpoint(self) -> CallbackEndpoint:
        """Sites post bid status changes to a bid's callback_url (services.watchers.bids follows them)."""
        return BidUpdates()

    # -- the wire -----------------------------------------------------------------------------------

    async def _call(self, method: str, params: Params = ()) -> Any:
        """Errors are told by their text, which the site writes in API-LANG's language: a write asks
        for English (it is sent once, so its error must be understood the first time); a read whose
        error text is not one we know is asked again in English."""
        write = method in c.WRITE_METHODS
        request = Request(
            "POST",
            c.API_PATH + method,
            method,
            form=[(name, _wire(value)) for name, value in params if value is not None],
            headers={c.HEADER_LANG: c.ENGLISH} if write else {},
            write=write,
            buckets=(c.BUCKET,),
            signed=True,
        )
        try:
            answer = await self._transport.request(request)
        except errors.ExchangeError as exc:
            if type(exc) is not errors.ExchangeError or write or not self._foreign_language:
                raise
            answer = await self._transport.request(replace(request, headers={c.HEADER_LANG: c.ENGLISH}))
        if write:
            with errors.reading_write_answer(self.exchange, method):
                return self.parse(Envelope, answer, method).data
        return self.parse(Envelope, answer, method).data

    @property
    def _foreign_language(self) -> bool:
        return bool(self.config.language) and self.config.language != c.ENGLISH

    async def _items(self, method: str, item: type[M], params: Params) -> list[M]:
        try:
            data = await self._call(method, params)
        except NothingFound:
            return []
        return self.parse(Items[item], data, method).items  # type: ignore[valid-type]

    # -- account and directions ---------------------------------------------------------------------

    async def test(self) -> SiteAccount:
        return self.parse(SiteAccount, await self._call(c.TEST), c.TEST)

    async def fetch_account_info(self) -> AccountInfo:
        site = await self.test()
        return AccountInfo(details=site.model_dump())

    async def get_direction_currencies(
        self, give_id: str | None = None, get_id: str | None = None
    ) -> DirectionCurrencies:
        data = await self._call(
            c.GET_DIRECTION_CURRENCIES, [("currency_id_give", give_id), ("currency_id_get", get_id)]
        )
        return self.parse(DirectionCurrencies, data, c.GET_DIRECTION_CURRENCIES)

    async def get_directions(
        self, give_id: str | None = None, get_id: str | None = None
    ) -> list[DirectionSummary]:
        params = [("currency_id_give", give_id), ("currency_id_get", get_id)]
        return await self._items(c.GET_DIRECTIONS, DirectionSummary, params)

    async def get_direction(self, direction_id: str) -> Direction:
        data = await self._call(c.GET_DIRECTION, [("direction_id", direction_id)])
        return self.parse(Direction, data, c.GET_DIRECTION)

    async def get_calc(
        self,
        direction_id: str,
        amount: Decimal,
        action: CalcAction = CalcAction.GIVE,
        cd: Mapping[str, str] | None = None,
    ) -> Calc:
        params: Params = [
            ("direction_id", direction_id),
            ("calc_amount", amount),
            ("calc_action", int(action)),
            ("cd", urlencode(dict(cd)) if cd else None),
        ]
        return self.parse(Calc, await self._call(c.GET_CALC, params), c.GET_CALC)

    # -- directions as markets ----------------------------------------------------------------------

    async def _all_directions(self) -> list[Direction]:
        """One get_directions and one get_direction per direction: the API has no bulk quote."""
        summaries = await self.get_directions()
        found = await asyncio.gather(*(self._direction_or_none(s.id) for s in summaries))
        return sorted((d for d in found if d is not None), key=lambda d: convert.id_order(d.id))

    async def _direction_or_none(self, direction_id: str) -> Direction | None:
        try:
            return await self.get_direction(direction_id)
        except errors.UnknownPair:  # listed but closed to the API
            return None

    async def fetch_markets(self) -> list[Market]:
        markets: dict[str, Market] = {}
        for direction in await self._all_directions():
            market = convert.direction_market(direction)
            # two directions may share codes (same coin, two payment systems): the first one is the pair
            markets.setdefault(market.symbol, market)
        return list(markets.values())

    async def fetch_tickers(self) -> dict[str, Ticker]:
        tickers: dict[str, Ticker] = {}
        for direction in await self._all_directions():
            ticker = convert.direction_ticker(direction)
            tickers.setdefault(ticker.symbol, ticker)
        return tickers

    async def fetch_ticker(self, pair: str) -> Ticker:
        market = await self.market(pair)
        return convert.direction_ticker(await self.get_direction(market.id))

    # -- bids ---------------------------------------------------------------------------------------

    async def create_bid(
        self,
        direction_id: str,
        amount: Decimal,
        action: CalcAction = CalcAction.GIVE,
        *,
        account_from: str | None = None,
        account_to: str | None = None,
        cardholder: str | None = None,
        fields: Mapping[str, str] | None = None,
        api_id: str | None = None,
        partner_id: str | None = None,
        callback_url: str | None = None,
    ) -> Bid:
        """Creates a bid, always with an ``api_id``: after OutcomeUnknown, find_bid_by_api_id tells."""
        api_id = api_id or uuid.uuid4().hex
        params: Params = [
            ("direction_id", direction_id),
            ("calc_amount", amount),
            ("calc_action", int(action)),
            ("api_id", api_id),
            ("partner_id", partner_id),
            ("callback_url", callback_url),
            ("account1", account_from),
            ("account2", account_to),
            ("cfgive8", cardholder),
            *(fields or {}).items(),
        ]
        try:
            data = await self._call(c.CREATE_BID, params)
            with errors.reading_write_answer(self.exchange, c.CREATE_BID):
                bid = self.parse(Bid, data, c.CREATE_BID)
        except errors.OutcomeUnknown as exc:
            raise errors.OutcomeUnknown(
                f"{exc.message}; look the bid up with api_id={api_id}",
                exchange=self.exchange,
                endpoint=c.CREATE_BID,
                code=exc.code,
            ) from exc
        return bid.model_copy(update={"api_id": api_id})

    async def bid_info(self, bid_id: str | None = None, bid_hash: str | None = None) -> Bid:
        """Only bids created through the API can be read this way."""
        if not (bid_id or bid_hash):
            raise ValueError("bid_info needs a bid id or hash")
        data = await self._call(c.BID_INFO, [("id", bid_id), ("hash", bid_hash)])
        return self.parse(Bid, data, c.BID_INFO)

    async def _bid_action(self, method: str, bid_hash: str) -> BidStatus:
        return self.parse(StatusAnswer, await self._call(method, [("hash", bid_hash)]), method).status

    async def cancel_bid(self, bid_hash: str) -> BidStatus:
        """Works when the bid's ``api_actions.cancel`` is "api"; a bid past cancelling keeps its status."""
        status = await self._bid_action(c.CANCEL_BID, bid_hash)
        if status is not BidStatus.CANCEL:
            raise errors.InvalidOrder(
                f"bid not cancelled: it is {status.value}", exchange=self.exchange, endpoint=c.CANCEL_BID
            )
        return status

    async def pay_bid(self, bid_hash: str) -> BidStatus:
        """Marks the bid paid; works when ``api_actions.pay`` is "api" (no merchant on the direction)."""
        return await self._bid_action(c.PAY_BID, bid_hash)

    async def success_bid(self, bid_hash: str) -> BidStatus:
        return await self._bid_action(c.SUCCESS_BID, bid_hash)

    async def get_exchanges(
        self,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        ip: str | None = None,
        bid_id: str | None = None,
        api_id: str | None = None,
        status_history: bool = False,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[BidRecord]:
        """Bids created with this key."""
        params = [
            ("start_time", start_time),
            ("end_time", end_time),
            ("ip", ip),
            ("id", bid_id),
            ("api_id", api_id),
            ("status_history", int(status_history)),
            ("limit", limit),
            ("offset", offset),
        ]
        return await self._items(c.GET_EXCHANGES, BidRecord, params)

    async def fetch_recent_bids(self, limit: int) -> list[BidRecord]:
        """The ``limit`` newest bids, newest first, whatever order the site lists them in."""
        now = datetime.now(UTC)
        found: list[BidRecord] = []
        for days in c.RECENT_BID_WINDOWS_DAYS:
            found = await self.get_exchanges(start_time=None if days is None else now - timedelta(days=days))
            if len(found) >= limit:
                break
        return convert.newest_first(found)[:limit]

    async def find_bid_by_api_id(self, api_id: str) -> BidRecord | None:
        """Settles a create_bid whose outcome is unknown: the bid exists if and only if this finds it."""
        records = await self.get_exchanges(api_id=api_id, status_history=True)
        return next((r for r in records if r.api_id == api_id), None)

    # -- partner ------------------------------------------------------------------------------------

    async def get_partner_info(self) -> PartnerInfo:
        return self.parse(PartnerInfo, await self._call(c.GET_PARTNER_INFO), c.GET_PARTNER_INFO)

    async def get_partner_links(
        self,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        ip: str | None = None,
        limit: int | None = None,
    ) -> list[PartnerLink]:
        params = [("start_time", start_time), ("end_time", end_time), ("ip", ip), ("limit", limit)]
        return await self._items(c.GET_PARTNER_LINKS, PartnerLink, params)

    async def get_partner_exchanges(
        self,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        ip: str | None = None,
        bid_id: str | None = None,
        status_history: bool = False,
        limit: int | None = None,
    ) -> list[PartnerExchange]:
        params = [
            ("start_time", start_time),
            ("end_time", end_time),
            ("ip", ip),
            ("id", bid_id),
            ("status_history", int(status_history)),
            ("limit", limit),
        ]
        return await self._items(c.GET_PARTNER_EXCHANGES, PartnerExchange, params)

    async def get_partner_payouts(
        self,
        *,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        payout_id: str | None = None,
        limit: int | None = None,
    ) -> list[PartnerPayout]:
        params = [("start_time", start_time), ("end_time", end_time), ("limit", limit), ("id", payout_id)]
        return await self._items(c.GET_PARTNER_PAYOUTS, PartnerPayout, params)

    async def add_partner_payout(self, method_id: str, account: str) -> str:
        """Requests a payout of the partner balance; returns the payout id."""
        data = await self._call(c.ADD_PARTNER_PAYOUT, [("method_id", method_id), ("account", account)])
        return self.parse(PayoutCreated, data, c.ADD_PARTNER_PAYOUT).payout_id
