"""The Lua scripts of the alert store: every change of an alert, and every feed round, is one script, so a
round evaluated by two bot copies at once still fires each alert once.

Keys, under the root R (``<prefix>:alerts:``):
- ``a:<id // 100>`` a hash of up to 100 alerts, field ``<id % 100>``, value the alert's fields joined by
  ``|`` (FIELDS). Small hashes of short values stay in Redis's compact listpack encoding, so an alert
  costs its bytes, not a key of its own (a value over ``hash-max-listpack-value``, 64 bytes by default,
  would make its bucket a plain hash: the fields are kept short for that);
- ``n:<id // 100>`` the notes, the same way (only alerts that have one);
- ``mid`` / ``mname`` market ids: ``<account>\\n<symbol>`` <-> a small number, so an alert does not repeat
  its account and symbol; ``mseq`` and ``seq`` the id counters;
- ``of:<member>`` a member's alert ids (a set: Redis keeps small sets of integers as a packed array),
  ``expiry`` alerts by expiry time;
- per market ``m:<account>:<symbol>``: ``:up`` / ``:down`` armed thresholds (fire when the price is at or
  above / at or below the score), ``:reup`` / ``:redown`` fired repeating ones waiting for the price to
  come back past the hysteresis band, ``:rise:<period>`` / ``:fall:<period>`` armed moves scored by their
  percent, ``:wait`` fired repeating moves scored by when they re-arm, ``:periods`` the move periods in
  use;
- ``trig:<account>`` a summary per market of what its sets hold at their edges (see flush());
- counts of active alerts per account: ``mk:<account>`` (by symbol), ``who:<account>`` (by member) and
  ``accounts``.
"""

from __future__ import annotations

_PRELUDE = """
local R = ARGV[1]
local FIELDS = {'member', 'mid', 'kind', 'again', 'cooldown', 'fired', 'target', 'period', 'side', 'state',
                'created', 'expires'}
local function bucket(id)
    local n = tonumber(id)
    return tostring(math.floor(n / 100)), tostring(n % 100)
end
local function is_move(a) return a.kind == '+' or a.kind == '-' end
local function load(id)
    local b, f = bucket(id)
    local raw = redis.call('HGET', R .. 'a:' .. b, f)
    if not raw then return nil end
    local a, i = {id = tostring(tonumber(id))}, 1
    for value in string.gmatch(raw .. '|', '([^|]*)|') do
        a[FIELDS[i]] = value
        i = i + 1
    end
    local name = redis.call('HGET', R .. 'mname', a.mid)
    local cut = string.find(name, '\\n', 1, true)
    a.account, a.symbol = string.sub(name, 1, cut - 1), string.sub(name, cut + 1)
    if is_move(a) then a.percent = a.target else a.price = a.target end
    a.note = redis.call('HGET', R .. 'n:' .. b, f) or ''
    return a
end
local function save(a)
    local values = {}
    for i, name in ipairs(FIELDS) do values[i] = a[name] end
    local b, f = bucket(a.id)
    redis.call('HSET', R .. 'a:' .. b, f, table.concat(values, '|'))
end
local function market(a) return R .. 'm:' .. a.account .. ':' .. a.symbol end
-- The summary of a market (``trig:<account>``, field symbol) lets a round skip, without a call, every
-- market that nothing can touch: the lowest armed ``up``, the highest ``down``, the lowest ``reup``, the
-- highest ``redown``, the earliest ``wait``, then per period in use ``period:lowest rise:lowest fall``,
-- joined by ``|`` ('' where a set is empty). A script that changes a market's sets marks it; flush()
-- writes the summaries of the marked markets before the script returns.
local dirty = {}
local function mark(account, symbol) dirty[account .. '\\n' .. symbol] = {account, symbol} end
local function edge(key, highest)
    local at = highest and -1 or 0
    return redis.call('ZRANGE', key, at, at, 'WITHSCORES')[2] or ''
end
local function flush()
    for _, place in pairs(dirty) do
        local m = R .. 'm:' .. place[1] .. ':' .. place[2]
        local parts = {edge(m .. ':up'), edge(m .. ':down', true), edge(m .. ':reup'),
                       edge(m .. ':redown', true), edge(m .. ':wait')}
        for _, p in ipairs(redis.call('HKEYS', m .. ':periods')) do
            table.insert(parts, p .. ':' .. edge(m .. ':rise:' .. p) .. ':' .. edge(m .. ':fall:' .. p))
        end
        local text = table.concat(parts, '|')
        if text == '||||' then redis.call('HDEL', R .. 'trig:' .. place[1], place[2])
        else redis.call('HSET', R .. 'trig:' .. place[1], place[2], text) end
    end
    dirty = {}
end
local function bump(key, field, n)
    if redis.call('HINCRBY', key, field, n) <= 0 then redis.call('HDEL', key, field) end
end
-- an alert starts or stops counting as active: the feed watches markets that have active ones
local function count(a, n)
    mark(a.account, a.symbol)
    bump(R .. 'mk:' .. a.account, a.symbol, n)
    bump(R .. 'who:' .. a.account, a.member, n)
    bump(R .. 'accounts', a.account, n)
    if is_move(a) then bump(market(a) .. ':periods', a.period, n) end
end
local function arm(a)
    local m = market(a)
    mark(a.account, a.symbol)
    if a.kind == '+' then redis.call('ZADD', m .. ':rise:' .. a.period, a.percent, a.id)
    elseif a.kind == '-' then redis.call('ZADD', m .. ':fall:' .. a.period, a.percent, a.id)
    else redis.call('ZADD', m .. ':' .. a.side, a.price, a.id) end
    a.state = 'armed'
    save(a)
end
local function unplace(a)
    local m = market(a)
    mark(a.account, a.symbol)
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
    local b, f = bucket(a.id)
    redis.call('HDEL', R .. 'a:' .. b, f)
    redis.call('HDEL', R .. 'n:' .. b, f)
    redis.call('SREM', R .. 'of:' .. a.member, a.id)
    redis.call('ZREM', R .. 'expiry', a.id)
end
"""

# ARGV: R, member, limit, created, expires ('' = never), account, symbol, kind, again, cooldown, target
# (price or percent), period ('' for a threshold), side, note. Returns the new id, or 0 when the member
# has reached the limit.
CREATE = (
    _PRELUDE
    + """
local member, limit = ARGV[2], tonumber(ARGV[3])
if redis.call('SCARD', R .. 'of:' .. member) >= limit then return 0 end
local name = ARGV[6] .. '\\n' .. ARGV[7]
local mid = redis.call('HGET', R .. 'mid', name)
if not mid then
    mid = tostring(redis.call('INCR', R .. 'mseq'))
    redis.call('HSET', R .. 'mid', name, mid)
    redis.call('HSET', R .. 'mname', mid, name)
end
local a = {
    id = tostring(redis.call('INCR', R .. 'seq')), member = member, mid = mid, kind = ARGV[8],
    again = ARGV[9], cooldown = ARGV[10], fired = '0', target = ARGV[11], period = ARGV[12], side = ARGV[13],
    created = ARGV[4], expires = ARGV[5], account = ARGV[6], symbol = ARGV[7],
}
if is_move(a) then a.percent = a.target else a.price = a.target end
if ARGV[14] ~= '' then
    local b, f = bucket(a.id)
    redis.call('HSET', R .. 'n:' .. b, f, ARGV[14])
end
count(a, 1)
arm(a)
redis.call('SADD', R .. 'of:' .. member, a.id)
if a.expires ~= '' then redis.call('ZADD', R .. 'expiry', a.expires, a.id) end
flush()
return tonumber(a.id)
"""
)

# ARGV: R, then alert ids. Returns the alerts that exist, as JSON objects.
READ = (
    _PRELUDE
    + """
local found = {}
for i = 2, #ARGV do
    local a = load(ARGV[i])
    if a ~= nil then table.insert(found, cjson.encode(a)) end
end
return found
"""
)

# ARGV: R, id, member. Returns 1 when it was the member's and is now deleted.
DELETE = (
    _PRELUDE
    + """
local a = load(ARGV[2])
if a == nil or a.member ~= ARGV[3] then return 0 end
remove(a)
flush()
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
a.state = 'paused'
save(a)
flush()
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
flush()
return 1
"""
)

# What a round does to one market, shared by ROUND and MOVES (with the prelude). ``now`` and ``band``
# (the hysteresis) are set by the script; fired alerts go to ``fired`` as JSON objects (as they were,
# with ``at``, the price that fired them). Every set is read with ZRANGEBYSCORE, so a market costs
# O(log n + touched).
_MARKET = """
local fired = {}
local now, band

local function edges(summary)
    return string.match(summary, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)')
end

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

local function fire(m, price, key, lo, hi)
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, lo, hi)) do
        redis.call('ZREM', key, id)
        local a = load(id)
        if a ~= nil and a.expires ~= '' and now >= tonumber(a.expires) then
            remove(a)
        elseif a ~= nil then
            a.at = price
            table.insert(fired, cjson.encode(a))
            if a.again == '1' then
                -- whole seconds keep the stored alert short; rounding up never re-arms it early
                a.state, a.fired = 'rearm', tostring(math.ceil(now))
                save(a)
                if is_move(a) then
                    local wait = math.max(tonumber(a.cooldown), tonumber(a.period))
                    redis.call('ZADD', m .. ':wait', now + wait, id)
                elseif a.side == 'up' then
                    redis.call('ZADD', m .. ':redown', tonumber(a.price) * (1 - band), id)
                else
                    redis.call('ZADD', m .. ':reup', tonumber(a.price) * (1 + band), id)
                end
            else
                remove(a)
            end
        end
    end
end

-- re-arms what the price and the cooldown allow, then fires the thresholds the price reaches
local function thresholds(account, symbol, price)
    local m = R .. 'm:' .. account .. ':' .. symbol
    mark(account, symbol)
    rearm(m .. ':reup', '-inf', price)
    rearm(m .. ':redown', price, '+inf')
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', m .. ':wait', '-inf', now)) do
        redis.call('ZREM', m .. ':wait', id)
        local a = load(id)
        if a ~= nil then arm(a) end
    end
    fire(m, price, m .. ':up', '-inf', price)
    fire(m, price, m .. ':down', price, '+inf')
    return m
end
"""

# One feed round of one account, every market at once. ARGV: R, W (the move windows' key prefix,
# ``<prefix>:window:<account>:``), account, now, hysteresis, keep (seconds of prices kept), then
# (symbol, price, seen) triples. Adds each price to its market's move window (members the prices, scored
# by when each was last seen: a steady price is one member, and the lowest price within a period is the
# lowest member seen since). A market whose summary says no threshold is due costs no call beyond that;
# the others re-arm and fire (thresholds()). Returns {fired, candidates}: candidates are, for the
# periods whose move may reach an armed move alert (or one re-armed now), {symbol, period, lowest,
# highest, period, ...} with the prices as written, so that the percent that decides is computed in
# Decimal and fired by MOVES. The estimate here is a float one with a margin far above its rounding
# error, so it can only let through a period that then does not fire.
ROUND = (
    _PRELUDE
    + _MARKET
    + """
local W, account, keep = ARGV[2], ARGV[3], tonumber(ARGV[6])
now, band = tonumber(ARGV[4]), tonumber(ARGV[5])
local MARGIN = 1 - 1e-9
local trig = {}
local flat = redis.call('HGETALL', R .. 'trig:' .. account)
for j = 1, #flat, 2 do trig[flat[j]] = flat[j + 1] end
local candidates = {}

local function due(up, down, reup, redown, price)
    return (up ~= '' and price >= tonumber(up)) or (down ~= '' and price <= tonumber(down))
        or (reup ~= '' and price >= tonumber(reup)) or (redown ~= '' and price <= tonumber(redown))
end

for i = 7, #ARGV, 3 do
    local symbol, text, seen = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    local price = tonumber(text)
    local key = W .. symbol
    -- prices older than the longest period are trimmed when a new one comes (they are never read)
    if redis.call('ZADD', key, 'GT', seen, text) == 1 then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', seen - keep)
    end
    local summary = trig[symbol]
    if summary ~= nil then
        local up, down, reup, redown, wait = edges(summary)
        local waking = wait ~= '' and now >= tonumber(wait)
        if waking or due(up, down, reup, redown, price) then thresholds(account, symbol, text) end
        local periods, longest = {}, 0
        for period, rise, fall in string.gmatch(summary, '|(%d+):([^:|]*):([^:|]*)') do
            if waking or rise ~= '' or fall ~= '' then
                table.insert(periods, {tonumber(period), rise, fall})
                longest = math.max(longest, tonumber(period))
            end
        end
        if #periods > 0 then
            local window = redis.call('ZRANGEBYSCORE', key, seen - longest, '+inf', 'WITHSCORES')
            local row = {symbol}
            for _, p in ipairs(periods) do
                local low, high
                for k = 1, #window, 2 do
                    if tonumber(window[k + 1]) >= seen - p[1] then
                        local value = tonumber(window[k])
                        if low == nil or value < low[1] then low = {value, window[k]} end
                        if high == nil or value > high[1] then high = {value, window[k]} end
                    end
                end
                local rise = low[1] > 0 and (price / low[1] - 1) * 100 or 0
                local fall = high[1] > 0 and (1 - price / high[1]) * 100 or 0
                if waking or (p[2] ~= '' and rise >= tonumber(p[2]) * MARGIN)
                    or (p[3] ~= '' and fall >= tonumber(p[3]) * MARGIN) then
                    table.insert(row, tostring(p[1]))
                    table.insert(row, low[2])
                    table.insert(row, high[2])
                end
            end
            if #row > 1 then table.insert(candidates, row) end
        end
    end
end
flush()
return {fired, candidates}
"""
)

# The moves of a round that may fire, measured in Decimal. ARGV: R, account, now, hysteresis, then per
# market: symbol, price, the number of moves, and that many (period, rise %, fall %) triples. Re-arms and
# fires as ROUND does (nothing, unless a copy's round came in between), then fires the move alerts the
# moves reach. Returns the fired alerts as JSON objects.
MOVES = (
    _PRELUDE
    + _MARKET
    + """
local account = ARGV[2]
now, band = tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
while i <= #ARGV do
    local symbol, price, moves = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    local m = thresholds(account, symbol, price)
    for j = i + 3, i + 2 + 3 * moves, 3 do
        fire(m, price, m .. ':rise:' .. ARGV[j], '-inf', ARGV[j + 1])
        fire(m, price, m .. ':fall:' .. ARGV[j], '-inf', ARGV[j + 2])
    end
    i = i + 3 + 3 * moves
end
flush()
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
flush()
return gone
"""
)
