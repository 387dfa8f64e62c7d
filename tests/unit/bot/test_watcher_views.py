"""The deposit push: what arrived, where, its status, and a link to a block explorer for well-known chains."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.watchers import bid_news_text, fill_text, transfer_text, withdrawal_news_text
from services.actions.records import Action
from services.actions.states import ActionState
from services.exchanges.exchanger.models import Bid, BidStatus
from services.exchanges.models import Deposit, Order, OrderSide, OrderStatus, OrderType, TransferStatus
from services.watchers.bids import BidNews
from services.watchers.fills import FillNews
from services.watchers.transfers import TransferNews
from services.watchers.withdrawals import WithdrawalNews

TXID = "a" * 64


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def news(status: TransferStatus, *, first_seen: bool = True, **fields: object) -> TransferNews:
    values: dict[str, object] = {
        "id": "d-1",
        "asset": "USDT",
        "amount": Decimal("1250.5"),
        "status": status,
        "network": "TRC20",
        "txid": TXID,
        "timestamp": datetime(2026, 11, 29, tzinfo=UTC),
    } | fields
    return TransferNews("incorex-main", Deposit.model_validate(values), first_seen=first_seen)


def test_a_deposit_shows_amount_network_status_and_an_explorer_link(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = transfer_text(news(TransferStatus.PENDING))
    assert "Deposit on incorex-main: 1,250.5 USDT" in text
    assert "Status: pending" in text and "Network: TRC20" in text
    assert f'href="https://tronscan.org/#/transaction/{TXID}"' in text


def test_a_credited_deposit_says_so_in_the_readers_language(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("ru"):
        text = transfer_text(news(TransferStatus.OK, first_seen=False))
    assert "Поступление на incorex-main" in text and "1\xa0250,5 USDT" in text


def test_an_unknown_chain_or_an_odd_txid_gets_no_link_and_is_escaped(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        odd = transfer_text(news(TransferStatus.OK, asset="XYZ", network=None, txid="<b>x</b>"))
        btc = transfer_text(news(TransferStatus.OK, asset="BTC", network=None, txid="<script>"))
    assert "href" not in odd and "&lt;b&gt;x&lt;/b&gt;" in odd
    assert "href" not in btc


def withdrawal(status: TransferStatus, txid: str | None) -> WithdrawalNews:
    params = {"asset": "BTC", "amount": "0.01", "address": "bc1q<x>"}
    action = Action("w1", "withdrawal", 1003, 1003, "incorex-main", params, ActionState.SUBMITTED, 0, 0, 0)
    return WithdrawalNews(action, txid, status)


def test_a_withdrawal_push_carries_its_txid_with_a_link_and_its_final_state(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        sent = withdrawal_news_text(withdrawal(TransferStatus.PENDING, TXID))
        done = withdrawal_news_text(withdrawal(TransferStatus.OK, TXID))
    assert "Withdrawal of 0.01 BTC from incorex-main has its txid" in sent
    assert f'href="https://mempool.space/tx/{TXID}"' in sent and "bc1q&lt;x&gt;" in sent
    assert "Withdrawal of 0.01 BTC from incorex-main: done" in done


def test_a_withdrawal_made_outside_the_bot_says_so(i18n: I18n) -> None:
    outside = TransferNews("narkasa-main", news(TransferStatus.OK).transfer, first_seen=True, outgoing=True)
    with i18n.context(), i18n.use_locale("tr"):
        text = transfer_text(outside)
    assert "narkasa-main hesabından bot dışında yapılan çekim" in text


def test_a_fill_tells_the_order_and_whether_it_filled_in_full(i18n: I18n) -> None:
    params = {"pair": "BTC/IDR", "side": "buy", "type": "limit", "amount": "0.002", "price": "900000000"}
    action = Action("o1", "order", 1003, 1003, "indodax-main", params, ActionState.SUBMITTED, 0, 0, 0)

    def order(filled: str, status: OrderStatus) -> FillNews:
        placed = Order(
            id="77", symbol="BTC/IDR", side=OrderSide.BUY, type=OrderType.LIMIT, status=status,
            amount=Decimal("0.002"), filled=Decimal(filled), average=Decimal("900000000"),
        )  # fmt: skip
        return FillNews("indodax-main", placed, action)

    with i18n.context(), i18n.use_locale("en"):
        part = fill_text(order("0.001", OrderStatus.OPEN))
        full = fill_text(order("0.002", OrderStatus.CLOSED))
    assert "partly filled: buy 0.001 of 0.002 BTC/IDR on indodax-main" in part
    assert "Your order filled: buy 0.002 BTC/IDR on indodax-main" in full and "900,000,000" in full


def bid_news(status: BidStatus) -> BidNews:
    action = Action("b1", "bid", 1003, 1003, "exchanger-main", {}, ActionState.SUBMITTED, 0, 0, 0)
    bid = Bid.model_validate(
        {
            "id": "17",
            "hash": "h",
            "status": status.value,
            "currency_code_give": "BTC",
            "currency_code_get": "USDT",
            "amount_give": "0.01",
            "amount_get": "650.5",
        }
    )
    return BidNews(action, bid)


def test_a_bid_push_names_the_bid_its_new_status_and_both_amounts(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = bid_news_text(bid_news(BidStatus.SUCCESS))
    assert "✅ Bid #17 on exchanger-main is now completed <code>success</code>" in text
    assert "You give: 0.01 BTC" in text and "You get: 650.5 USDT" in text


def test_a_fill_of_an_order_placed_outside_the_bot_names_the_account(i18n: I18n) -> None:
    placed = Order(
        id="78", symbol="BTC/USDT", side=OrderSide.SELL, type=OrderType.LIMIT, status=OrderStatus.OPEN,
        amount=Decimal("0.5"), filled=Decimal("0.2"),
    )  # fmt: skip
    with i18n.context(), i18n.use_locale("ru"):
        text = fill_text(FillNews("narkasa-main", placed, None))
    assert "Ордер частично исполнен на narkasa-main: продажа 0,2 из 0,5 BTC/USDT" in text
