"""The job queue (saq on Redis, docs/decisions/job-queue.md): the app enqueues, `fabricloop
worker` processes run the jobs. Work that must survive a crash is written to PostgreSQL in the
business transaction first (the email outbox, orders past their expiry); the queued job only
says "look now", and the worker's periodic sweep finds whatever a lost enqueue left behind."""

from dataclasses import dataclass, field

import structlog
from redis.asyncio import Redis
from saq import Queue
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import pending_after_commit

log = structlog.get_logger(__name__)

QUEUE_NAME = "fabricloop"

# The process's queue: set by the app's lifespan and by the worker; None where nothing is
# enqueued (tests run the jobs directly).
_queue: Queue | None = None


def create_queue(redis_url: str) -> Queue:
    # Its own client: the worker blocks on Redis for jobs, longer than the app's short
    # socket timeout allows.
    return RedisQueue(Redis.from_url(redis_url), name=QUEUE_NAME)


def use_queue(queue: Queue | None) -> Queue | None:
    """Set the process's queue; returns the one it replaces."""
    global _queue
    previous, _queue = _queue, queue
    return previous


def current_queue() -> Queue | None:
    return _queue


@dataclass
class _EnqueueAfterCommit:
    """The jobs a transaction asks for, enqueued once each after it commits."""

    functions: set[str] = field(default_factory=set)

    async def __call__(self) -> None:
        queue = _queue
        if queue is None:
            return
        for function in sorted(self.functions):
            try:
                await queue.enqueue(function, timeout=300, retries=3)
            except Exception as error:  # the periodic sweep will run it instead
                log.warning("job not enqueued", function=function, error=str(error)[:200])


def enqueue_after_commit(session: AsyncSession, function: str) -> None:
    """Run job `function` (no arguments) once this transaction has committed."""
    pending_after_commit(session, _EnqueueAfterCommit, _EnqueueAfterCommit).functions.add(function)
