"""The job queue (saq on Redis, docs/decisions/job-queue.md): the app enqueues, `fabricloop
worker` processes run the jobs. Work that must survive a crash is written to PostgreSQL in the
business transaction first (the email outbox, orders past their expiry); the queued job only
says "look now", and the worker's periodic sweep finds whatever a lost enqueue left behind.

Such a "look now" is coalesced per process: a burst of commits that ask for the same job
enqueues it once at the first and once more at the end of a short window (COALESCE_SECONDS),
which comes after every commit of the window, so the job still finds their rows. A hundred
paid orders a second enqueued two hundred jobs (two Redis round trips in each request, and
two runs of a job in a worker for each order); now about forty."""

import asyncio
import time
from dataclasses import dataclass, field

import structlog
from redis.asyncio import Redis
from saq import Queue
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import pending_after_commit

log = structlog.get_logger(__name__)

COALESCE_SECONDS = 0.05


@dataclass
class _Window:
    ends: float
    again: bool = False


class _Nudges:
    """The process's enqueues of argument-less jobs, coalesced (see the module's text)."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue
        self._windows: dict[str, _Window] = {}
        self._background: set[asyncio.Task[None]] = set()

    async def nudge(self, function: str) -> None:
        now = time.monotonic()
        window = self._windows.get(function)
        # A window whose timer never fired (its event loop ended) counts as closed.
        if window is not None and now < window.ends:
            window.again = True
            return
        self._open(function, now)
        await self._enqueue(function)

    def _open(self, function: str, now: float) -> None:
        window = self._windows[function] = _Window(now + COALESCE_SECONDS)
        asyncio.get_running_loop().call_later(COALESCE_SECONDS, self._close, function, window)

    def _close(self, function: str, window: _Window) -> None:
        if self._windows.get(function) is not window:
            return
        del self._windows[function]
        if window.again:
            self._open(function, time.monotonic())
            task = asyncio.create_task(self._enqueue(function))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _enqueue(self, function: str) -> None:
        try:
            await self.queue.enqueue(function, timeout=300, retries=3)
        except Exception as error:  # the periodic sweep will run it instead
            log.warning("job not enqueued", function=function, error=str(error)[:200])


# The process's queue: set by the app's lifespan and by the worker; None where nothing is
# enqueued (tests run the jobs directly).
_queue: Queue | None = None
_nudges: _Nudges | None = None


def create_queue(redis_url: str, name: str) -> Queue:
    # Its own client: the worker blocks on Redis for jobs, longer than the app's short
    # socket timeout allows.
    return RedisQueue(Redis.from_url(redis_url), name=name)


def use_queue(queue: Queue | None) -> Queue | None:
    """Set the process's queue; returns the one it replaces."""
    global _queue, _nudges
    previous, _queue = _queue, queue
    _nudges = _Nudges(queue) if queue is not None else None
    return previous


def current_queue() -> Queue | None:
    return _queue


@dataclass
class _EnqueueAfterCommit:
    """The jobs a transaction asks for, enqueued once each after it commits."""

    functions: set[str] = field(default_factory=set)

    async def __call__(self) -> None:
        nudges = _nudges
        if nudges is None:
            return
        for function in sorted(self.functions):
            await nudges.nudge(function)


def enqueue_after_commit(session: AsyncSession, function: str) -> None:
    """Run job `function` (no arguments) once this transaction has committed."""
    pending_after_commit(session, _EnqueueAfterCommit, _EnqueueAfterCommit).functions.add(function)
