"""The simulators' seeded prices tell one story: a coin is worth the same through any of its markets."""

from decimal import Decimal

import pytest

from demo.exchanges import EXCHANGES, demo_seed_for
from sandbox.exchanges.common.seed import SeedMarket, default_markets
from services.exchanges.models import Ticker
from services.pricing import PriceGraph, disagree

COINS = ("BTC", "ETH", "LTC", "USDT")


def _graph(markets: dict[str, tuple[SeedMarket, ...]]) -> PriceGraph:
    graph = PriceGraph()
    for exchange, listed in markets.items():
        for market in listed:
            graph.add(Ticker(symbol=market.symbol, last=market.mid), exchange)
    return graph


def _assert_routes_agree(graph: PriceGraph, quotes: set[str], spread: Decimal) -> None:
    for asset in (*COINS, *quotes):
        for quote in quotes:
            routes = graph.routes(asset, quote)
            assert routes, f"{asset} has no price in {quote}"
            for route in routes[1:]:
                assert not disagree(routes[0].value, route.value, spread), (asset, quote, routes[0], route)


def test_every_demo_coin_has_one_price_in_every_quote_its_markets_reach() -> None:
    seeds = {name: demo_seed_for(name) for name in EXCHANGES}
    quotes = {m.quote for seed in seeds.values() for m in seed.markets}
    assert quotes == {"USDT", "IDR"}
    spread = max(m.spread for seed in seeds.values() for m in seed.markets)
    _assert_routes_agree(_graph({name: seed.markets for name, seed in seeds.items()}), quotes, spread)


@pytest.mark.parametrize("quote", ["IDR", "TRY"])
def test_default_markets_in_a_local_currency_agree_with_the_usdt_markets(quote: str) -> None:
    markets = {"usdt": default_markets("USDT", COINS[:3]), quote: default_markets(quote, COINS)}
    spread = markets["usdt"][0].spread
    _assert_routes_agree(_graph(markets), {"USDT", quote}, spread)
