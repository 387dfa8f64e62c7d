"""The Lua scripts of the alert store: every change of an alert, and every tick, is one script, so a tick
evaluated by two bot copies at once still fires each alert once.

Keys, under the root R (``<prefix>:alerts:``): ``a:<id>`` the alert (a hash), ``of:<member>`` a member's
alerts by creation, ``expiry`` alerts by expiry time, ``seq`` ids; per market ``m:<account>:<symbol>``:
``:up`` / ``:down`` armed thresholds (fire when the price is at or above / at or below the score),
``:reup`` / ``:redown`` fired repeating ones waiting for the price to come back past the hysteresis band,
``:rise:<period>`` / ``:fall:<period>`` armed moves scored by their percent, ``:wait`` fired repeating
moves scored by when they re-arm, ``:periods`` the move periods in use; counts of active alerts per
account: ``mk:<account>`` (by symbol), ``who:<account>`` (by member) and ``accounts``.
"""

from __future__ import annotations

_PRELUDE = """
local R = ARGV[1]
local function load(id)
    local raw = redis.call('HGETALL', R .. 'a:' .. id)
    if #raw == 0 then return nil end
    local a = {}
    for i = 1, #raw, 2 do a[raw[i]] = raw[i + 1] end
    return a
end
local function market(a) return R .. 'm:' .. a.account .. ':' .. a.symbol end
local function is_move(a) return a.kind == '+' or a.kind == '-' end
local function bump(key, field, n)
    if redis.call('HINCRBY', key, field, n) <= 0 then redis.call('HDEL', key, field) end
end
-- an alert starts or stops counting as active: the feed watches markets that have active ones
local function count(a, n)
    bump(R .. 'mk:' .. a.account, a.symbol, n)
    bump(R .. 'who:' .. a.account, a.member, n)
    bump(R .. 'accounts', a.account, n)
    if is_move(a) then bump(market(a) .. ':periods', a.period, n) end
end
local function arm(a)
    local m = market(a)
    if a.kind == '+' then redis.call('ZADD', m .. ':rise:' .. a.period, a.percent, a.id)
    elseif a.kind == '-' then redis.call('ZADD', m .. ':fall:' .. a.period, a.percent, a.id)
    else redis.call('ZADD', m .. ':' .. a.side, a.price, a.id) end
    redis.call('HSET', R .. 'a:' .. a.id, 'state', 'armed', 'side', a.side)
end
local function unplace(a)
    local m = market(a)
    for _, suffix in ipairs({':up', ':down', ':reup', ':redown', ':wait'}) do
        redis.call('ZREM', m .. suffix, a.id)
    end
    if is_move(a) then
        redis.call('ZREM', m .. ':rise:' .. a.period, a.id)
        redis.call('ZREM', m .. ':fall:' .. a.period, a.id)
    end
end
local function remove(a)
    unplace(a)
    if a.state ~= 'paused' then count(a, -1) end
    redis.call('DEL', R .. 'a:' .. a.id)
    redis.call('ZREM', R .. 'of:' .. a.member, a.id)
    redis.call('ZREM', R .. 'expiry', a.id)
end
"""

# ARGV: R, member, limit, now, expires_at ('' = never), then field, value pairs (without id/state).
# Returns the new id, or 0 when the member has reached the limit.
CREATE = (
    _PRELUDE
    + """
local member, limit, now, expires = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('ZCARD', R .. 'of:' .. member) >= limit then return 0 end
local id = tostring(redis.call('INCR', R .. 'seq'))
local key = R .. 'a:' .. id
redis.call('HSET', key, 'id', id, 'member', member, 'created', now, 'expires', expires, 'state', 'armed')
for i = 6, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
local a = load(id)
count(a, 1)
arm(a)
redis.call('ZADD', R .. 'of:' .. member, now, id)
if expires ~= '' then redis.call('ZADD', R .. 'expiry', expires, id) end
return tonumber(id)
"""
)

# ARGV: R, id, member. Returns 1 when it was the member's and is now deleted.
DELETE = (
    _PRELUDE
    + """
local a = load(ARGV[2])
if a == nil or a.member ~= ARGV[3] then return 0 end
remove(a)
return 1
"""
)

# ARGV: R, id, member. Armed or waiting to re-arm -> paused (no longer evaluated, no longer counted).
PAUSE = (
    _PRELUDE
    + """
local a = load(ARGV[2])
if a == nil or a.member ~= ARGV[3] or a.state == 'paused' then return 0 end
unplace(a)
count(a, -1)
redis.call('HSET', R .. 'a:' .. a.id, 'state', 'paused')
return 1
"""
)

# ARGV: R, id, member, side (for a threshold: which way it fires from the price now).
RESUME = (
    _PRELUDE
    + """
local a = load(ARGV[2])
if a == nil or a.member ~= ARGV[3] or a.state ~= 'paused' then return 0 end
if not is_move(a) then a.side = ARGV[4] end
count(a, 1)
arm(a)
return 1
"""
)

# One tick of one market. ARGV: R, account, symbol, price, now, then (period, rise %, fall %) triples:
# the move over each period in use. Re-arms what the price and the cooldown allow, then claims and
# fires what the price reaches: each armed set is read with ZRANGEBYSCORE, so the cost is
# O(log n + touched). Returns the fired alerts as JSON objects (their hash as it was).
TICK = (
    _PRELUDE
    + """
local account, symbol, price, now = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local m = R .. 'm:' .. account .. ':' .. symbol
local fired = {}

local function rearm(key, lo, hi)
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, lo, hi)) do
        local a = load(id)
        if a == nil then
            redis.call('ZREM', key, id)
        elseif now >= tonumber(a.fired) + tonumber(a.cooldown) then
            redis.call('ZREM', key, id)
            -- a crossing that fired one way waits for the crossing the other way
            if a.kind == 'x' then a.side = (a.side == 'up') and 'down' or 'up' end
            arm(a)
        end
    end
end

local function fire(key, lo, hi)
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, lo, hi)) do
        redis.call('ZREM', key, id)
        local a = load(id)
        if a ~= nil and a.expires ~= '' and now >= tonumber(a.expires) then
            remove(a)
        elseif a ~= nil then
            a.at = price
            table.insert(fired, cjson.encode(a))
            if a.again == '1' then
                redis.call('HSET', R .. 'a:' .. id, 'state', 'rearm', 'fired', tostring(now))
                if is_move(a) then
                    local wait = math.max(tonumber(a.cooldown), tonumber(a.period))
                    redis.call('ZADD', m .. ':wait', now + wait, id)
                elseif a.side == 'up' then
                    redis.call('ZADD', m .. ':redown', a.rearm_down, id)
                else
                    redis.call('ZADD', m .. ':reup', a.rearm_up, id)
                end
            else
                remove(a)
            end
        end
    end
end

rearm(m .. ':reup', '-inf', price)
rearm(m .. ':redown', price, '+inf')
for _, id in ipairs(redis.call('ZRANGEBYSCORE', m .. ':wait', '-inf', now)) do
    redis.call('ZREM', m .. ':wait', id)
    local a = load(id)
    if a ~= nil then arm(a) end
end
fire(m .. ':up', '-inf', price)
fire(m .. ':down', price, '+inf')
for i = 6, #ARGV, 3 do
    fire(m .. ':rise:' .. ARGV[i], '-inf', ARGV[i + 1])
    fire(m .. ':fall:' .. ARGV[i], '-inf', ARGV[i + 2])
end
return fired
"""
)

# ARGV: R, now. Removes the alerts whose expiry has passed; returns them as JSON objects.
EXPIRE_DUE = (
    _PRELUDE
    + """
local gone = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', R .. 'expiry', '-inf', ARGV[2])) do
    local a = load(id)
    redis.call('ZREM', R .. 'expiry', id)
    if a ~= nil then
        table.insert(gone, cjson.encode(a))
        remove(a)
    end
end
return gone
"""
)
