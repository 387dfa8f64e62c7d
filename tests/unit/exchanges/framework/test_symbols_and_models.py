from decimal import Decimal

from services.exchanges.models import Balance, Balances, Market
from services.exchanges.symbols import MarketIndex, split_pair

BTC_USDT = Market(symbol="BTC/USDT", id="btc_usdt", base="BTC", quote="USDT")
ETH_IDR = Market(symbol="ETH/IDR", id="ethidr", base="ETH", quote="IDR")


def test_pairs_are_accepted_in_every_documented_spelling() -> None:
    index = MarketIndex([BTC_USDT, ETH_IDR])
    for text in ("BTC/USDT", "btc/usdt", "BTC_USDT", "btc_usdt", "btc-usdt", "BTCUSDT"):
        assert index.find(text) is BTC_USDT, text
    assert index.find("ethidr") is ETH_IDR
    assert index.find("eth_idr") is ETH_IDR


def test_unknown_pairs_are_not_guessed() -> None:
    index = MarketIndex([BTC_USDT])
    assert index.find("ETH/USDT") is None
    assert index.find("BTC") is None


def test_split_pair_rejects_malformed_text() -> None:
    assert split_pair("btc_usdt") == ("BTC", "USDT")
    assert split_pair("btc") is None
    assert split_pair("/usdt") is None
    assert split_pair("a/b/c") is None


def test_balance_total_is_free_plus_reserved_in_decimal() -> None:
    balance = Balance(asset="BTC", free=Decimal("0.1"), reserved=Decimal("0.2"))
    assert balance.total == Decimal("0.3")


def test_balances_list_only_non_zero_assets() -> None:
    balances = Balances(
        assets={
            "BTC": Balance(asset="BTC", free=Decimal("1")),
            "ETH": Balance(asset="ETH"),
        }
    )
    assert [b.asset for b in balances.non_zero()] == ["BTC"]
    assert balances.get("eth").total == 0
