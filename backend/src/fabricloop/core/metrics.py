"""Prometheus metrics of the app.

Request metrics are observed by the request middleware; business outcomes by the services
(`record_transaction`, `record_payment`, `record_search_read`); the database pool and the
active users are read when /metrics is scraped (`refresh_scrape_gauges`), so they cost nothing
between scrapes."""

import time
import uuid
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate_latest
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from fabricloop.core.cache import Cache

REQUEST_DURATION = Histogram(
    "fabricloop_http_request_duration_seconds",
    "HTTP request duration by route template, method and status.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "fabricloop_http_requests_total",
    "HTTP requests by route template, method and status.",
    ["method", "route", "status"],
)
TRANSACTIONS = Counter(
    "fabricloop_transactions_total",
    "Transaction outcomes: created, paid, shipped, completed, cancelled, expired...",
    ["outcome"],
)
PAYMENTS = Counter(
    "fabricloop_payments_total",
    "Payment attempts by outcome: succeeded, failed, requires_action...",
    ["outcome"],
)
SEARCH_READS = Counter(
    "fabricloop_search_reads_total",
    "Searches that missed the cache, by the server that answered: replica or primary.",
    ["server"],
)
ACTIVE_USERS = Gauge(
    "fabricloop_active_users",
    "Distinct users who made an authenticated request in the last 15 minutes.",
)
DB_POOL_SIZE = Gauge("fabricloop_db_pool_size", "Connections the database pool keeps open.")
DB_POOL_CHECKED_OUT = Gauge(
    "fabricloop_db_pool_checked_out", "Database connections in use by requests right now."
)
DB_POOL_OVERFLOW = Gauge(
    "fabricloop_db_pool_overflow", "Connections opened beyond the pool size (negative: unused)."
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
ACTIVE_USERS_KEY = "metrics:active_users"
ACTIVE_WINDOW_SECONDS = 15 * 60
# Each process writes a user's activity at most once a minute: a request costs no Redis call.
ACTIVE_WRITE_INTERVAL_SECONDS = 60.0
_last_written: dict[uuid.UUID, float] = {}


# Each (method, route template, status) seen, with its two series: `labels()` checks and
# converts its values under a lock on every call. The keys are few (templates, not paths).
_request_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    series = _request_series.get(key)
    if series is None:
        labels = (method, route, str(status))
        series = _request_series[key] = (
            REQUEST_DURATION.labels(*labels),
            REQUESTS.labels(*labels),
        )
    series[0].observe(seconds)
    series[1].inc()


def record_transaction(outcome: str) -> None:
    TRANSACTIONS.labels(outcome).inc()


def record_payment(outcome: str) -> None:
    PAYMENTS.labels(outcome).inc()


def record_search_read(server: str) -> None:
    SEARCH_READS.labels(server).inc()


async def note_active_user(cache: Cache, user_id: uuid.UUID) -> None:
    """Remember that `user_id` was active now (a Redis sorted set shared by all processes)."""
    now = time.monotonic()
    if now - _last_written.get(user_id, -ACTIVE_WRITE_INTERVAL_SECONDS) < (
        ACTIVE_WRITE_INTERVAL_SECONDS
    ):
        return
    _last_written[user_id] = now
    if len(_last_written) > 100_000:  # bound the memory of a long-running process
        _last_written.clear()
    if not cache.available:
        return
    try:
        await cache.redis.zadd(ACTIVE_USERS_KEY, {str(user_id): time.time()})
    except (RedisError, OSError) as error:
        cache.mark_failed("zadd", error)


async def count_active_users(cache: Cache) -> int | None:
    if not cache.available:
        return None
    try:
        async with cache.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(ACTIVE_USERS_KEY, "-inf", time.time() - ACTIVE_WINDOW_SECONDS)
            pipe.zcard(ACTIVE_USERS_KEY)
            _, count = await pipe.execute()
        return int(count)
    except (RedisError, OSError) as error:
        cache.mark_failed("zcard", error)
        return None


def _pool_figures(engine: AsyncEngine) -> tuple[int, int, int] | None:
    pool = engine.sync_engine.pool
    size, checked_out, overflow = (
        getattr(pool, "size", None),
        getattr(pool, "checkedout", None),
        getattr(pool, "overflow", None),
    )
    if not (callable(size) and callable(checked_out) and callable(overflow)):
        return None  # a pool without these figures (e.g. NullPool)
    return int(size()), int(checked_out()), int(overflow())


async def refresh_scrape_gauges(engine: AsyncEngine, cache: Cache) -> None:
    figures = _pool_figures(engine)
    if figures is not None:
        DB_POOL_SIZE.set(figures[0])
        DB_POOL_CHECKED_OUT.set(figures[1])
        DB_POOL_OVERFLOW.set(figures[2])
    active = await count_active_users(cache)
    if active is not None:
        ACTIVE_USERS.set(active)


def generate_latest() -> bytes:
    return _generate_latest(REGISTRY)
