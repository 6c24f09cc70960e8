"""The shared Redis client. Redis only holds caches and counters: when it is down, callers
degrade (cache misses, rate limits open) instead of failing the request."""

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

REDIS_SOCKET_TIMEOUT = 0.5


class RedisServer:
    """Which Redis server process the connections reach. Every new connection reports the
    server's `run_id`: a different one means Redis restarted, perhaps from older saved data,
    and the cache must not trust what it finds there (core.cache) until the epoch moved on.
    redis-py reconnects by itself, so without this the first read after a restart would be
    served before anyone noticed."""

    def __init__(self) -> None:
        self.run_id: bytes | None = None
        self.restarts = 0

    def saw(self, run_id: bytes) -> None:
        if self.run_id is not None and run_id != self.run_id:
            self.restarts += 1
        self.run_id = run_id

    async def on_connect(self, connection: AbstractConnection) -> None:
        await connection.on_connect()
        await connection.send_command("INFO", "server")
        self.saw(run_id_of(await connection.read_response()))


def run_id_of(info: object) -> bytes:
    """The `run_id` of a raw `INFO server` reply (b"" when it has none)."""
    text = info if isinstance(info, bytes) else str(info).encode()
    for line in text.splitlines():
        if line.startswith(b"run_id:"):
            return line.removeprefix(b"run_id:").strip()
    return b""


def create_redis(url: str, server: RedisServer | None = None) -> "Redis":
    """A client whose new connections tell `server` which Redis process they reached."""
    return Redis.from_url(
        url,
        socket_timeout=REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
        health_check_interval=30,
        decode_responses=False,
        redis_connect_func=None if server is None else server.on_connect,
    )
