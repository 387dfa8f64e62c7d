"""IndodaxClient: the account side of the TAPI (balances, deposit addresses, deposits and withdrawals)
on top of trading and market data."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import datetime
from decimal import Decimal

from services.exchanges import errors
from services.exchanges.callbacks import CallbackEndpoint
from services.exchanges.capabilities import Capability
from services.exchanges.models import (
    AccountInfo,
    Balances,
    Deposit,
    DepositAddress,
    Market,
    Trade,
    Withdrawal,
)

from . import convert, schemas
from .constants import EXCHANGE, REQUEST_ID_MAX
from .session import amount_text
from .trading import IndodaxTrading

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9]+$")


class IndodaxClient(IndodaxTrading):
    # no stop orders: trade takes no stop price (stop-limit orders only show up in openOrders)
    capabilities = frozenset(
        {
            Capability.FETCH_MARKETS,
            Capability.FETCH_TICKERS,
            Capability.FETCH_ORDER_BOOK,
            Capability.FETCH_TRADES,
            Capability.FETCH_OHLCV,
            Capability.FETCH_BALANCE,
            Capability.FETCH_OPEN_ORDERS,
            Capability.FETCH_CLOSED_ORDERS,
            Capability.FETCH_ORDER,
            Capability.FETCH_MY_TRADES,
            Capability.CREATE_LIMIT_ORDER,
            Capability.CREATE_MARKET_ORDER,
            Capability.CANCEL_ORDER,
            Capability.WITHDRAW,
            Capability.FETCH_DEPOSITS,
            Capability.FETCH_WITHDRAWALS,
            Capability.FETCH_DEPOSIT_ADDRESS,
            Capability.CLIENT_ORDER_ID,
            Capability.WITHDRAW_REQUEST_ID,
        }
    )

    def callback_endpoint(self) -> CallbackEndpoint:
        """Indodax asks before each withdrawCoin; only our own pending request is answered "ok"."""
        return self.withdrawal_callbacks

    async def _info(self) -> schemas.Info:
        return await self.tapi_result(schemas.Info, "getInfo")

    async def fetch_balance(self) -> Balances:
        return convert.balances(await self._info())

    async def fetch_account_info(self) -> AccountInfo:
        """getInfo proves the key may view; it tells whether the user may withdraw, not the key's rights."""
        info = await self._info()
        can_withdraw = None if info.withdraw_status is None else info.withdraw_status == 1
        details = {"user_id": info.user_id, "verification_status": info.verification_status}
        return AccountInfo(can_withdraw=can_withdraw, details={k: v for k, v in details.items() if v})

    async def fetch_deposit_address(self, asset: str, network: str | None = None) -> DepositAddress:
        info = await self._info()
        key = asset.lower()
        address = info.address.get(key)
        if not address:
            raise errors.InvalidRequest(
                f"no deposit address for {asset}", exchange=EXCHANGE, endpoint="getInfo"
            )
        networks = _networks(info, key)
        if network is not None and networks and network not in networks:
            raise errors.InvalidRequest(
                f"{asset} has no network {network!r}; one of {', '.join(networks)}",
                exchange=EXCHANGE,
                endpoint="getInfo",
            )
        chosen = network or (networks[0] if networks else None)
        return DepositAddress(asset=asset.upper(), address=address, network=chosen)

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        """tradeHistory takes one pair; without one, every pair of a coin the account touched is read
        (``traded_pairs``), so a coin sold to zero still shows its trades."""
        if pair is None:
            markets = await self.traded_pairs()
            log.info(
                "indodax %s: own trades searched in %s", self.account, ", ".join(m.symbol for m in markets)
            )
            per_pair = await asyncio.gather(*(self.fetch_my_trades(m.symbol, limit) for m in markets))
            return [trade for trades in per_pair for trade in trades]
        m = await self.market(pair)
        params = [("pair", m.id)] + ([("count", str(limit))] if limit else [])
        raw = await self.tapi_result(schemas.MyTrades, "tradeHistory", params)
        return [convert.my_trade(m, row) for row in raw.trades]

    async def traded_pairs(self) -> list[Market]:
        """The pairs whose base coin the account holds, has open orders in, or moved in or out
        (transHistory's last 7 days): a balance now zero does not hide a pair traded lately."""
        balances, open_orders, moved = await asyncio.gather(
            self.fetch_balance(), self.fetch_open_orders(), self._trans_history(None)
        )
        coins = {b.asset for b in balances.non_zero()}
        coins |= {
            c.upper()
            for page in moved
            for groups in (page.deposit, page.withdraw)
            for c, rows in groups.items()
            if rows
        }
        coins |= {o.symbol.partition("/")[0] for o in open_orders}
        return [m for m in (await self.load_markets()).markets if m.base in coins]

    # -- deposits and withdrawals --------------------------------------------------------------------

    async def _trans_history(self, since: datetime | None) -> list[schemas.TransHistory]:
        pages = []
        for window in convert.windows(since, convert.today()):
            part: convert.Window | None = window
            while True:  # a window whose list came back full is read again up to its oldest day
                params = convert.window_params(part)
                pages.append(await self.tapi_result(schemas.TransHistory, "transHistory", params))
                part = convert.older_part(part, pages[-1])
                if part is None:
                    break
        return pages

    async def fetch_deposits(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Deposit]:
        """Pages backwards through 7-day windows when ``since`` is older than that."""
        pages = [convert.transfers(Deposit, p.deposit, asset) for p in await self._trans_history(since)]
        return convert.merge_transfers(pages, since, limit)

    async def fetch_withdrawals(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Withdrawal]:
        pages = [convert.transfers(Withdrawal, p.withdraw, asset) for p in await self._trans_history(since)]
        return convert.merge_transfers(pages, since, limit)

    async def fetch_withdraw_fee(self, asset: str, network: str | None = None) -> Decimal:
        params = [("currency", asset.lower())] + ([("network", network)] if network else [])
        return (await self.tapi_result(schemas.WithdrawFee, "withdrawFee", params)).withdraw_fee

    async def withdraw(
        self,
        asset: str,
        amount: Decimal,
        address: str,
        *,
        memo: str | None = None,
        network: str | None = None,
        request_id: str | None = None,
    ) -> Withdrawal:
        """``request_id`` is Indodax's idempotency key (generated when not given); the callback the
        exchange makes before executing is answered by ``self.withdrawal_callbacks``. ``network`` is
        always sent ("network | string | yes"): when not given it is the asset's only network in
        getInfo, and NetworkRequired lists them when there are several."""
        network = network or await self._only_network(asset)
        target = [("withdraw_address", address), ("network", network)]
        return await self._withdraw(asset, amount, target, memo, request_id, network)

    async def _only_network(self, asset: str) -> str:
        networks = _networks(await self._info(), asset.lower())
        if len(networks) == 1:
            return networks[0]
        where = {"exchange": EXCHANGE, "endpoint": "withdrawCoin"}
        if not networks:
            raise errors.InvalidRequest(f"Indodax lists no network for {asset.upper()}", **where)
        raise errors.NetworkRequired(
            f"{asset.upper()} leaves on several networks: choose one of {', '.join(networks)}",
            networks=networks,
            **where,
        )

    async def withdraw_to_username(
        self,
        asset: str,
        amount: Decimal,
        username: str,
        *,
        memo: str | None = None,
        request_id: str | None = None,
    ) -> Withdrawal:
        """withdrawCoin to another Indodax user by username (no fee)."""
        target = [("withdraw_input_method", "username"), ("withdraw_username", username)]
        return await self._withdraw(asset, amount, target, memo, request_id, None)

    async def _withdraw(
        self,
        asset: str,
        amount: Decimal,
        target: list[tuple[str, str]],
        memo: str | None,
        request_id: str | None,
        network: str | None,
    ) -> Withdrawal:
        rid = request_id or uuid.uuid4().hex
        if len(rid) > REQUEST_ID_MAX or not _REQUEST_ID.match(rid):
            raise errors.InvalidRequest(
                f"request_id must be alphanumeric, at most {REQUEST_ID_MAX} characters",
                exchange=EXCHANGE,
                endpoint="withdrawCoin",
            )
        params = [
            ("currency", asset.lower()),
            *target,
            ("withdraw_amount", amount_text(amount)),
            *([("withdraw_memo", memo)] if memo else []),
            ("request_id", rid),
        ]
        expected = dict(params)
        await self.withdrawal_callbacks.expect(rid, {**expected, "withdraw_currency": asset.lower()})
        data = await self.tapi("withdrawCoin", params, write=True)
        with errors.reading_write_answer(EXCHANGE, "withdrawCoin"):
            raw = self.parse(schemas.WithdrawResult, data, "withdrawCoin")
        return Withdrawal(
            id=str(raw.withdraw_id),
            asset=raw.withdraw_currency.upper(),
            amount=raw.withdraw_amount,
            fee=raw.fee,
            status=convert.transfer_status(raw.status),
            address=raw.withdraw_address or raw.withdraw_username or None,
            memo=memo,
            network=network,
            txid=raw.txid or None,
            timestamp=convert.when(raw.submit_time),
            raw_status=raw.status,
            request_id=rid,
        )


def _networks(info: schemas.Info, asset: str) -> list[str]:
    """getInfo's network map gives one name or a list ("eth": ["eth", "arb", "op", "base"])."""
    offered = info.network.get(asset, [])
    return [offered] if isinstance(offered, str) else list(offered)
