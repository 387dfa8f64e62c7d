"""The scheduler of background jobs: APScheduler 3 in the one bot copy that holds the leader lease.

It is a LeaderJob of bot.workers: started when this copy becomes leader, shut down when it stops being
leader, so with several copies on one Redis each job runs in one of them. The job store is in memory
and rebuilt on every start from what is registered here; the jobs keep their own state in Redis (the
feed reads which exchanges have alerts on every run), so a new leader carries on where the last one
stopped. A feature adds its periodic work with `every` and its cleanup with `on_stop`. Jobs' exchange
requests are background requests: they yield to members' commands (services.exchanges.ratelimit).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from services.exchanges.ratelimit import background_requests

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    seconds: float
    work: Work


class Scheduler:
    name = "scheduler"

    def __init__(self) -> None:
        self._periodic: list[Periodic] = []
        self._cleanups: list[Work] = []
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()

    def every(self, name: str, seconds: float, work: Work) -> None:
        """Run ``work`` every ``seconds`` while this copy leads, first right after it starts leading."""
        self._periodic.append(Periodic(name, seconds, work))

    def on_stop(self, cleanup: Work) -> None:
        """Called when this copy stops leading (e.g. to close a websocket only the leader needs)."""
        self._cleanups.append(cleanup)

    @property
    def job_names(self) -> list[str]:
        return [] if self._scheduler is None else [job.id for job in self._scheduler.get_jobs()]

    async def start(self) -> None:
        scheduler = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": AsyncIOExecutor()},
            timezone=UTC,
        )
        for job in self._periodic:
            scheduler.add_job(
                self._tracked(job),
                IntervalTrigger(seconds=job.seconds, timezone=UTC),
                id=job.name,
                name=job.name,
                next_run_time=datetime.now(UTC),
                # one run at a time; runs missed while busy collapse into one; a run later than one
                # period is skipped, the next one is due soon anyway
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(job.seconds)),
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler: %s", ", ".join(self.job_names) or "no jobs")

    def _tracked(self, job: Periodic) -> Work:
        """The job's work, known while it runs so that stopping can end it: a run left going would
        use connections the process is closing."""

        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                # a job's requests yield to members' commands on every exchange's rate limit
                with background_requests():
                    await job.work()
            except asyncio.CancelledError:
                # stopped with the scheduler (this copy no longer leads, or the bot stops): not a failure
                log.info("job %s stopped mid-run", job.name)
            finally:
                self._running.discard(task)

        return run

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for cleanup in self._cleanups:
            await cleanup()
