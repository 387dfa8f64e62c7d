from decimal import Decimal

from services.exchanges.models import Ticker
from services.pricing import PriceGraph


def t(symbol: str, bid: str | None = None, ask: str | None = None, last: str | None = None) -> Ticker:
    return Ticker(
        symbol=symbol,
        bid=Decimal(bid) if bid else None,
        ask=Decimal(ask) if ask else None,
        last=Decimal(last) if last else None,
    )


def test_direct_pair_uses_mid_price() -> None:
    graph = PriceGraph.from_tickers([t("BTC/USDT", "100", "102")])
    rate = graph.rate("BTC", "USDT")
    assert rate is not None
    assert rate.value == Decimal("101")
    assert rate.path == ("BTC", "USDT")


def test_inverse_pair_converts_the_quote_side() -> None:
    graph = PriceGraph.from_tickers([t("USDT/IDR", last="16000")])
    rate = graph.rate("IDR", "USDT")
    assert rate is not None
    assert rate.value * 16000 == Decimal(1)


def test_conversion_goes_through_an_intermediate_asset() -> None:
    graph = PriceGraph.from_tickers([t("DOGE/BTC", last="0.000002"), t("BTC/USDT", last="50000")])
    rate = graph.rate("doge", "usdt")
    assert rate is not None
    assert rate.value == Decimal("0.1")
    assert rate.path == ("DOGE", "BTC", "USDT")


def test_the_shortest_path_wins() -> None:
    graph = PriceGraph.from_tickers(
        [t("ETH/BTC", last="0.05"), t("BTC/USDT", last="50000"), t("ETH/USDT", last="2400")]
    )
    rate = graph.rate("ETH", "USDT")
    assert rate is not None
    assert rate.value == Decimal("2400")


def test_an_asset_without_any_path_has_no_rate() -> None:
    graph = PriceGraph.from_tickers([t("BTC/USDT", last="50000"), t("XYZ/ABC", last="2")])
    assert graph.rate("XYZ", "USDT") is None


def test_the_first_source_of_a_pair_wins() -> None:
    graph = PriceGraph()
    graph.add(t("BTC/USDT", last="50000"))
    graph.add(t("BTC/USDT", last="1"))
    rate = graph.rate("BTC", "USDT")
    assert rate is not None
    assert rate.value == Decimal("50000")


def test_tickers_without_prices_are_ignored() -> None:
    graph = PriceGraph.from_tickers([t("BTC/USDT"), t("BTC/USDT", last="0")])
    assert graph.rate("BTC", "USDT") is None
