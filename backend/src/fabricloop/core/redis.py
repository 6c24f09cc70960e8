"""The shared Redis client. Redis only holds caches and counters: when it is down, callers
degrade (cache misses, rate limits open) instead of failing the request."""

from redis.asyncio import Redis

REDIS_SOCKET_TIMEOUT = 0.5


def create_redis(url: str) -> "Redis":
    return Redis.from_url(
        url,
        socket_timeout=REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
        health_check_interval=30,
        decode_responses=False,
    )
