"""core.db.Direct: a Core statement sent through asyncpg itself, on the session's connection
and in its transaction, with SQLAlchemy's errors; against the real database."""

import asyncio
import inspect
import uuid
from decimal import Decimal

import pytest
from fastapi import FastAPI, Request
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    Uuid,
    any_,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import String, TypeDecorator

from fabricloop.auth.models import User
from fabricloop.core.db import Direct, autocommit_from_now, flush_pending, given_columns, unsaved
from fabricloop.materials.models import Material
from tests.factories import make_material, make_user
from tests.statements import statements_sent

TRANSACTION_ID = Direct(text("SELECT txid_current() AS id"))
LISTING = select(
    Material.id,
    Material.seller_id,
    Material.title,
    Material.quantity,
    Material.price_tiers,
    Material.kg_per_unit,
    Material.deleted_at,
    Material.created_at,
).where(Material.id == bindparam("material_id"))
RENAME = Direct(
    update(Material)
    .where(Material.id == bindparam("material_id"))
    .values(title=bindparam("title"))
    .returning(Material.title)
)


async def test_rows_are_those_sqlalchemy_reads(session: AsyncSession, material: Material) -> None:
    material.price_tiers = [{"min_quantity": "100", "unit_price": "4.50"}]
    await session.flush()
    params = {"material_id": material.id}
    expected = (await session.execute(LISTING, params)).one()
    row = await Direct(LISTING).first(session, params)
    assert row is not None
    assert tuple(row) == tuple(expected)
    assert row["title"] == material.title  # by name too
    assert isinstance(row["quantity"], Decimal)
    assert row["price_tiers"] == [{"min_quantity": "100", "unit_price": "4.50"}]
    assert await Direct(LISTING).first(session, {"material_id": uuid.uuid4()}) is None


async def test_parameters_go_through_their_types(session: AsyncSession, material: Material) -> None:
    # A JSON parameter is serialised as SQLAlchemy would (the column's bind processing).
    statement = Direct(
        update(Material)
        .where(Material.id == bindparam("material_id"))
        .values(price_tiers=bindparam("tiers", type_=Material.price_tiers.type))
        .returning(Material.price_tiers)
    )
    tiers = [{"min_quantity": "10", "unit_price": "9.99", "note": "größe ✓"}]
    row = await statement.first(session, {"material_id": material.id, "tiers": tiers})
    assert row is not None
    assert row[0] == tiers
    await session.refresh(material)
    assert material.price_tiers == tiers


async def test_a_statement_with_an_in_list_is_refused(session: AsyncSession) -> None:
    statement = Direct(select(User.id).where(User.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="IN lists"):
        await statement.fetch(session, {"ids": [uuid.uuid4()]})


async def test_it_runs_in_the_session_s_transaction(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    async with committed() as session:
        # The first statement of a new session: it begins the session's transaction.
        first = await TRANSACTION_ID.first(session, {})
        second = await session.scalar(text("SELECT txid_current()"))
        third = await TRANSACTION_ID.first(session, {})
        assert first is not None
        assert third is not None
        assert first["id"] == second == third["id"]
        await session.rollback()


async def test_in_autocommit_each_statement_is_its_own(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    async with committed() as session:
        await autocommit_from_now(session)
        first = await TRANSACTION_ID.first(session, {})
        second = await TRANSACTION_ID.first(session, {})
        assert first is not None
        assert second is not None
        assert first["id"] != second["id"]


async def test_a_rollback_undoes_it(committed: async_sessionmaker[AsyncSession]) -> None:
    async with committed() as session:
        material = await make_material(session, await make_user(session))
        await session.commit()
        material_id, original = material.id, material.title
        row = await RENAME.first(session, {"material_id": material_id, "title": "Renamed ✓"})
        assert row is not None
        assert row["title"] == "Renamed ✓"
        await session.rollback()
    async with committed() as session:
        title = await session.scalar(select(Material.title).where(Material.id == material_id))
        assert title == original
        # And a commit keeps it.
        await RENAME.first(session, {"material_id": material_id, "title": "Kept"})
        await session.commit()
    async with committed() as session:
        title = await session.scalar(select(Material.title).where(Material.id == material_id))
        assert title == "Kept"


async def test_errors_are_sqlalchemy_s(session: AsyncSession, seller: User) -> None:
    duplicate = Direct(
        text(
            "INSERT INTO users (email, password_hash, company_name, role) "
            "VALUES (:e, '!', 'x', 'manufacturer')"
        )
    )
    with pytest.raises(IntegrityError) as refused:
        async with session.begin_nested():
            await duplicate.fetch(session, {"e": seller.email})
    assert getattr(refused.value.orig, "sqlstate", None) == "23505"  # unique_violation
    # The savepoint rolled back: the session goes on.
    assert await session.scalar(select(User.email).where(User.id == seller.id)) == seller.email
    with pytest.raises(DBAPIError) as raised:
        await Direct(text("SELECT 1 / 0")).fetch(session, {})
    assert getattr(raised.value.orig, "sqlstate", None) == "22012"  # division_by_zero


async def test_nul_text_is_the_error_the_handlers_know(session: AsyncSession) -> None:
    with pytest.raises(StatementError) as raised:
        await Direct(text("SELECT CAST(:t AS text)")).fetch(session, {"t": "a\x00b"})
    seen: BaseException | None = raised.value
    names = []
    while seen is not None:
        names.append(type(seen).__name__)
        seen = seen.__cause__ or getattr(seen, "orig", None)
    assert "CharacterNotInRepertoireError" in names or "UnicodeEncodeError" in names


USER = Direct(select(User).where(User.id == bindparam("user_id")))


def _columns(user: User) -> dict[str, object]:
    return {prop.key: getattr(user, prop.key) for prop in sa_inspect(User).column_attrs}


async def test_load_gives_a_persistent_object_as_the_orm_does(session: AsyncSession) -> None:
    user = await make_user(session, company_name="Łódź Weavers \u2014 ☃")
    expected = _columns(user)
    session.expunge_all()
    loaded = await USER.load(session, User, {"user_id": user.id})
    assert loaded is not None
    assert loaded is not user
    state = sa_inspect(loaded)
    assert state.persistent
    assert not state.modified
    assert not session.dirty
    assert _columns(loaded) == expected
    # A change to it is an UPDATE of that row, with the ORM's onupdate.
    loaded.company_name = "Renamed Mills"
    await session.flush()
    stored = (
        await session.execute(select(User.company_name, User.updated_at).where(User.id == user.id))
    ).one()
    assert stored.company_name == "Renamed Mills"
    # The server's new updated_at is expired on the object, as on one the ORM loaded.
    assert "updated_at" in sa_inspect(loaded).expired_attributes
    await session.refresh(loaded)
    assert loaded.updated_at == stored.updated_at
    # The ORM finds it in the identity map: one object per row.
    assert await session.get(User, user.id) is loaded


async def test_load_leaves_a_deferred_column_unloaded_as_the_orm_does(
    session: AsyncSession, material: Material
) -> None:
    """A listing's search vector is deferred: the ORM's select(Material) leaves it out, and
    so does load; every other column is what the ORM reads."""
    loaded_by_orm = [p.key for p in sa_inspect(Material).column_attrs if not p.deferred]
    await session.refresh(material)
    expected = {key: getattr(material, key) for key in loaded_by_orm}
    session.expunge_all()
    lock = Direct(select(Material).where(Material.id == bindparam("material_id")).with_for_update())
    loaded = await lock.load(session, Material, {"material_id": material.id})
    assert loaded is not None
    assert "search_vector" in sa_inspect(loaded).unloaded
    assert {key: getattr(loaded, key) for key in loaded_by_orm} == expected
    loaded.title = "Renamed jersey"
    await session.flush()
    assert await session.scalar(select(Material.title).where(Material.id == material.id)) == (
        "Renamed jersey"
    )


async def test_load_gives_the_object_the_session_holds(session: AsyncSession) -> None:
    user = await make_user(session, company_name="Before")
    await session.execute(
        update(User).where(User.id == user.id).values(company_name="After"),
        execution_options={"synchronize_session": False},
    )
    assert user.company_name == "Before"  # held, not expired: as an ORM load keeps it
    assert await USER.load(session, User, {"user_id": user.id}) is user
    assert user.company_name == "Before"
    # Expired attributes are taken from the row (no lazy load, which async would refuse).
    session.expire(user, ["company_name"])
    assert await USER.load(session, User, {"user_id": user.id}) is user
    assert user.company_name == "After"
    assert not session.is_modified(user)


USERS_OF = (
    select(User).where(User.id == any_(bindparam("user_ids", type_=ARRAY(Uuid)))).order_by(User.id)
)
USERS = Direct(USERS_OF)


async def test_load_all_gives_every_row_as_the_orm_does(session: AsyncSession) -> None:
    held = await make_user(session, company_name="Held")
    other = await make_user(session, company_name="Sofia Textil \u00e9 ☃")
    expected = _columns(other)
    session.expunge(other)
    ids = [held.id, other.id, uuid.uuid4()]
    loaded = await USERS.load_all(session, User, {"user_ids": ids})
    by_orm = (await session.scalars(USERS_OF, {"user_ids": ids})).all()
    assert loaded == by_orm  # the same objects, in the statement's order
    assert {user.id for user in loaded} == {held.id, other.id}
    # The object the session held is the one given; the other is new, persistent, clean.
    assert held in loaded
    fresh = next(user for user in loaded if user.id == other.id)
    assert fresh is not other
    assert sa_inspect(fresh).persistent
    assert not session.dirty
    assert _columns(fresh) == expected
    assert await USERS.load_all(session, User, {"user_ids": [uuid.uuid4()]}) == []


async def test_load_populate_existing_takes_the_row_over_what_the_session_holds(
    session: AsyncSession,
) -> None:
    user = await make_user(session, company_name="Before", phone=None)
    await session.execute(
        update(User).where(User.id == user.id).values(company_name="After", phone="+351 1"),
        execution_options={"synchronize_session": False},
    )
    user.phone = "+44 pending"  # a change not flushed: a locked read discards it
    locked = Direct(select(User).where(User.id == bindparam("user_id")).with_for_update())
    assert await locked.load(session, User, {"user_id": user.id}, populate_existing=True) is user
    assert (user.company_name, user.phone) == ("After", "+351 1")
    assert not session.is_modified(user)


async def test_flush_pending_writes_what_the_session_holds_and_nothing_else(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user(session, company_name="Before")
    flushes: list[None] = []
    flush = session.flush

    async def counted_flush() -> None:
        flushes.append(None)
        await flush()

    # SQLAlchemy's own flush, counted: a clean session is not flushed at all (no greenlet
    # switch), a session holding changes once.
    monkeypatch.setattr(session, "flush", counted_flush)
    async with statements_sent(session) as sent:
        await flush_pending(session)
    assert sent == []
    assert flushes == []
    user.company_name = "Changed"
    other = User(
        email=f"flush-{uuid.uuid4().hex}@example.com",
        password_hash=user.password_hash,
        role="brand",
        company_name="Pending Mills",
    )
    session.add(other)
    async with statements_sent(session) as sent:
        await flush_pending(session)
    assert sorted(statement.split()[0] for statement in sent) == ["INSERT", "UPDATE"]
    assert len(flushes) == 1
    assert not session.new
    assert not session.dirty
    name = Direct(select(User.company_name).where(User.id == bindparam("user_id")))
    for who, expected in ((user, "Changed"), (other, "Pending Mills")):
        assert await name.first(session, {"user_id": who.id}) == (expected,)


async def test_load_of_an_insert_returning_is_the_row_stored(session: AsyncSession) -> None:
    template = await make_user(session)
    columns = User.__table__.c
    given = {"email", "password_hash", "role", "company_name"}
    add = Direct(
        insert(User)
        .values({name: bindparam(name, type_=columns[name].type) for name in given})
        .returning(*columns)
    )
    params = {name: getattr(template, name) for name in given}
    params |= {"email": f"direct-{uuid.uuid4().hex}@example.com", "company_name": "Ünïcode ☃"}
    async with statements_sent(session) as sent:
        added = await add.load(session, User, params)
        assert added is not None
        # Persistent with the server's defaults, nothing pending: no second INSERT follows.
        assert sa_inspect(added).persistent
        assert added.id is not None
        assert added.created_at is not None
        assert not session.new
        assert not session.dirty
        await session.flush()
    assert len(sent) == 1
    assert await session.get(User, added.id) is added
    stored = (await session.execute(select(User.company_name).where(User.id == added.id))).one()
    assert stored.company_name == "Ünïcode ☃"


async def test_load_of_an_update_returning_refreshes_the_held_object(
    session: AsyncSession,
) -> None:
    user = await make_user(session, company_name="Before")
    rename = Direct(
        update(User)
        .where(User.id == bindparam("user_id"))
        .values(company_name=bindparam("new_name"))
        .returning(*User.__table__.c)
    )
    async with statements_sent(session) as sent:
        written = await rename.load(
            session, User, {"user_id": user.id, "new_name": "After"}, populate_existing=True
        )
        await session.flush()
    assert written is user
    assert user.company_name == "After"
    stored = Direct(select(User.updated_at).where(User.id == bindparam("user_id")))
    row = await stored.first(session, {"user_id": user.id})
    assert row is not None
    assert user.updated_at == row[0]  # the column's onupdate, read back
    assert not session.is_modified(user)
    assert len(sent) == 1  # the UPDATE; the flush had nothing to write


async def test_load_gives_none_for_no_row(session: AsyncSession) -> None:
    assert await USER.load(session, User, {"user_id": uuid.uuid4()}) is None


class _Other(DeclarativeBase):
    pass


class _Converted(TypeDecorator[str]):
    impl = String
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        return None if value is None else value.upper()


class _Odd(_Other):
    __tablename__ = "direct_load_odd"
    id: Mapped[int] = mapped_column(primary_key=True)
    shouted: Mapped[str] = mapped_column(_Converted)


async def test_load_refuses_a_type_that_converts_what_it_reads(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match=r"_Odd\.shouted"):
        await Direct(text("SELECT 1 AS id WHERE false")).load(session, _Odd, {})


@pytest.mark.parametrize("when", ["between statements", "under a statement"])
async def test_a_lost_connection_is_invalidated_and_answered_503(
    app: FastAPI, committed: async_sessionmaker[AsyncSession], when: str
) -> None:
    async with committed() as session:
        await autocommit_from_now(session)
        backend = await Direct(text("SELECT pg_backend_pid() AS pid")).first(session, {})
        assert backend is not None
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert driver is not None

        async def end_backend() -> None:
            async with app.state.engine.connect() as other:
                await other.execute(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": backend["pid"]}
                )

        if when == "between statements":
            # asyncpg has seen the socket close: it refuses before sending (InterfaceError,
            # "connection is closed").
            await end_backend()
            for _ in range(200):
                if driver.is_closed():
                    break
                await asyncio.sleep(0.01)
            assert driver.is_closed()
            statement = asyncio.ensure_future(TRANSACTION_ID.fetch(session, {}))
        else:
            # The backend ends while the statement runs (ConnectionDoesNotExistError).
            statement = asyncio.ensure_future(
                Direct(text("SELECT pg_sleep(30)")).fetch(session, {})
            )
            await asyncio.sleep(0.2)
            await end_backend()
        with pytest.raises(StatementError) as raised:
            await asyncio.wait_for(statement, 10)
        assert isinstance(raised.value, DBAPIError)
        assert raised.value.connection_invalidated
        # The app answers it as the database being unavailable (503 with Retry-After, not a
        # 500): the handler Starlette picks for its class (the first of its MRO registered),
        # and the statement errors' one, which sees every SQLAlchemy statement error.
        picked = next(
            app.exception_handlers[cls]
            for cls in type(raised.value).__mro__
            if cls in app.exception_handlers
        )
        request = Request({"type": "http", "method": "POST", "headers": []})
        for handler in (picked, app.exception_handlers[StatementError]):
            answered = handler(request, raised.value)
            response = await answered if inspect.isawaitable(answered) else answered
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
        # The session's connection was invalidated, as SQLAlchemy does for its own statements:
        # rolling back is clean and the session goes on with a new connection.
        await session.rollback()
        assert await TRANSACTION_ID.first(session, {}) is not None
    # The pool replaced the dead connection: the next session works.
    async with committed() as session:
        assert await TRANSACTION_ID.first(session, {}) is not None


def test_a_column_the_orm_defaults_is_refused_for_a_direct_insert() -> None:
    table = Table(
        "direct_insert_probe",
        MetaData(),
        Column("id", Integer, primary_key=True, server_default=text("1")),
        Column("status", String(20), default="new"),
        Column("note", String(20)),
    )
    with pytest.raises(ValueError, match=r"\['status'\]"):
        given_columns(table)
    table.c.status.default = None
    assert given_columns(table) == ("status", "note")


def test_unsaved_holds_its_values_as_the_constructor_would() -> None:
    values = {"email": f"unsaved-{uuid.uuid4()}@example.com", "company_name": "Ünsaved ☃"}
    made = unsaved(User, {**values, "password_hash": "!", "role": "brand"})
    built = User(**values, password_hash="!", role="brand")
    state = sa_inspect(made)
    assert state.transient
    assert made.email == built.email
    assert made.company_name == built.company_name
    assert made.phone is None  # not given: None, as on a constructed one
    # Nothing pending on it: the unit of work has no history to write.
    assert not state.modified
    with pytest.raises(ValueError, match="no column attribute"):
        unsaved(User, {"emial": "typo@example.com"})
