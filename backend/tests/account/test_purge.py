import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.account.purge import (
    PURGE_LOCK_KEY,
    REDACTED_MESSAGE,
    purge_batch,
    purge_due_accounts,
)
from fabricloop.auth.models import RefreshToken, User
from fabricloop.auth.passwords import verify_password
from fabricloop.messages.models import Message
from fabricloop.transactions.models import Transaction
from tests.factories import (
    DEFAULT_PASSWORD,
    make_material,
    make_message,
    make_transaction,
    make_user,
)


async def make_deleted_user(session: AsyncSession, *, due: bool = True) -> User:
    now = datetime.now(UTC)
    return await make_user(
        session,
        email=f"gone-{uuid.uuid4().hex}@example.com",
        company_name="Gone Textiles",
        phone="+4915112345678",
        is_active=False,
        deleted_at=now - timedelta(days=31),
        delete_after=now - timedelta(days=1) if due else now + timedelta(days=1),
    )


class TestPurge:
    async def test_anonymises_due_accounts_and_keeps_accounting(
        self, session: AsyncSession
    ) -> None:
        gone = await make_deleted_user(session)
        counterpart = await make_user(session, company_name="Still Here")
        seller = await make_user(session)
        material = await make_material(session, seller)
        own_listing = await make_material(session, gone, status="archived")
        order = await make_transaction(session, material, gone, status="completed")
        sale = await make_transaction(session, own_listing, counterpart)
        sent = await make_message(session, gone, counterpart, "my phone is +49 151 123")
        received = await make_message(session, counterpart, gone, "thanks, noted")
        session.add(
            RefreshToken(
                jti=uuid.uuid4(),
                user_id=gone.id,
                family_id=uuid.uuid4(),
                expires_at=datetime.now(UTC) + timedelta(days=1),
                revoked_at=datetime.now(UTC),
            )
        )
        await session.flush()

        assert await purge_batch(session) == 1

        await session.refresh(gone)
        assert gone.email == f"deleted-{gone.id}@invalid"
        assert gone.company_name == "Deleted account"
        assert gone.phone is None
        assert gone.anonymised_at is not None
        assert not verify_password(DEFAULT_PASSWORD, gone.password_hash)
        tokens = await session.execute(select(RefreshToken).where(RefreshToken.user_id == gone.id))
        assert tokens.first() is None

        await session.refresh(order)
        assert order.status == "completed"
        assert order.total == material.price * 10
        assert order.shipping_address is not None
        assert order.shipping_address["recipient_name"] == "Deleted account"
        assert order.shipping_address["line1"] == "[removed]"
        assert order.shipping_address["country"] == "PT"
        await session.refresh(sale)
        assert sale.shipping_address is not None
        assert sale.shipping_address["recipient_name"] == "Receiving dock"

        await session.refresh(sent)
        await session.refresh(received)
        assert sent.content == REDACTED_MESSAGE
        assert received.content == "thanks, noted"

        # Idempotent: nothing left to do.
        assert await purge_batch(session) == 0

    async def test_leaves_accounts_in_their_grace_period(self, session: AsyncSession) -> None:
        waiting = await make_deleted_user(session, due=False)
        active = await make_user(session)
        assert await purge_batch(session) == 0
        await session.refresh(waiting)
        await session.refresh(active)
        assert waiting.company_name == "Gone Textiles"
        assert waiting.anonymised_at is None
        assert active.anonymised_at is None

    async def test_skips_when_another_process_holds_the_lock(
        self, session: AsyncSession, app: FastAPI
    ) -> None:
        await make_deleted_user(session)
        engine = app.state.engine
        async with engine.connect() as other:
            await other.execute(select(func.pg_advisory_lock(PURGE_LOCK_KEY)))
            try:
                assert await purge_batch(session) is None
            finally:
                await other.execute(select(func.pg_advisory_unlock(PURGE_LOCK_KEY)))
        messages = await session.execute(select(Message.id))
        assert messages.first() is None
        assert (await session.execute(select(Transaction.id))).first() is None


class TestPurgeJob:
    async def test_registered_with_the_periodic_jobs(
        self, session: AsyncSession, app: FastAPI
    ) -> None:
        from fabricloop.app import periodic_jobs

        jobs = {
            job.name: job
            for job in periodic_jobs(
                app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
            )
        }
        gone = await make_deleted_user(session)
        assert await jobs["purge_deleted_accounts"].run(session) == 1
        await session.refresh(gone)
        assert gone.anonymised_at is not None


class TestPurgeDueAccounts:
    @pytest.mark.usefixtures("app")
    async def test_commits_batches_until_none_is_due(
        self, committed: async_sessionmaker[AsyncSession]
    ) -> None:
        async with committed() as session:
            gone = [await make_deleted_user(session) for _ in range(3)]
            waiting = await make_deleted_user(session, due=False)
            await session.commit()
        assert await purge_due_accounts(committed) == 3
        assert await purge_due_accounts(committed) == 0
        async with committed() as session:
            names = dict((await session.execute(select(User.id, User.company_name))).all())
        assert {names[u.id] for u in gone} == {"Deleted account"}
        assert names[waiting.id] == "Gone Textiles"
