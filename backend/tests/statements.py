"""What SQL a session sends: for tests of how many statements a step costs."""

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


@contextlib.asynccontextmanager
async def statements_sent(session: AsyncSession) -> AsyncIterator[list[str]]:
    """The SQL the session's connection is sent meanwhile (`Direct`'s statements included:
    they fire `before_cursor_execute` too)."""
    sent: list[str] = []
    connection = (await session.connection()).sync_connection
    assert connection is not None

    def count(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", count)
