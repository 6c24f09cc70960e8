"""Engine, sessions, and the one-transaction-per-request session dependency (autocommit for
an endpoint that writes with one statement: one_statement)."""

import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

import structlog
from fastapi import Depends, Request
from sqlalchemy import CursorResult, Executable, Select, Table, Update, event, exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import CTE, ClauseElement, ColumnElement
from sqlalchemy.types import TypeDecorator

from fabricloop.config import Settings
from fabricloop.core.errors import AppError

log = structlog.get_logger(__name__)

# A pooled connection that has waited longer than this is pinged before use (a network device
# or PgBouncer may have dropped it silently); one in steady use is only checked for a closed
# socket, which costs nothing (see _check_on_checkout).
PING_IDLE_SECONDS = 10.0

# session.info: False when no read replica is in use, so a listing change need not record the
# primary's log position after its commit (core.replica; a round trip per change). Absent: True.
READS_REPLICA = "reads_replica"


def reads_replica(session: AsyncSession) -> bool:
    """Whether the session's request may read a replica (unknown: True, the safe answer)."""
    return bool(session.info.get(READS_REPLICA, True))


AfterCommit = Callable[[], Awaitable[None]]
A = TypeVar("A", bound=AfterCommit)
E = TypeVar("E", bound=Callable[..., Any])
Entity = TypeVar("Entity")

# The endpoints marked with one_statement.
_ONE_STATEMENT: set[Callable[..., Any]] = set()


class SecondWrite(RuntimeError):
    """A request of a one_statement endpoint tried to write a second time."""


def one_statement(endpoint: E) -> E:
    """Mark a route's endpoint whose request changes the database with one statement at most
    (reads before it are free): its session runs in autocommit, so the request sends neither
    BEGIN nor COMMIT, two round trips fewer, and the statement commits as it ends. Reads are
    each their own snapshot either way (READ COMMITTED). A second statement that isn't a plain
    SELECT raises SecondWrite before it is sent: one that commits on its own, with the first
    already committed, is exactly what the mark rules out. An error raised after the write
    (none is, on the marked endpoints) could not undo it."""
    _ONE_STATEMENT.add(endpoint)
    return endpoint


# The execution option of a one_statement request's connection that its guard counts in.
_WRITES_OPTION = "fabricloop_one_statement_writes"


class _Writes:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def _one_write_at_most(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    """one_statement's guard, on every engine (`before_cursor_execute`, registered once: a
    listener added per request cost 2.4 % of an order's CPU); it counts the statements of a
    connection its request put in autocommit, and lets every other connection's through."""
    writes: _Writes | None = connection.get_execution_options().get(_WRITES_OPTION)
    # Its first word only: an order's statement is 2 KB, not worth uppercasing whole.
    if writes is None or statement.lstrip()[:6].upper() == "SELECT":
        return
    writes.count += 1
    if writes.count > 1:
        raise SecondWrite(statement.split(None, 3)[:3])


def _wrote_nothing(connection: Connection) -> None:
    """The statement just sent (and counted by the guard) changed nothing: uncount it."""
    writes: _Writes | None = connection.get_execution_options().get(_WRITES_OPTION)
    if writes is not None:
        writes.count -= 1


async def _autocommit(session: AsyncSession) -> None:
    """Put `session` in autocommit, with the guard of one_statement. Not a session bound to a
    connection already in a transaction (the tests' rolled-back sessions): it keeps that."""
    await autocommit_from_now(session, {_WRITES_OPTION: _Writes()})


def async_url(url: str) -> str:
    """Any PostgreSQL URL, in the asyncpg dialect SQLAlchemy needs."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    target = url or settings.database_url
    if target is None:
        raise RuntimeError("DATABASE_URL is not set")
    connect_args: dict[str, Any] = {
        "timeout": 5,
        "command_timeout": settings.db_statement_timeout_ms / 1000,
        "server_settings": {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "application_name": "fabricloop",
            # Short OLTP queries: JIT compilation costs tens of ms and never pays back here.
            "jit": "off",
        },
    }
    url_text = async_url(target)
    if settings.db_pgbouncer:
        # PgBouncer in transaction mode gives each transaction any server connection: a
        # statement prepared on one is unknown on the next, so cache none and never reuse names.
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_name_func"] = _unique_statement_name
        url_text = (
            make_url(url_text)
            .update_query_dict({"prepared_statement_cache_size": "0"})
            .render_as_string(hide_password=False)
        )
    engine = create_async_engine(
        url_text,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=1800,
        connect_args=connect_args,
    )
    _check_connections(engine)
    event.listen(engine.sync_engine, "before_cursor_execute", _one_write_at_most)
    return engine


async def execute_rowcount(
    session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None
) -> int:
    """Run an UPDATE, DELETE or INSERT ... SELECT and return how many rows it touched (a DML
    statement's result is a cursor result, which the session's signature does not say)."""
    result = cast("CursorResult[Any]", await session.execute(statement, params))
    return int(result.rowcount or 0)


def _check_connections(engine: AsyncEngine) -> None:
    """Instead of `pool_pre_ping`, which costs three round trips per checkout (BEGIN, a query,
    ROLLBACK; under load a third of a purchase's round trips): a connection whose socket was
    closed (PostgreSQL restarted, or ended the backend) is replaced at no cost, and one left
    idle for PING_IDLE_SECONDS is pinged first. Either failure retires every pooled connection
    older than now, as the pre-ping did; a connection that dies under a statement is a 503."""
    dialect = engine.sync_engine.dialect

    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["checked_in_at"] = time.monotonic()

    def checkout(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise exc.InvalidatePoolError("the connection was closed")
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_IDLE_SECONDS:
            return  # new, or in use moments ago
        if not dialect._do_ping_w_event(dbapi_connection):
            raise exc.InvalidatePoolError("the connection failed a ping")

    event.listen(engine.sync_engine.pool, "checkin", checked_in)
    event.listen(engine.sync_engine.pool, "checkout", checkout)


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def sibling(session: AsyncSession) -> AsyncIterator[AsyncSession | None]:
    """A second session on the engine of `session` (its own connection from the pool), for a
    read that runs at the same time as the session's own statements; its transaction is
    rolled back on exit. None when `session` is bound to one connection, which cannot run two
    statements at once, or when the pool has no room below its size: requests that each held
    one connection while waiting for a second could take the whole pool and wait on each
    other. The caller then reads in `session`, one statement after the other."""
    pool = session.bind.sync_engine.pool if isinstance(session.bind, AsyncEngine) else None
    if not isinstance(pool, QueuePool) or pool.checkedout() >= pool.size():
        yield None
        return
    async with AsyncSession(session.bind, expire_on_commit=False, autoflush=False) as other:
        other.info[READS_REPLICA] = reads_replica(session)
        yield other


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run `action` once the request's transaction has committed (e.g. cache invalidation)."""
    session.info.setdefault("after_commit", []).append(action)


def pending_after_commit(session: AsyncSession, kind: type[A], make: Callable[[], A]) -> A:
    """The action of `kind` already waiting for this transaction's commit, or a new one from
    `make`: changes made in one transaction share one action (one round trip, not one each)."""
    for action in session.info.get("after_commit", []):
        if isinstance(action, kind):
            return action
    action = make()
    after_commit(session, action)
    return action


async def run_after_commit(session: AsyncSession) -> None:
    """Run the actions waiting for the commit, then those they added in turn (an action that
    writes in `autocommit_from_now` has committed, and asks for what follows it)."""
    while actions := session.info.pop("after_commit", []):
        for action in actions:
            try:
                await action()
            except Exception:
                log.exception("after-commit action failed")


async def autocommit_from_now(
    session: AsyncSession, options: dict[str, Any] | None = None
) -> AsyncConnection | None:
    """Between two transactions (a new session, an after-commit action): each statement of the
    session from now on commits as it ends, no BEGIN and no COMMIT, so a row it locks is held
    for that statement only; its connection. None for a session bound to one connection (the
    tests' rolled-back sessions): it keeps that connection's transaction. `options`: more
    execution options of the connection."""
    if not isinstance(session.bind, AsyncEngine) or session.in_transaction():
        return None
    return await session.connection(
        execution_options={"isolation_level": "AUTOCOMMIT", **(options or {})}
    )


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        session.info[READS_REPLICA] = getattr(request.app.state, "replica", None) is not None
        try:
            if request.scope.get("endpoint") in _ONE_STATEMENT:
                await _autocommit(session)
            yield session
            await session.commit()
        except AppError as error:
            if not error.commit_changes:
                await session.rollback()
                session.info.pop("after_commit", None)
                raise
            await session.commit()
            await run_after_commit(session)
            raise
        except BaseException:
            await session.rollback()
            session.info.pop("after_commit", None)
            raise
        await run_after_commit(session)


async def flush_pending(session: AsyncSession) -> None:
    """The session's pending changes written now, if it has any: what the ORM would flush
    before a statement of its own, before a `Direct` one (which does not autoflush). A clean
    session costs no greenlet switch."""
    if session.new or session.dirty or session.deleted:
        await session.flush()


def given_columns(table: Table) -> tuple[str, ...]:
    """The columns a new row is given; the server gives the rest (an id, timestamps). A
    default of the ORM's own would not apply to a Direct INSERT: refused, not left NULL."""
    given = tuple(column.name for column in table.c if column.server_default is None)
    if defaulted := [name for name in given if table.c[name].default is not None]:
        raise ValueError(
            f"{table.name}: an INSERT through Direct skips the defaults of {defaulted}"
        )
    return given


# What a statement carrying companions is built from (and cached by): each one's WITH clause
# and what it gives back (`Companion.clause`).
Clause = tuple[CTE, tuple[ColumnElement[Any], ...]]
Clauses = tuple[Clause, ...]


@dataclass(frozen=True)
class Companion:
    """A write of one domain's sent inside a statement of another's, as a WITH clause: one
    round trip for both, and both or neither. `cte` is the same object for every write of its
    kind (the statement built around it is built once; the clauses it selects from come with
    it); `params` are its parameters, named apart from the statement's. `returns`: what the
    write gives back (labelled scalar subqueries over its clauses, named apart too), which the
    statement adds to what it returns, for the write's own service to read from the row. Its
    domain's repository builds it, its service hands it out, and the other domain's repository
    adds it to its statement (`with_companions`)."""

    cte: CTE
    params: dict[str, Any]
    returns: tuple[ColumnElement[Any], ...] = ()

    @property
    def clause(self) -> Clause:
        """What a statement built around it is built from (and cached by)."""
        return self.cte, self.returns


Carrier = TypeVar("Carrier", Select[Any], Update)


def with_companions(statement: Carrier, clauses: Clauses) -> Carrier:
    """`statement` carrying companions' clauses (`Companion.clause` of each): their WITH
    clauses added, and what they give back added to what it returns."""
    returns = [column for _, given in clauses for column in given]
    carrier = statement.add_cte(*(cte for cte, _ in clauses))
    if not returns:
        return carrier
    if isinstance(carrier, Select):
        return carrier.add_columns(*returns)
    return carrier.returning(*returns)


def companion_params(companions: Sequence[Companion]) -> dict[str, Any]:
    """The companions' parameters, for the statement that carries them."""
    params: dict[str, Any] = {}
    for companion in companions:
        params |= companion.params
    return params


class Direct:
    """A Core statement (built once, at import) that a hot request sends through asyncpg
    itself, on the session's own connection and in its transaction: SQLAlchemy compiles it
    once, and each execution skips SQLAlchemy's per-statement work (parameters processed one
    by one, a greenlet switch each way, the result's metadata rebuilt column by column). A
    listing's one-row read costs a worker 60 us of CPU this way, 170 through Core on the
    session's connection. Rows come back as asyncpg's records (by name or position; JSON
    decoded by the dialect's codecs, as for SQLAlchemy). Errors are SQLAlchemy's, as from
    `session.execute` (`DBAPIError.orig.sqlstate`; the lost-connection and NUL-text handlers
    see the same chain). It fires `before_cursor_execute` (one_statement's guard counts it),
    no other event, and cannot expand IN lists (refused when compiled). It reaches into the
    asyncpg dialect's adapter (its mutex, lazy BEGIN and error mapping), so it is tied to the
    pinned SQLAlchemy: tests/core/test_direct.py fails if an upgrade moves them."""

    __slots__ = ("_compiled", "conditional_write", "statement")

    def __init__(self, statement: ClauseElement, *, conditional_write: bool = False) -> None:
        """`conditional_write`: the statement writes only what its RETURNING gives back (a row
        for each row written, as a conditional UPDATE's): one that gives none wrote nothing,
        and one_statement's guard doesn't count it, so the request may write once more (on
        the terms it now reads)."""
        self.statement = statement
        self.conditional_write = conditional_write
        self._compiled: tuple[str, list[tuple[str, Any, Any]]] | None = None

    def _compile(self, dialect: Dialect) -> tuple[str, list[tuple[str, Any, Any]]]:
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a Direct statement cannot expand parameters (IN lists)")
        processors = compiled._bind_processors
        binds = compiled.binds  # by the name the statement gives each parameter
        order = [
            # (name, the statement's own value if it has one, the type's conversion)
            (name, None if bind.required else bind.effective_value, processors.get(name))
            for name in compiled.positiontup or ()
            for bind in (binds[name],)
        ]
        return compiled.string, order

    async def fetch(self, session: AsyncSession, params: dict[str, Any]) -> list[Any]:
        connection, pooled = await _driver_connection(session)
        dialect = connection.dialect
        sql, order = self._compiled or self._compile(dialect)
        self._compiled = sql, order
        args = [
            process(params.get(name, value)) if process else params.get(name, value)
            for name, value, process in order
        ]
        if connection._has_events or connection.engine._has_events:
            # The listeners a statement of SQLAlchemy's would meet (one_statement's guard).
            connection.dispatch.before_cursor_execute(connection, None, sql, args, None, False)
        adapted = pooled.dbapi_connection  # the dialect's adapter around asyncpg's connection
        driver = pooled.driver_connection
        assert adapted is not None
        assert driver is not None
        async with adapted._execute_mutex:  # as the dialect's own cursor does
            try:
                if adapted._transaction is None:
                    await adapted._start_transaction()  # the session's BEGIN, if it has one
                rows: list[Any] = await driver.fetch(sql, *args)
            except Exception as error:
                translated = _translated(dialect, sql, args, adapted, error)
                failed = error
            else:
                if not rows and self.conditional_write:
                    _wrote_nothing(connection)
                return rows
        _invalidate_if_lost(connection, pooled, translated)
        raise translated from failed

    async def first(self, session: AsyncSession, params: dict[str, Any]) -> Any | None:
        rows = await self.fetch(session, params)
        return rows[0] if rows else None

    async def load(
        self,
        session: AsyncSession,
        entity: type[Entity],
        params: dict[str, Any],
        *,
        populate_existing: bool = False,
    ) -> Entity | None:
        """The first row as a persistent `entity` of the session, as `session.execute` of
        `select(entity)` gives it: the object the session already holds for that primary key
        (its expired attributes taken from the row; all of them, pending changes discarded,
        with `populate_existing`, as for a row just locked or written), else a new one holding
        the row, with no change pending; a change to it is flushed as an UPDATE. The statement
        returns every column of the entity: a SELECT, or an INSERT or UPDATE ... RETURNING (a
        row written without the unit of work, as the ORM's flush would have left it). No ORM
        event fires (the app listens to none). A user's one-row read costs 130 us less CPU
        this way than through the ORM."""
        mapper: Mapper[Entity] = sa_inspect(entity)
        fields = _fields(mapper)  # a type it can't load refused before anything is sent
        row = await self.first(session, params)
        if row is None:
            return None
        return _persistent(session, mapper, fields, row, populate_existing)

    async def load_all(
        self, session: AsyncSession, entity: type[Entity], params: dict[str, Any]
    ) -> list[Entity]:
        """Every row as a persistent `entity`, each as `load` gives the first (without
        `populate_existing`): what `session.scalars(select(entity))` gives."""
        mapper: Mapper[Entity] = sa_inspect(entity)
        fields = _fields(mapper)
        rows = await self.fetch(session, params)
        return [_persistent(session, mapper, fields, row, False) for row in rows]


def loaded(
    session: AsyncSession, entity: type[Entity], row: Any, *, populate_existing: bool = False
) -> Entity:
    """`row` (a Direct statement's, holding every column of `entity`, and perhaps more) as
    `Direct.load` gives its first row."""
    mapper: Mapper[Entity] = sa_inspect(entity)
    return _persistent(session, mapper, _fields(mapper), row, populate_existing)


def _persistent(
    session: AsyncSession,
    mapper: Mapper[Entity],
    fields: dict[str, str],
    row: Any,
    populate_existing: bool,
) -> Entity:
    """The session's object for `row` (Direct.load and load_all): the one it holds, its
    expired attributes (all, with `populate_existing`) taken from the row, else a new one."""
    identity = mapper.identity_key_from_primary_key(
        tuple(row[column.name] for column in mapper.primary_key)
    )
    held = session.sync_session.identity_map.get(identity)
    if held is not None:
        expired = sa_inspect(held).expired_attributes
        for name in fields.keys() if populate_existing else expired & fields.keys():
            set_committed_value(held, name, row[fields[name]])
        return held
    # Made the row's persistent object, nothing pending.
    instance = unsaved(mapper.class_, {name: row[column] for name, column in fields.items()})
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def unsaved(entity: type[Entity], values: dict[str, Any]) -> Entity:
    """A new object of a mapped class holding `values` (by attribute name), made as the ORM's
    own loading makes one: no constructor and no attribute event per value (about 20 us less
    than `entity(**values)` for a `User`, 80 for an order's 27 columns). For an object a
    statement of its own writes (Direct), then made persistent with
    `make_transient_to_detached` and `session.add`; nothing about it is pending."""
    mapper: Mapper[Entity] = sa_inspect(entity)
    if unknown := values.keys() - _attributes(mapper):
        raise ValueError(f"{entity.__name__} has no column attribute {sorted(unknown)}")
    instance: Entity = mapper.class_manager.new_instance()
    instance_state(instance).dict.update(values)
    return instance


@functools.cache
def _attributes(mapper: Mapper[Any]) -> frozenset[str]:
    return frozenset(prop.key for prop in mapper.column_attrs)


@functools.cache
def _fields(mapper: Mapper[Any]) -> dict[str, str]:
    """Each column attribute of a mapped class the ORM loads with it: its name on the object
    -> its column's. A deferred one is left out (unloaded, as `select(entity)` leaves it). A
    column of a type that converts what it reads (a TypeDecorator) is refused: asyncpg's value
    would not be what the ORM gives."""
    fields = {}
    for prop in mapper.column_attrs:
        if prop.deferred:
            continue
        column = prop.columns[0]
        if isinstance(column.type, TypeDecorator):
            raise ValueError(f"Direct.load cannot convert {mapper.class_.__name__}.{prop.key}")
        fields[prop.key] = column.name
    return fields


async def _driver_connection(session: AsyncSession) -> tuple[Connection, PoolProxiedConnection]:
    """The pooled connection the session's transaction holds, without `session.connection()`'s
    greenlet switch (40 us) when it holds one already; else (a new session, or a connection
    invalidated since) that call, which may check one out or reconnect."""
    transaction, bind = session.sync_session._transaction, session.sync_session.bind
    held = transaction._connections.get(bind) if transaction and bind else None
    if held is not None and not held[0].invalidated:
        connection: Connection = held[0]
        return connection, connection.connection
    asynchronous = await session.connection()
    pooled = await asynchronous.get_raw_connection()
    assert asynchronous.sync_connection is not None
    return asynchronous.sync_connection, pooled


def _invalidate_if_lost(
    connection: Connection, pooled: PoolProxiedConnection, error: BaseException
) -> None:
    """As SQLAlchemy does for its own statements: a connection that died (PostgreSQL ended the
    backend, or restarted) is invalidated, with every pooled connection older than it, and the
    error says so (`connection_invalidated`), which the app answers as a 503."""
    dialect = connection.dialect
    if not isinstance(error, exc.DBAPIError) or not dialect.is_disconnect(
        cast("Any", error.orig), pooled.dbapi_connection, None
    ):
        return
    error.connection_invalidated = True
    if not connection.invalidated:
        connection.engine.pool._invalidate(pooled, error.orig)
        connection.invalidate(error.orig)


def _translated(
    dialect: Dialect, sql: str, args: list[Any], adapted: Any, error: Exception
) -> BaseException:
    """`error` (asyncpg's) as SQLAlchemy would have raised it from `session.execute`."""
    try:
        adapted._handle_exception(error)  # raises the DBAPI error the dialect maps it to
    except Exception as dbapi_error:
        return exc.DBAPIError.instance(
            sql, args, dbapi_error, dialect.loaded_dbapi.Error, dialect=dialect
        )
    return error  # pragma: no cover - _handle_exception always raises


# scope="function": commit before the response is sent, so a client always reads its writes.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
