"""`fabricloop worker`: the process that runs background and periodic work from the job queue.
Each periodic job is enqueued under one key per run (saq's unique cron jobs), so it runs once
across any number of workers; its run also takes a PostgreSQL advisory lock (core/jobs.py), so
it never overlaps a run elsewhere. Every job is idempotent: a retried run does nothing twice."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from redis.asyncio import Redis
from saq import CronJob, Queue, Worker
from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.cache import Cache
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.core.events import use_publisher
from fabricloop.core.jobs import OUTAGE_ERRORS, Job, Outage, run_job
from fabricloop.core.mail import SmtpTarget
from fabricloop.core.queue import create_queue, use_queue
from fabricloop.core.redis import AutoPipeline, create_redis
from fabricloop.core.storage import create_storage
from fabricloop.images import service as images
from fabricloop.materials import caching
from fabricloop.notifications import outbox
from fabricloop.payments.gateway import create_gateway

log = structlog.get_logger(__name__)


class WorkerContext(Context, total=False):
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: Redis
    smtp: SmtpTarget


# A periodic job app.py lists without a schedule here runs every minute.
DEFAULT_SCHEDULE = "* * * * * 30"


def schedules(settings: Settings) -> dict[str, str]:
    """cron (seconds as a sixth field) of the periodic jobs that don't run every minute; the
    sweeps of emails, thumbnails and invoice PDFs retry what failed and do what an enqueue
    lost."""
    return {
        "send_emails": "* * * * * */15",
        "make_thumbnails": "* * * * * */15",
        "render_documents": "* * * * * */15",
        "expire_unpaid_orders": f"* * * * * */{settings.expiry_check_seconds}",
        "purge_idempotency_keys": "17 * * * * 0",
        "purge_deleted_accounts": "23 * * * * 0",
        "purge_unattached_images": "41 * * * * 0",
        # Daily, just after midnight UTC: the day a certificate's validity ends.
        "check_certificates": "0 0 * * * 30",
    }


async def send_due_emails(ctx: WorkerContext) -> int:
    """Send the due emails of the outbox until none is left (one batch at a time)."""
    sent = 0
    while True:
        done = await outbox.send_due(ctx["sessionmaker"], ctx["settings"], ctx["smtp"])
        sent += done
        if done < outbox.BATCH:
            return sent


JobRun = Callable[[WorkerContext], Awaitable[int | None]]


def through_outages(name: str, work: JobRun, outage: Outage) -> JobRun:
    """`work` as a periodic job of the worker: while PostgreSQL or Redis is down it fails once
    into the log (saq would log a traceback per tick), then is skipped until `outage` says to
    try again."""

    async def run(ctx: WorkerContext) -> int | None:
        if not outage.due():
            return None
        try:
            done = await work(ctx)
        except OUTAGE_ERRORS as error:
            outage.failed(name, error)
            return None
        outage.succeeded()
        scheduled = ctx["job"].scheduled if "job" in ctx else None
        log.debug("periodic job run", job=name, scheduled=scheduled, count=done)
        if done:
            log.info("periodic job ran", job=name, count=done)
        return done

    run.__qualname__ = run.__name__ = name
    return run


def periodic(job: Job, outage: Outage) -> JobRun:
    async def work(ctx: WorkerContext) -> int | None:
        return await run_job(ctx["sessionmaker"], job)

    return through_outages(job.name, work, outage)


def smtp_target(settings: Settings) -> SmtpTarget:
    if settings.smtp_url is not None:
        return SmtpTarget.from_url(settings.smtp_url)
    return SmtpTarget("127.0.0.1", settings.smtp_sink_port)


def build_worker(settings: Settings, queue: Queue, **options: Any) -> Worker[WorkerContext]:
    from fabricloop.app import periodic_jobs  # the list lives with the app's composition

    storage = create_storage(settings)
    # The jobs' cache: a client of its own, opened here, closed by the shutdown.
    assert settings.redis_url is not None
    redis = create_redis(settings.redis_url)
    gateway = create_gateway(settings)
    outage = Outage()  # one per worker: its jobs share the database and Redis
    jobs = [
        periodic(job, outage) for job in periodic_jobs(Cache(redis), storage, gateway, settings)
    ]
    cron = schedules(settings)
    replaced: list[tuple[Queue | None, AutoPipeline | None]] = []

    async def make_thumbnails(ctx: WorkerContext) -> int:
        return await images.make_thumbnails(
            ctx["sessionmaker"], storage, caching.invalidator(Cache(redis))
        )

    functions: list[Callable[[WorkerContext], Awaitable[Any]]] = [
        through_outages("send_emails", send_due_emails, outage),
        through_outages("make_thumbnails", make_thumbnails, outage),
        *jobs,
    ]

    async def startup(ctx: WorkerContext) -> None:
        assert settings.redis_url is not None
        engine = create_engine(settings)
        ctx["settings"] = settings
        ctx["engine"] = engine
        ctx["sessionmaker"] = create_sessionmaker(engine)
        ctx["redis"] = redis
        ctx["smtp"] = smtp_target(settings)
        replaced.append((use_queue(queue), use_publisher(AutoPipeline(redis))))

    async def shutdown(ctx: WorkerContext) -> None:
        # Put back what the process had (a worker started inside another process's tests).
        previous_queue, previous_publisher = replaced.pop()
        use_queue(previous_queue)
        use_publisher(previous_publisher)
        await gateway.aclose()
        await ctx["redis"].aclose()
        await ctx["engine"].dispose()

    return Worker(
        queue,
        functions=functions,
        cron_jobs=[
            CronJob(f, cron=cron.get(f.__qualname__, DEFAULT_SCHEDULE), timeout=600)
            for f in functions
        ],
        startup=startup,
        shutdown=shutdown,
        concurrency=4,
        **options,
    )


async def run_worker(settings: Settings) -> None:
    assert settings.redis_url is not None
    queue = create_queue(settings.redis_url, settings.job_queue)
    worker = build_worker(settings, queue)
    try:
        await worker.start()
    finally:
        await queue.disconnect()


def main(settings: Settings) -> None:
    asyncio.run(run_worker(settings))
