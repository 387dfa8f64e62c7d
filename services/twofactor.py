"""Step-up codes (TOTP): enrolment, and codes checked once each, with a lock after repeated failures.

A member's secret is kept in Redis encrypted (Fernet, with a key derived from `[security]
encryption_key`); it is shown once, at enrolment, and never logged. A code is accepted once: the time
step it matched is remembered per member until it can no longer match. Five wrong codes lock the
member's approvals for 15 minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from enum import StrEnum

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from redis.asyncio import Redis

from services.redis_client import Keys

ISSUER = "Chat-ops bot"
STEP_S = 30
# a code of the previous or next time step is accepted too (clocks of phones drift)
WINDOW_STEPS = 1
MAX_FAILURES = 5
LOCK_S = 15 * 60
ENROL_TTL_S = 10 * 60


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # a wrong, malformed or already used code
    LOCKED_NOW = "locked_now"  # this wrong code was the last one allowed: locked from now
    LOCKED = "locked"
    NOT_ENROLLED = "not_enrolled"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What the member scans: shown once, never stored in plaintext."""

    uri: str


def _fernet(encryption_key: str) -> Fernet:
    # any long random text works as the key: Fernet gets its SHA-256
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(encryption_key.encode()).digest()))


class TwoFactor:
    def __init__(self, redis: Redis, keys: Keys, encryption_key: str) -> None:
        """An empty ``encryption_key`` means step-up codes are not available (see ``available``)."""
        self._redis = redis
        self._keys = keys
        self._fernet = _fernet(encryption_key) if encryption_key else None

    @property
    def available(self) -> bool:
        return self._fernet is not None

    def _key(self, kind: str, member_id: int) -> str:
        return self._keys("2fa", kind, member_id)

    def _seal(self, secret: str) -> str:
        assert self._fernet is not None, "step-up codes are not configured"
        return self._fernet.encrypt(secret.encode()).decode()

    def _open(self, sealed: str) -> str | None:
        assert self._fernet is not None, "step-up codes are not configured"
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:  # sealed with another key: as if never enrolled
            return None

    async def _secret(self, kind: str, member_id: int) -> str | None:
        sealed = await self._redis.get(self._key(kind, member_id))
        return None if sealed is None else self._open(sealed)

    async def enrolled(self, member_id: int) -> bool:
        return self.available and await self._secret("secret", member_id) is not None

    async def begin(self, member_id: int, name: str) -> Enrolment:
        """A new secret, pending until ``confirm`` sees a valid code from it."""
        secret = pyotp.random_base32()
        await self._redis.set(self._key("pending", member_id), self._seal(secret), ex=ENROL_TTL_S)
        return Enrolment(pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER))

    async def confirm(self, member_id: int, code: str) -> bool:
        """True when ``code`` matches the pending secret, which then becomes the member's."""
        secret = await self._secret("pending", member_id)
        step = None if secret is None else _matching_step(secret, code)
        if secret is None or step is None or not await self._use(member_id, step):
            return False
        await self.enrol(member_id, secret)
        await self._redis.delete(self._key("pending", member_id))
        return True

    async def enrol(self, member_id: int, secret: str) -> None:
        """Sets a member's secret (after ``confirm``; the demo pre-enrols a member with a known one)."""
        await self._redis.set(self._key("secret", member_id), self._seal(secret))

    async def locked(self, member_id: int) -> bool:
        return bool(await self._redis.exists(self._key("locked", member_id)))

    async def verify(self, member_id: int, code: str) -> Verdict:
        """A code for an approval: valid, unused, and the member not locked."""
        if await self.locked(member_id):
            return Verdict.LOCKED
        secret = await self._secret("secret", member_id)
        if secret is None:
            return Verdict.NOT_ENROLLED
        step = _matching_step(secret, code)
        if step is not None and await self._use(member_id, step):
            await self._redis.delete(self._key("failures", member_id))
            return Verdict.OK
        return await self._failed(member_id)

    async def _use(self, member_id: int, step: int) -> bool:
        """False if a code of this time step was used already (the enrolment's code included)."""
        used = self._keys("2fa", "used", member_id, step)
        # remembered for as long as any code of the step can still match
        return bool(await self._redis.set(used, "1", nx=True, ex=STEP_S * (2 * WINDOW_STEPS + 2)))

    async def _failed(self, member_id: int) -> Verdict:
        key = self._key("failures", member_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, LOCK_S)
            failures, _ = await pipe.execute()
        if int(failures) < MAX_FAILURES:
            return Verdict.WRONG
        await self._redis.set(self._key("locked", member_id), "1", ex=LOCK_S)
        await self._redis.delete(key)
        return Verdict.LOCKED_NOW


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is ``code``, within the accepted window, or None."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // STEP_S
    for step in range(now - WINDOW_STEPS, now + WINDOW_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_S), code):
            return step
    return None
