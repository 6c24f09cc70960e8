"""Each dependency checked with a short timeout; only the database is essential."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from fabricloop import __version__
from fabricloop.core.cache import Cache
from fabricloop.health import repository
from fabricloop.health.schemas import Check, Health, HealthChecks

CHECK_TIMEOUT_SECONDS = 1.0
# A gateway check is a call to the provider's API: a load balancer polling /health every few
# seconds must not turn into a stream of Stripe requests, so each process reuses a recent result.
GATEWAY_CHECK_TTL_SECONDS = 30.0
_gateway_cache: dict[int, tuple[float, Check]] = {}


class GatewayProbe(Protocol):
    name: str

    async def check(self) -> None: ...


async def _timed(probe: Callable[[], Awaitable[Any]], detail: str | None = None) -> Check:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
        status: Any = "ok"
        error = None
    except Exception as exc:
        status = "down"
        error = type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"[:200]
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Check(status=status, latency_ms=latency, detail=error or detail)


async def check_all(engine: AsyncEngine, cache: Cache, gateway: GatewayProbe | None) -> Health:
    async def database() -> None:
        async with engine.connect() as connection:
            await repository.ping(connection)

    async def redis() -> None:
        await cache.redis.ping()

    async def payment_gateway() -> None:
        if gateway is None:
            raise RuntimeError("no payment gateway configured")
        await gateway.check()

    async def cached_gateway() -> Check:
        cached = _gateway_cache.get(id(gateway))
        if cached is not None and time.monotonic() - cached[0] < GATEWAY_CHECK_TTL_SECONDS:
            return cached[1]
        result = await _timed(payment_gateway, gateway.name if gateway else None)
        _gateway_cache[id(gateway)] = (time.monotonic(), result)
        return result

    db_check, redis_check, gateway_check = await asyncio.gather(
        _timed(database), _timed(redis), cached_gateway()
    )
    if db_check.status != "ok":
        overall: Any = "unavailable"
    elif redis_check.status != "ok" or gateway_check.status != "ok":
        overall = "degraded"
    else:
        overall = "ok"
    return Health(
        status=overall,
        checks=HealthChecks(database=db_check, redis=redis_check, payment_gateway=gateway_check),
        version=__version__,
    )
