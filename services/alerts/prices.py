"""The feed's prices in Redis: the latest per market with its time (for /price, the portfolio and the
alerts), and a rolling window per watched market from which percent moves are measured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from redis.asyncio import Redis

from services.alerts.conditions import MOVE_PERIOD_S
from services.alerts.store import Move
from services.redis_client import Keys

HUNDRED = Decimal(100)

# ARGV: W (the windows' key prefix), keep (seconds of prices kept), then per market: symbol, price, seen,
# the number of periods and the periods. Adds each price to its market's window (members
# ``<seen>|<price>`` scored by seen) and, for a market with periods, returns {symbol, period, lowest,
# highest, period, ...}: the prices are compared as numbers and handed back as written, so the percent
# is computed in Decimal.
WINDOWS = """
local W, keep = ARGV[1], tonumber(ARGV[2])
local out = {}
local i = 3
while i <= #ARGV do
    local symbol, price, seen, count = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
    local key = W .. symbol
    redis.call('ZADD', key, seen, ARGV[i + 2] .. '|' .. price)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', seen - keep)
    if count > 0 then
        local longest = 0
        for j = i + 4, i + 3 + count do longest = math.max(longest, tonumber(ARGV[j])) end
        local window = redis.call('ZRANGEBYSCORE', key, seen - longest, '+inf', 'WITHSCORES')
        local row = {symbol}
        for j = i + 4, i + 3 + count do
            local since, low, high = seen - tonumber(ARGV[j]), nil, nil
            for k = 1, #window, 2 do
                if tonumber(window[k + 1]) >= since then
                    local text = string.sub(window[k], string.find(window[k], '|', 1, true) + 1)
                    local value = tonumber(text)
                    if low == nil or value < low[1] then low = {value, text} end
                    if high == nil or value > high[1] then high = {value, text} end
                end
            end
            table.insert(row, ARGV[j])
            table.insert(row, low[2])
            table.insert(row, high[2])
        end
        table.insert(out, row)
    end
    i = i + 4 + count
end
return out
"""


@dataclass(frozen=True, slots=True)
class Quote:
    price: Decimal
    at: float  # unix time the feed saw it


class PriceBook:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._windows = redis.register_script(WINDOWS)

    async def put_latest(self, account: str, quotes: dict[str, Quote]) -> None:
        if quotes:
            mapping = {symbol: f"{q.price}|{q.at!r}" for symbol, q in quotes.items()}
            await self._redis.hset(self._keys("prices", account), mapping=mapping)  # type: ignore[misc]

    async def latest(self, account: str, symbol: str) -> Quote | None:
        raw = await self._redis.hget(self._keys("prices", account), symbol)  # type: ignore[misc]
        if raw is None:
            return None
        price, _, at = raw.partition("|")
        return Quote(Decimal(price), float(at))

    async def moves(
        self, account: str, quotes: Mapping[str, Quote], periods: Mapping[str, Sequence[int]]
    ) -> dict[str, list[Move]]:
        """Adds each market's quote to its window and measures the move over each of its periods: the
        rise from the lowest price within it, the fall from the highest. One script for every market."""
        args: list[str] = [self._keys("window", account, ""), str(MOVE_PERIOD_S[1])]
        for symbol, quote in quotes.items():
            wanted = periods.get(symbol, ())
            args += [symbol, str(quote.price), repr(quote.at), str(len(wanted)), *map(str, wanted)]
        moves: dict[str, list[Move]] = {}
        for symbol, *extremes in await self._windows(args=args):
            quote = quotes[symbol]
            moves[symbol] = [
                _move(int(extremes[i]), quote.price, Decimal(extremes[i + 1]), Decimal(extremes[i + 2]))
                for i in range(0, len(extremes), 3)
            ]
        return moves


def _move(period: int, price: Decimal, low: Decimal, high: Decimal) -> Move:
    rise = (price / low - 1) * HUNDRED if low > 0 else Decimal(0)
    fall = (1 - price / high) * HUNDRED if high > 0 else Decimal(0)
    return Move(period, max(rise, Decimal(0)), max(fall, Decimal(0)))
