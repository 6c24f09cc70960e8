"""One holder at a time per key, in this process, first come first served.

For a statement that locks a row many requests want at once (the stock of one listing): 64
buyers of one listing each waiting in PostgreSQL for its row (a lock queue of backends that
all wake at each commit and race again) get their turns late and unevenly; waiting here, in
order, leaves at most one waiter per app process at the database."""

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class KeyedGate:
    def __init__(self) -> None:
        # A key's entry lives while it is held or waited for, and goes with its last user.
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        """Keys held or waited for now."""
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, key: Hashable, wait_seconds: float) -> AsyncIterator[None]:
        """Run the body as the key's only holder; TimeoutError when the turn takes longer
        than `wait_seconds` to come (the body is not run)."""
        entry = self._entries.setdefault(key, _Entry())
        entry.users += 1
        try:
            async with asyncio.timeout(wait_seconds):
                await entry.lock.acquire()
            try:
                yield
            finally:
                entry.lock.release()
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]
