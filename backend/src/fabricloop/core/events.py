"""Live events for users, fanned out across processes through Redis pub/sub.

A service records an event with `publish_after_commit`: it is published once the transaction
commits (never for a rolled-back change) on one channel every app process subscribes to; each
process's `EventHub` hands it to the open streams of that user (`GET /api/events`)."""

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.db import pending_after_commit
from fabricloop.core.redis import AutoPipeline

log = structlog.get_logger(__name__)

CHANNEL = "fabricloop:events"
# Events a slow stream may have waiting; past it the stream is closed (the client reconnects
# and catches up through the API).
STREAM_BACKLOG = 256
RECONNECT_SECONDS = 1.0
# How long one read of the subscription waits for a message before it looks at the stop flag.
READ_SECONDS = 1.0


@dataclass(frozen=True)
class Event:
    user_id: uuid.UUID
    name: str
    data: dict[str, Any]


# The process's publisher (the app's and the worker's): its PUBLISHes leave in the batch of
# their turn of the event loop, with the other Redis commands of the process; None: events are
# dropped.
_publisher: AutoPipeline | None = None


def use_publisher(publisher: AutoPipeline | None) -> AutoPipeline | None:
    """Set the process's publisher; returns the one it replaces."""
    global _publisher
    previous, _publisher = _publisher, publisher
    return previous


def _encode(event: Event) -> bytes:
    return orjson.dumps({"user_id": str(event.user_id), "name": event.name, "data": event.data})


async def publish(publisher: AutoPipeline, events: list[Event]) -> None:
    """Publish `events` in their order (one batch: one round trip); the first error raised."""
    replies = await asyncio.gather(
        *(publisher.execute("PUBLISH", CHANNEL, _encode(event)) for event in events),
        return_exceptions=True,
    )
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply


@dataclass
class _PublishAfterCommit:
    events: list[Event] = field(default_factory=list)

    async def __call__(self) -> None:
        publisher = _publisher
        if publisher is None:
            return
        try:
            await publish(publisher, self.events)
        except Exception as error:  # live updates are best effort: the API has the truth
            log.warning("events not published", count=len(self.events), error=str(error)[:200])


def publish_after_commit(
    session: AsyncSession, user_id: uuid.UUID, name: str, data: dict[str, Any]
) -> None:
    pending = pending_after_commit(session, _PublishAfterCommit, _PublishAfterCommit)
    pending.events.append(Event(user_id, name, data))


class EventHub:
    """One Redis subscription per process, shared by every open stream of the process."""

    def __init__(self, redis_url: str) -> None:
        # Its own client without a read timeout: a subscription waits as long as it must.
        self.redis: Redis = Redis.from_url(redis_url, health_check_interval=30)
        self.streams: defaultdict[uuid.UUID, set[asyncio.Queue[Event | None]]] = defaultdict(set)
        self.task: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()
        self.stopping = False

    async def start(self) -> None:
        self.task = asyncio.create_task(self._listen(), name="fabricloop-event-hub")

    async def stop(self) -> None:
        self.stopping = True
        if self.task is not None:
            self.task.cancel()
            # The client may turn the cancellation into a connection error; the flag ends the
            # loop then, and the timeout bounds a shutdown whatever happens.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self.task, 5)
        for queues in self.streams.values():
            for queue in queues:
                queue.put_nowait(None)
        await self.redis.aclose()

    async def _listen(self) -> None:
        while not self.stopping:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.subscribed.set()
                    # Not `listen()`: a cancellation that reaches the client while it
                    # subscribes can be lost in it, and a read without end would then hold the
                    # shutdown for its whole timeout; a read that ends every second sees the flag.
                    while not self.stopping:
                        message = await pubsub.get_message(timeout=READ_SECONDS)
                        if message is not None and message["type"] == "message":
                            self._dispatch(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.subscribed.clear()
                if self.stopping:
                    return
                # No traceback: rendering one takes the event loop for a while, every second.
                log.warning("event subscription lost; reconnecting", error=str(error)[:200])
                await asyncio.sleep(RECONNECT_SECONDS)

    def _dispatch(self, raw: bytes) -> None:
        try:
            payload = orjson.loads(raw)
            user_id = uuid.UUID(payload["user_id"])
            event = Event(user_id, str(payload["name"]), dict(payload["data"]))
        except (ValueError, KeyError, TypeError):
            log.warning("malformed event dropped")
            return
        for queue in list(self.streams.get(user_id, ())):
            if queue.qsize() < STREAM_BACKLOG:
                queue.put_nowait(event)
            else:  # too far behind: end the stream (one slot is kept for this end mark)
                queue.put_nowait(None)
                self._drop(user_id, queue)

    def _drop(self, user_id: uuid.UUID, queue: "asyncio.Queue[Event | None]") -> None:
        queues = self.streams.get(user_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self.streams[user_id]

    @contextlib.asynccontextmanager
    async def subscribe(self, user_id: uuid.UUID) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(STREAM_BACKLOG + 1)
        self.streams[user_id].add(queue)

        async def events() -> AsyncIterator[Event]:
            while True:
                event = await queue.get()
                if event is None:
                    return
                yield event

        try:
            yield events()
        finally:
            self._drop(user_id, queue)

    @property
    def open_streams(self) -> int:
        return sum(len(queues) for queues in self.streams.values())
