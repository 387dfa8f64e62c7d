from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.exchanger import bids_blocks
from services.accounts import Account, AccountResult
from services.exchanges.base import ClientConfig
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidRecord, BidStatus


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def _bid(status: BidStatus) -> BidRecord:
    return BidRecord.model_validate(
        {
            "id": "17",
            "time": 1767268800,
            "currency_code_give": "BTC",
            "currency_code_get": "USDT",
            "course_give": "1",
            "course_get": "90000",
            "amount_give": "0.5",
            "amount_get": "45000",
            "status": status.value,
        }
    )


def _blocks(status: BidStatus) -> str:
    client = ExchangerClient(ClientConfig(account="site", base_url="http://127.0.0.1:9"))
    result = AccountResult(Account("site", "exchanger", client), value=[_bid(status)])
    return "\n".join(bids_blocks([result], ZoneInfo("Europe/Moscow")))


@pytest.mark.parametrize(
    ("locale", "status", "label"),
    [
        ("ru", BidStatus.SUCCESS, "выполнена"),
        ("tr", BidStatus.AMLWAIT, "AML kontrolü bekleniyor"),
        ("id", BidStatus.PAYOUTERROR, "pembayaran keluar gagal"),
        ("en", BidStatus.TECHPAY, "client says paid"),
    ],
)
def test_bid_statuses_are_translated(i18n: I18n, locale: str, status: BidStatus, label: str) -> None:
    with i18n.context(), i18n.use_locale(locale):
        text = _blocks(status)
    assert f"{label} <code>{status.value}</code>" in text


def test_bid_lines_use_the_readers_number_and_date_format(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("ru"):
        text = _blocks(BidStatus.SUCCESS)
    assert "<i>01.01.2026 15:00</i>" in text and "0,5 BTC → 45\xa0000 USDT" in text


@pytest.mark.parametrize(("give", "get"), [("1e-999999", "1e999999"), ("0", "5"), ("1", "1e26")])
def test_a_direction_with_any_rate_renders(i18n: I18n, give: str, get: str) -> None:
    from handlers.views.exchanger import _direction_line
    from services.exchanges.exchanger.models import Direction

    direction = Direction.model_validate(
        {
            "id": "1",
            "currency_code_give": "BTC",
            "currency_code_get": "USDT",
            "course_give": give,
            "course_get": get,
            "reserve": "1e999",
        }
    )
    with i18n.context():
        line = _direction_line(direction)
    assert line.startswith("<b>BTC → USDT</b> · 1 = ") and "reserve 1E999 USDT" in line
