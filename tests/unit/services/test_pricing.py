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


def tv(symbol: str, last: str, volume: str | None = None) -> Ticker:
    """A ticker with a last price and, optionally, a 24h base volume (the market's depth)."""
    return Ticker(symbol=symbol, last=Decimal(last), base_volume=Decimal(volume) if volume else None)


def test_a_direct_market_in_the_quote_is_trusted_before_a_deeper_conversion() -> None:
    graph = PriceGraph()
    graph.add(tv("LTC/USDT", "80", volume="1"), "thin")
    graph.add(tv("LTC/BTC", "0.0013", volume="100000"), "deep")
    graph.add(tv("BTC/USDT", "60000", volume="100000"), "deep")
    price = graph.price("LTC", "USDT")
    assert price is not None and price.best.path == ("LTC", "USDT")
    assert price.value == Decimal(80)


def test_without_a_direct_market_the_route_through_the_deepest_market_wins() -> None:
    graph = PriceGraph()
    # listed first and first by name, but LTC/BTC traded 2 LTC in a day: not the route to trust
    graph.add(tv("LTC/BTC", "0.0014", volume="2"), "incorex")
    graph.add(tv("BTC/USDT", "60000", volume="500"), "incorex")
    graph.add(tv("LTC/IDR", "1333333", volume="5000"), "indodax")
    graph.add(tv("USDT/IDR", "16666.66", volume="9000000"), "indodax")
    rate = graph.rate("LTC", "USDT")
    assert rate is not None and rate.path == ("LTC", "IDR", "USDT")
    assert rate.value.quantize(Decimal("0.01")) == Decimal("80.00")


def test_the_deepest_direct_market_wins_among_direct_ones() -> None:
    graph = PriceGraph()
    graph.add(tv("BTC/USDT", "59000", volume="3"), "small")
    graph.add(tv("BTC/USDT", "60000", volume="900"), "big")
    rate = graph.rate("BTC", "USDT")
    assert rate is not None and rate.value == Decimal(60000) and rate.exchanges == ("big",)


def test_on_equal_depth_the_accounts_own_exchange_wins() -> None:
    graph = PriceGraph()
    graph.add(tv("BTC/USDT", "60000"), "alpha")
    graph.add(tv("BTC/USDT", "60100"), "omega")
    rate = graph.rate("BTC", "USDT", prefer="omega")
    assert rate is not None and rate.exchanges == ("omega",)


def test_routes_that_disagree_beyond_the_tolerance_make_the_price_uncertain_with_both_figures() -> None:
    # the demo's mistake: LTC/IDR at 100 IDR next to LTC/USDT at 80
    graph = PriceGraph()
    graph.add(tv("LTC/USDT", "80"), "incorex")
    graph.add(tv("BTC/USDT", "60000"), "incorex")
    graph.add(tv("LTC/IDR", "100"), "indodax")
    graph.add(tv("BTC/IDR", "1000000000"), "indodax")
    price = graph.price("LTC", "BTC", prefer="incorex")
    assert price is not None and price.uncertain and price.value is None
    assert price.check is not None
    nano = Decimal("1e-15")
    figures = {r.path: r.value.quantize(nano) for r in (price.best, price.check)}
    assert figures[("LTC", "USDT", "BTC")] == (Decimal(80) / Decimal(60000)).quantize(nano)
    assert figures[("LTC", "IDR", "BTC")] == (Decimal(100) / Decimal(1_000_000_000)).quantize(nano)


def test_routes_that_agree_within_the_tolerance_give_the_trusted_price() -> None:
    graph = PriceGraph()
    graph.add(tv("ETH/USDT", "3000", volume="10"), "a")
    graph.add(tv("ETH/USDT", "3090", volume="5"), "b")  # 3 % apart
    price = graph.price("ETH", "USDT")
    assert price is not None and not price.uncertain and price.value == Decimal(3000)
    assert price.check is not None and price.check.value == Decimal(3090)


def test_the_tolerance_decides_how_far_routes_may_differ() -> None:
    graph = PriceGraph()
    graph.add(tv("ETH/USDT", "3000", volume="10"), "a")
    graph.add(tv("ETH/USDT", "3090", volume="5"), "b")  # 3 % apart
    strict = graph.price("ETH", "USDT", tolerance=Decimal("0.02"))
    loose = graph.price("ETH", "USDT", tolerance=Decimal("0.03"))
    assert strict is not None and strict.uncertain
    assert loose is not None and not loose.uncertain  # exactly at the tolerance is still agreement


def test_a_route_through_the_trusted_routes_own_market_is_no_cross_check() -> None:
    graph = PriceGraph()
    graph.add(tv("LTC/BTC", "0.0013", volume="1000"), "x")
    graph.add(tv("BTC/USDT", "60000", volume="1000"), "x")
    graph.add(tv("BTC/USDT", "30000", volume="1"), "y")  # shares LTC/BTC on x with the trusted route
    price = graph.price("LTC", "USDT")
    assert price is not None and price.check is None and not price.uncertain


def test_a_single_route_is_taken_without_a_cross_check() -> None:
    price = PriceGraph.from_tickers([tv("BTC/USDT", "60000")]).price("BTC", "USDT")
    assert price is not None and price.check is None and price.value == Decimal(60000)
