"""Actions in Redis. Every transition is one Lua script, so two presses at one instant, on two bot
copies, still move an action once; each script is named after the transition it makes."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import StrEnum

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from services.actions.records import Action
from services.actions.states import ActionState, sources_of
from services.redis_client import Keys

# KEYS: action, index of its current state's family (prefix), ARGV: to, now, allowed..., then fields.
# Returns the state the action was in; the move happened only if that state was allowed.
_TRANSITION = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
local to, now, n_allowed = ARGV[1], ARGV[2], tonumber(ARGV[3])
local allowed = false
for i = 4, 3 + n_allowed do
    if ARGV[i] == state then allowed = true end
end
if not allowed then return state end
redis.call('HSET', KEYS[1], 'state', to, 'updated', now)
for i = 4 + n_allowed, #ARGV, 2 do
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', KEYS[2] .. state, id)
redis.call('ZADD', KEYS[2] .. to, now, id)
return state
"""

# confirm / cancel by token. KEYS: token, action, index prefix. ARGV: presser, chat, to, now.
_DECIDE = """
local token = redis.call('HGETALL', KEYS[1])
if #token == 0 then return 'expired' end
local t = {}
for i = 1, #token, 2 do t[token[i]] = token[i + 1] end
if t['member'] ~= ARGV[1] then return 'not_yours' end
if t['chat'] ~= ARGV[2] then return 'not_yours' end
if t['used'] == '1' then return 'used' end
-- a guarded action (e.g. a price far from the market) needs a second, explicit Confirm
if ARGV[3] == 'confirmed' and t['guard'] == '1' and t['acked'] ~= '1' then
    if redis.call('HGET', KEYS[2], 'state') ~= 'pending' then return 'state:' end
    redis.call('HSET', KEYS[1], 'acked', '1')
    return 'again'
end
local state = redis.call('HGET', KEYS[2], 'state')
if state ~= 'pending' then return 'state:' .. (state or '') end
if redis.call('HGET', KEYS[2], 'hash') ~= t['hash'] then return 'changed' end
local now = ARGV[4]
local to = ARGV[3]
if tonumber(redis.call('HGET', KEYS[2], 'expires')) <= tonumber(now) then to = 'expired' end
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'state', to, 'updated', now)
local id = redis.call('HGET', KEYS[2], 'id')
redis.call('ZREM', KEYS[3] .. 'pending', id)
redis.call('ZADD', KEYS[3] .. to, now, id)
if to == 'expired' then return 'expired' end
return 'ok'
"""

# confirmed (approved, for a withdrawal) -> submitting, with the in-flight lease of the copy that sends.
# KEYS: action, inflight, index prefix. ARGV: now, owner, lease ms, the state it must be in.
_BEGIN_SUBMIT = """
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'submitting', 'updated', ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', KEYS[3] .. ARGV[4], id)
redis.call('ZADD', KEYS[3] .. 'submitting', ARGV[1], id)
return 1
"""

# submitting -> unknown, only when no copy holds the in-flight lease (it crashed or was killed).
# KEYS: action, inflight, index prefix. ARGV: now, error.
_ORPHAN = """
if redis.call('HGET', KEYS[1], 'state') ~= 'submitting' then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'unknown', 'updated', ARGV[1], 'error', ARGV[2])
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('ZREM', KEYS[3] .. 'submitting', id)
redis.call('ZADD', KEYS[3] .. 'unknown', ARGV[1], id)
return 1
"""

# Shared head of the approval steps: the action must await approval, within its deadline (else it
# expires here, so a late press can never approve it), and the presser must be an eligible approver
# other than the requester. KEYS: action, approvers set, index prefix. ARGV: presser, now, then
# step-specific values, then the eligible approver ids (from ARGV[ELIGIBLE]).
_APPROVAL_HEAD = """
local function move(to, now)
    redis.call('HSET', KEYS[1], 'state', to, 'updated', now)
    local id = redis.call('HGET', KEYS[1], 'id')
    redis.call('ZREM', KEYS[3] .. 'awaiting_approval', id)
    redis.call('ZADD', KEYS[3] .. to, now, id)
end
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'gone' end
if state ~= 'awaiting_approval' then return 'state:' .. state end
local presser, now = ARGV[1], ARGV[2]
if tonumber(redis.call('HGET', KEYS[1], 'expires')) <= tonumber(now) then
    move('expired', now)
    return 'expired'
end
if redis.call('HGET', KEYS[1], 'member') == presser then return 'own' end
local eligible = false
for i = ELIGIBLE, #ARGV do
    if ARGV[i] == presser then eligible = true end
end
if not eligible then return 'not_approver' end
"""

# One approval: counted once per approver; the action is approved when the count reaches the quorum.
# ARGV[3]: approvals required.
_APPROVE = (
    _APPROVAL_HEAD.replace("ELIGIBLE", "4")
    + """
if redis.call('SADD', KEYS[2], presser) == 0 then return 'duplicate' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then
    move('approved', now)
    return 'approved'
end
return 'counted'
"""
)

# A rejection by an approver. ARGV[3]: the reason, recorded with who rejected.
_REJECT = (
    _APPROVAL_HEAD.replace("ELIGIBLE", "4")
    + """
move('rejected', now)
redis.call('HSET', KEYS[1], 'error', ARGV[3], 'rejected_by', presser)
return 'rejected'
"""
)

# Record fields on an action only while it is in the given state. KEYS: action. ARGV: state, fields...
_NOTE = """
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1
"""

# Merge facts learnt later (a txid) into the action's result. KEYS: action. ARGV: name, value, ...
_ADD_RESULT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local raw = redis.call('HGET', KEYS[1], 'result')
local result = {}
if raw and raw ~= '' then result = cjson.decode(raw) end
for i = 1, #ARGV, 2 do result[ARGV[i]] = ARGV[i + 1] end
redis.call('HSET', KEYS[1], 'result', cjson.encode(result))
return 1
"""

# Renew the in-flight lease only while it is ours. KEYS: inflight. ARGV: owner, lease ms.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class Decision(StrEnum):
    """What a Confirm or Cancel press did."""

    OK = "ok"
    NOT_YOURS = "not_yours"  # someone else's button, or the right member in another chat
    USED = "used"  # pressed before
    EXPIRED = "expired"  # too late: the token or the action timed out
    CHANGED = "changed"  # the parameters are no longer those previewed
    AGAIN = "again"  # a guarded action: the first Confirm asks for a second one
    DECIDED = "decided"  # the action already moved on (cancelled, executed...)


class Vote(StrEnum):
    """What an Approve or Reject press did."""

    COUNTED = "counted"  # counted; more approvals are needed
    APPROVED = "approved"  # this approval completed the quorum
    REJECTED = "rejected"
    OWN = "own"  # the requester never approves their own request
    NOT_APPROVER = "not_approver"
    DUPLICATE = "duplicate"  # this approver had already approved
    EXPIRED = "expired"  # past its deadline: it expired now, or had before
    DECIDED = "decided"  # not awaiting approval any more
    GONE = "gone"  # no such action


def new_id() -> str:
    """Short, unguessable: fits callback data (64 bytes) with room for a prefix."""
    return secrets.token_urlsafe(9)


class ActionStore:
    def __init__(self, redis: Redis, keys: Keys, *, inflight_lease_s: float = 30.0) -> None:
        self._redis = redis
        self._keys = keys
        self.inflight_lease_s = inflight_lease_s
        self._transition = redis.register_script(_TRANSITION)
        self._decide = redis.register_script(_DECIDE)
        self._begin_submit = redis.register_script(_BEGIN_SUBMIT)
        self._orphan = redis.register_script(_ORPHAN)
        self._renew = redis.register_script(_RENEW)
        self._approve = redis.register_script(_APPROVE)
        self._reject = redis.register_script(_REJECT)
        self._note = redis.register_script(_NOTE)
        self._add_result = redis.register_script(_ADD_RESULT)

    # -- keys ----------------------------------------------------------------------------------------

    def _action_key(self, action_id: str) -> str:
        return self._keys("action", action_id)

    def _inflight_key(self, action_id: str) -> str:
        return self._keys("action", action_id, "inflight")

    def _approvals_key(self, action_id: str) -> str:
        return self._keys("action", action_id, "approvals")

    def _token_key(self, token: str) -> str:
        return self._keys("action-token", token)

    @property
    def _index_prefix(self) -> str:
        return self._keys("actions", "")

    # -- reading -------------------------------------------------------------------------------------

    async def get(self, action_id: str) -> Action | None:
        raw: dict[str, str] = await self._redis.hgetall(self._action_key(action_id))  # type: ignore[misc]
        return Action.from_redis(raw) if raw else None

    async def in_state(self, state: ActionState, limit: int = 1000) -> list[Action]:
        ids: list[str] = await self._redis.zrange(self._index_prefix + state.value, 0, limit - 1)
        found = [await self.get(action_id) for action_id in ids]
        return [action for action in found if action is not None and action.state is state]

    async def in_state_since(self, state: ActionState, since: float) -> list[Action]:
        """Actions that entered ``state`` at ``since`` or later (the index is scored by that time)."""
        ids: list[str] = await self._redis.zrangebyscore(self._index_prefix + state.value, since, "+inf")
        found = [await self.get(action_id) for action_id in ids]
        return [action for action in found if action is not None and action.state is state]

    # -- transitions ---------------------------------------------------------------------------------

    async def create(
        self,
        *,
        kind: str,
        member_id: int,
        chat_id: int,
        account: str,
        params: Mapping[str, str],
        ttl_s: float,
        idempotency_key: str = "",
        guarded: bool = False,
    ) -> tuple[Action, str]:
        """A pending action and its single-use confirmation token (for the Confirm/Cancel buttons);
        a ``guarded`` one is confirmed only by a second Confirm press."""
        now = time.time()
        action = Action(
            id=new_id(),
            kind=kind,
            member_id=member_id,
            chat_id=chat_id,
            account=account,
            params=dict(params),
            state=ActionState.PENDING,
            created_at=now,
            updated_at=now,
            expires_at=now + ttl_s,
            idempotency_key=idempotency_key,
        )
        token = new_id()
        token_fields = {
            "action": action.id,
            "member": str(member_id),
            "chat": str(chat_id),
            "hash": action.params_hash,
            "used": "0",
            "guard": "1" if guarded else "0",
        }
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._action_key(action.id), mapping=action.to_redis())
            pipe.zadd(self._index_prefix + ActionState.PENDING.value, {action.id: now})
            pipe.hset(self._token_key(token), mapping=token_fields)
            # a used token stays a little longer than its action's window, so a late press says "used"
            pipe.pexpire(self._token_key(token), int(ttl_s * 2000))
            await pipe.execute()
        return action, token

    async def decide(self, token: str, *, presser_id: int, chat_id: int, confirm: bool) -> Decision:
        """Confirm or cancel a pending action by its token: bound to the member, the chat, the exact
        parameters; single use; refused after the action's deadline."""
        action_id: str | None = await self._redis.hget(self._token_key(token), "action")  # type: ignore[misc]
        if action_id is None:
            return Decision.EXPIRED
        target = ActionState.CONFIRMED if confirm else ActionState.CANCELLED
        answer = await self._decide(
            keys=[self._token_key(token), self._action_key(action_id), self._index_prefix],
            args=[presser_id, chat_id, target.value, repr(time.time())],
        )
        answer = answer.decode() if isinstance(answer, bytes) else str(answer)
        return Decision.DECIDED if answer.startswith("state:") else Decision(answer)

    async def token_action(self, token: str) -> Action | None:
        action_id: str | None = await self._redis.hget(self._token_key(token), "action")  # type: ignore[misc]
        return None if action_id is None else await self.get(action_id)

    async def begin_submit(
        self, action_id: str, owner: str, ready: ActionState = ActionState.CONFIRMED
    ) -> bool:
        """``ready`` (confirmed; approved for a withdrawal) -> submitting: the intent is on record
        before the request leaves. One caller wins."""
        won = await self._begin_submit(
            keys=[self._action_key(action_id), self._inflight_key(action_id), self._index_prefix],
            args=[repr(time.time()), owner, int(self.inflight_lease_s * 1000), ready.value],
        )
        return bool(won)

    async def keep_inflight(self, action_id: str, owner: str) -> bool:
        renewed = await self._renew(
            keys=[self._inflight_key(action_id)], args=[owner, int(self.inflight_lease_s * 1000)]
        )
        return bool(renewed)

    async def end_inflight(self, action_id: str) -> None:
        await self._redis.delete(self._inflight_key(action_id))

    async def move(
        self,
        action_id: str,
        to: ActionState,
        fields: Mapping[str, str] | None = None,
        *,
        only_from: Sequence[ActionState] | None = None,
    ) -> bool:
        """One allowed transition (see states.TRANSITIONS), with fields to record; False if the action
        was not in a state it may leave for ``to``."""
        allowed = [s.value for s in (only_from if only_from is not None else sources_of(to))]
        flat = [item for pair in (fields or {}).items() for item in pair]
        previous = await self._transition(
            keys=[self._action_key(action_id), self._index_prefix],
            args=[to.value, repr(time.time()), len(allowed), *allowed, *flat],
        )
        previous = previous.decode() if isinstance(previous, bytes) else str(previous)
        return previous in allowed

    async def approve(
        self, action_id: str, approver_id: int, *, eligible: Sequence[int], required: int
    ) -> Vote:
        """Counts one approval of an action awaiting approval, atomically: refused for the requester,
        anyone not in ``eligible``, a second press by the same approver, or an action not awaiting
        approval (an overdue one expires here). Approved when ``required`` distinct approvers agree."""
        return await self._vote(self._approve, action_id, approver_id, str(required), eligible)

    async def reject(self, action_id: str, approver_id: int, reason: str, *, eligible: Sequence[int]) -> Vote:
        return await self._vote(self._reject, action_id, approver_id, reason, eligible)

    async def _vote(
        self, script: AsyncScript, action_id: str, presser: int, value: str, eligible: Sequence[int]
    ) -> Vote:
        answer = await script(
            keys=[self._action_key(action_id), self._approvals_key(action_id), self._index_prefix],
            args=[presser, repr(time.time()), value, *eligible],
        )
        answer = answer.decode() if isinstance(answer, bytes) else str(answer)
        return Vote.DECIDED if answer.startswith("state:") else Vote(answer)

    async def approvers(self, action_id: str) -> set[int]:
        """Who has approved so far."""
        ids: set[str] = await self._redis.smembers(self._approvals_key(action_id))  # type: ignore[misc]
        return {int(i) for i in ids}

    async def note(self, action_id: str, state: ActionState, fields: Mapping[str, str]) -> bool:
        """Records ``fields`` on the action if it is (still) in ``state``; no transition."""
        flat = [item for pair in fields.items() for item in pair]
        return bool(await self._note(keys=[self._action_key(action_id)], args=[state.value, *flat]))

    async def add_result(self, action_id: str, facts: Mapping[str, str]) -> bool:
        """Adds ``facts`` to the action's result, in any state (a txid learnt after it was sent)."""
        flat = [item for pair in facts.items() for item in pair]
        return bool(await self._add_result(keys=[self._action_key(action_id)], args=flat))

    async def orphan(self, action_id: str, reason: str) -> bool:
        """submitting -> unknown when no copy is sending it any more (crash, kill -9)."""
        moved = await self._orphan(
            keys=[self._action_key(action_id), self._inflight_key(action_id), self._index_prefix],
            args=[repr(time.time()), reason],
        )
        return bool(moved)

    async def expire_overdue(self, state: ActionState = ActionState.PENDING) -> list[Action]:
        """Actions past their deadline in ``state`` (pending, or awaiting approval) become expired."""
        expired = []
        for action in await self.in_state(state):
            if action.expires_at <= time.time() and await self.move(
                action.id, ActionState.EXPIRED, only_from=[state]
            ):
                expired.append(replace(action, state=ActionState.EXPIRED))
        return expired
