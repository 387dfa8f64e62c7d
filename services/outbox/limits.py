"""Telegram's sending limits, shared by every bot copy through Redis.

Each limit is a "next free moment" key (GCRA without burst): a chat may be sent to once per
`chat_interval_s`, a group once per `group_interval_s`, and all chats together once per
`global_interval_s`. A sender first waits for its chat (only its own worker waits on it), then reserves
the next global slot, so waiting senders queue up instead of polling.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from services.redis_client import Keys

# KEYS: global, chat[, group]; ARGV: global, chat[, group] intervals in ms.
# -> {0, ms}: the chat (or group) is busy, ask again in ms; {1, ms}: a slot is reserved ms from now.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i = 2, #KEYS do
    local free = tonumber(redis.call('GET', KEYS[i]) or '0')
    if free - now > wait then wait = free - now end
end
if wait > 0 then return {0, wait} end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
for i = 1, #KEYS do
    local interval = tonumber(ARGV[i])
    redis.call('SET', KEYS[i], slot + interval, 'PX', slot - now + interval + 1000)
end
return {1, slot - now}
"""

# KEYS: chat; ARGV: ms. Telegram said "retry after": nobody sends to that chat before then.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + tonumber(ARGV[1]) > free then
    redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 1000)
end
return 1
"""


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    group_per_minute: int = 20


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids in the Bot API."""
    return chat_id < 0


class SendLimits:
    def __init__(self, redis: Redis, keys: Keys, limits: Limits) -> None:
        self._keys = keys
        self._reserve = redis.register_script(_RESERVE)
        self._hold = redis.register_script(_HOLD)
        self._global_ms = max(1, round(1000 / limits.per_second))
        self._chat_ms = max(1, round(1000 / limits.per_chat_per_second))
        self._group_ms = max(1, round(60_000 / limits.group_per_minute))

    async def reserve(self, chat_id: int) -> tuple[bool, float]:
        """(True, s): send to `chat_id` in s seconds; (False, s): ask again in s seconds."""
        keys = [self._keys("outbox", "rate", "all"), self._keys("outbox", "rate", "chat", chat_id)]
        args = [self._global_ms, self._chat_ms]
        if is_group(chat_id):
            keys.append(self._keys("outbox", "rate", "group", chat_id))
            args.append(self._group_ms)
        reserved, ms = await self._reserve(keys=keys, args=args)
        return bool(reserved), int(ms) / 1000

    async def hold(self, chat_id: int, seconds: float) -> None:
        await self._hold(keys=[self._keys("outbox", "rate", "chat", chat_id)], args=[int(seconds * 1000)])
