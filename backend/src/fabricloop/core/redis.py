"""The shared Redis client. Redis only holds caches and counters: when it is down, callers
degrade (cache misses, rate limits open) instead of failing the request."""

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError
from redis.typing import EncodableT, KeyT

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


# A command waiting for its turn's batch, and where its reply goes.
Pending = tuple[tuple[EncodableT, ...], "asyncio.Future[Any]"]


class AutoPipeline:
    """Redis commands issued in the same turn of the event loop, sent as one pipeline.

    Every /api request makes one round trip to Redis on its way in (the rate limiter's script,
    core.limiter), and a cached read may make another. With 32 requests in flight in a process,
    each alone costs a write, a read and a wake-up: about 55 µs of CPU per command, measured;
    the commands of one turn sent together share them: about 23 µs each. A command alone goes
    as it is, without a pipeline's bookkeeping.

    Each caller gets its own reply, or its own error (a command's `ResponseError` is its own);
    a failure of the connection fails every command of the batch, as it would have failed each
    sent alone. A caller that stopped waiting (its request cancelled) before the batch left is
    not sent."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._pending: list[Pending] = []
        self._sending: set[asyncio.Task[None]] = set()
        # Round trips made and the commands they carried: how much a turn batches (tests read them).
        self.round_trips = 0
        self.commands = 0

    def execute(self, *args: EncodableT) -> "asyncio.Future[Any]":
        """The reply of one command (`args` as for `Redis.execute_command`), once its turn's
        batch has been answered."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((args, future))
        return future

    async def script(
        self, script: AsyncScript, keys: Sequence[KeyT], args: Sequence[EncodableT]
    ) -> Any:
        """A Lua script's reply, its EVALSHA sent in the turn's batch. A script Redis does not
        know (restarted, or its scripts flushed) goes again through redis-py's own call, which
        loads it."""
        try:
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await script(keys=keys, args=args)

    def _flush(self) -> None:
        batch = [(args, future) for args, future in self._pending if not future.done()]
        self._pending = []
        if batch:
            task = asyncio.create_task(self._send(batch))
            self._sending.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[Pending]) -> None:
        self.round_trips += 1
        self.commands += len(batch)
        try:
            if len(batch) == 1:
                replies: list[Any] = [await self._one(batch[0][0])]
            else:
                pipeline = self.redis.pipeline(transaction=False)
                for args, _ in batch:
                    pipeline.execute_command(*args)
                replies = await pipeline.execute(raise_on_error=False)
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as error:
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), reply in zip(batch, replies, strict=True):
            if future.done():
                continue
            if isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _one(self, args: tuple[EncodableT, ...]) -> Any:
        try:
            return await self.redis.execute_command(*args)  # type: ignore[no-untyped-call]
        except ResponseError as error:
            return error
