"""A few holders at a time per key (one, by default), in this process, first come first served.

For a statement that locks a row many requests want at once (the stock of one listing): 64
buyers of one listing each waiting in PostgreSQL for its row (a lock queue of backends that
all wake at each commit and race again) get their turns late and unevenly; waiting here, in
order, leaves at most `holders` of each app process at the database."""

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass
class _Entry:
    # asyncio's semaphore queues a newcomer behind those already waiting (Python >= 3.11.1).
    turns: asyncio.Semaphore
    users: int = 0


class KeyedGate:
    def __init__(self, holders: int = 1) -> None:
        if holders < 1:
            raise ValueError("a gate lets at least one holder through")
        self.holders = holders
        # A key's entry lives while it is held or waited for, and goes with its last user.
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        """Keys held or waited for now."""
        return len(self._entries)

    @asynccontextmanager
    async def hold(self, key: Hashable, wait_seconds: float) -> AsyncIterator[None]:
        """Run the body as one of the key's `holders`; TimeoutError when the turn takes longer
        than `wait_seconds` to come (the body is not run)."""
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(asyncio.Semaphore(self.holders))
        entry.users += 1
        try:
            async with asyncio.timeout(wait_seconds):
                await entry.turns.acquire()
            try:
                yield
            finally:
                entry.turns.release()
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]
