"""Background work beside polling or webhook: it runs in the one bot copy that holds the leader lease.

Each job is started when this copy becomes leader and stopped when it stops being leader (lease lost,
Redis unreachable for longer than the lease, or shutdown), so with several copies on one Redis every job
runs in exactly one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

from services.leader import LeaderLease
from services.redis_client import REDIS_UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)


class LeaderJob(Protocol):
    """Work that must run in one copy at a time (the scheduler, watchers, the price feed)."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Workers:
    def __init__(self, lease: LeaderLease, jobs: Sequence[LeaderJob] = ()) -> None:
        self.lease = lease
        self._jobs = tuple(jobs)
        self._leading = False
        self._loop: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self._leading

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._keep_lease(), name="leader-lease")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        await self._step_down()
        # Handing over at once rather than after the TTL: the next copy need not wait.
        with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
            await self.lease.release()

    async def _keep_lease(self) -> None:
        while True:
            try:
                await self.lease.claim()
            except REDIS_UNAVAILABLE_ERRORS as exc:
                log.warning("leader lease: Redis unavailable (%s)", type(exc).__name__)
            if self.lease.held and not self._leading:
                await self._step_up()
            elif not self.lease.held and self._leading:
                await self._step_down()
            await asyncio.sleep(self.lease.check_interval_s)

    async def _step_up(self) -> None:
        log.info("leader: this copy (%s) runs the background jobs", self.lease.holder)
        self._leading = True
        for job in self._jobs:
            try:
                await job.start()
            except Exception:
                log.exception("background job %s did not start", job.name)

    async def _step_down(self) -> None:
        if not self._leading:
            return
        self._leading = False
        log.info("leader: this copy (%s) stops the background jobs", self.lease.holder)
        for job in reversed(self._jobs):
            try:
                await job.stop()
            except Exception:
                log.exception("background job %s did not stop cleanly", job.name)
