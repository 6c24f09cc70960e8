import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.app import periodic_jobs
from fabricloop.core.jobs import Job, run_job
from fabricloop.materials import stock, terms
from fabricloop.materials.errors import MaterialNotFound
from fabricloop.materials.listing_cache import material_key
from fabricloop.payments.models import IdempotencyKey
from fabricloop.transactions import service
from fabricloop.transactions.errors import InsufficientQuantity, ListingChanged
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.state import TRANSITIONS, Actor, Verdict, judge
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.transactions.helpers import buy


class TestStateMachine:
    def test_the_documented_transitions(self) -> None:
        assert set(TRANSITIONS) == {
            ("pending", "paid"),
            ("pending", "cancelled"),
            ("paid", "cancelled"),
            ("paid", "shipped"),
            ("shipped", "completed"),
        }

    @pytest.mark.parametrize(
        ("current", "target", "actor", "verdict"),
        [
            ("paid", "shipped", Actor.SELLER, Verdict.ALLOWED),
            ("paid", "shipped", Actor.BUYER, Verdict.WRONG_PARTY),
            ("shipped", "completed", Actor.BUYER, Verdict.ALLOWED),
            ("shipped", "completed", Actor.SELLER, Verdict.WRONG_PARTY),
            ("pending", "cancelled", Actor.BUYER, Verdict.ALLOWED),
            ("pending", "cancelled", Actor.SELLER, Verdict.ALLOWED),
            ("pending", "cancelled", Actor.SYSTEM, Verdict.ALLOWED),
            ("pending", "paid", Actor.SYSTEM, Verdict.ALLOWED),
            ("pending", "paid", Actor.BUYER, Verdict.INVALID),
            ("paid", "paid", Actor.SYSTEM, Verdict.INVALID),
            ("paid", "pending", Actor.SYSTEM, Verdict.INVALID),
            ("completed", "cancelled", Actor.BUYER, Verdict.INVALID),
            ("paid", "cancelled", Actor.SELLER, Verdict.ALLOWED),
            ("paid", "cancelled", Actor.SYSTEM, Verdict.ALLOWED),
            # Not "the seller's to make": a buyer can't cancel a paid order at all.
            ("paid", "cancelled", Actor.BUYER, Verdict.INVALID),
            ("shipped", "cancelled", Actor.SELLER, Verdict.INVALID),
        ],
    )
    def test_judge(self, current: str, target: str, actor: Actor, verdict: Verdict) -> None:
        assert judge(current, target, actor) is verdict


class TestArithmetic:
    @pytest.mark.parametrize(
        ("price", "quantity", "total"),
        [
            ("0.25", "0.1", "0.03"),
            ("0.35", "0.1", "0.04"),
            ("8.50", "10.5", "89.25"),
            ("19.99", "3", "59.97"),
            ("0.01", "0.001", "0.00"),
            ("1.15", "0.5", "0.58"),
        ],
    )
    def test_total_half_up(self, price: str, quantity: str, total: str) -> None:
        assert terms.order_total(Decimal(price), Decimal(quantity)) == Decimal(total)

    def test_mass(self) -> None:
        assert terms.quantity_in_kg(Decimal("2.5"), "kg", None) == Decimal("2.5")
        assert terms.quantity_in_kg(Decimal("3"), "roll", Decimal("12.25")) == Decimal("36.75")


class TestExpiry:
    async def test_expires_overdue_pending_only(
        self, client: AsyncClient, session: AsyncSession, redis: Redis, app: FastAPI
    ) -> None:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, quantity=Decimal("10"))
        overdue = await buy(client, auth_headers(buyer), material.id, 10)
        other_material = await make_material(session, seller, quantity=Decimal("5"))
        fresh = await buy(client, auth_headers(buyer), other_material.id, 1)
        paid = await make_transaction(
            session, material, buyer, status="paid", expires_at=datetime.now(UTC) - timedelta(1)
        )
        await session.execute(
            update(Transaction)
            .where(Transaction.id == overdue["transaction_id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await redis.set(material_key(material.id), b"{}")

        job = Job("expire_unpaid_orders", partial(service.expire_overdue, cache=app.state.cache))
        assert await run_job(app.state.sessionmaker, job) == 1

        async def status_of(transaction_id: object) -> str:
            row = await session.get(Transaction, transaction_id, populate_existing=True)
            assert row is not None
            return row.status

        assert await status_of(uuid.UUID(overdue["transaction_id"])) == "cancelled"
        assert await status_of(uuid.UUID(fresh["transaction_id"])) == "pending"
        assert await status_of(paid.id) == "paid"
        await session.refresh(material)
        assert (material.quantity, material.status) == (Decimal("10"), "active")
        assert await redis.get(material_key(material.id)) is None
        # Nothing is left to do, and nothing is released twice.
        assert await run_job(app.state.sessionmaker, job) == 0
        await session.refresh(material)
        assert material.quantity == Decimal("10")

    async def test_purges_only_expired_idempotency_keys(
        self, session: AsyncSession, app: FastAPI
    ) -> None:
        user = await make_user(session)
        now = datetime.now(UTC)
        for key, expires_at in (("old", now - timedelta(seconds=1)), ("live", now + timedelta(1))):
            session.add(
                IdempotencyKey(
                    user_id=user.id,
                    key=key,
                    request_hash="0" * 64,
                    state="completed",
                    response_status=201,
                    response_body={},
                    expires_at=expires_at,
                )
            )
        await session.flush()
        (purge,) = [
            job
            for job in periodic_jobs(
                app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
            )
            if job.name == "purge_idempotency_keys"
        ]
        assert await run_job(app.state.sessionmaker, purge) == 1
        keys = (await session.execute(select(IdempotencyKey.key))).scalars().all()
        assert list(keys) == ["live"]

    def test_default_jobs(self, app: FastAPI) -> None:
        jobs = periodic_jobs(
            app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
        )
        names = [job.name for job in jobs]
        assert {
            "expire_unpaid_orders",
            "purge_idempotency_keys",
            "purge_deleted_accounts",
            "purge_unattached_images",
            "complete_shipped_orders",
            "expire_offers",
            "match_saved_searches",
            "check_certificates",
            "refresh_facet_counts",
            "render_documents",
            "issue_due_invoices",
        } == set(names)
        assert len({job.lock_id for job in jobs}) == len(names)


class TestReservation:
    @staticmethod
    async def _place(
        app: FastAPI,
        session: AsyncSession,
        buyer_id: uuid.UUID,
        listing: stock.Listing,
        quantity: str,
    ) -> Transaction:
        order = service.Order(Decimal(quantity), listing.price, None, listing.quantity)
        state = app.state
        return await service.place_order(
            session, state.settings, state.cache, buyer_id, listing, order, None
        )

    async def test_only_on_the_terms_read(self, app: FastAPI, session: AsyncSession) -> None:
        seller = await make_user(session)
        buyer = await make_user(session)
        material = await make_material(session, seller, quantity=Decimal("5"))
        listed_at = material.created_at
        listing = await stock.get_listing(session, material.id)
        assert listing is not None
        material.price = Decimal("9.00")  # the seller edits the price meanwhile
        await session.flush()
        with pytest.raises(ListingChanged):
            await self._place(app, session, buyer.id, listing, "1")
        # Nothing taken, nothing recorded.
        assert (
            await session.scalar(select(Transaction.id).where(Transaction.buyer_id == buyer.id))
            is None
        )
        fresh = await stock.get_listing(session, material.id)
        assert fresh is not None
        placed = await self._place(app, session, buyer.id, fresh, "5")  # all 5 taken
        assert (placed.status, placed.quantity, placed.refunded_amount) == (
            "pending",
            Decimal("5.000"),
            Decimal("0.00"),
        )
        await session.refresh(material)
        assert (material.quantity, material.status) == (Decimal("0"), "sold_out")
        # The listing's other columns are as they were (the order's values share some of their
        # names): only quantity and status moved.
        assert (material.seller_id, material.price, material.unit, material.created_at) == (
            seller.id,
            Decimal("9.00"),
            fresh.unit,
            listed_at,
        )
        with pytest.raises(InsufficientQuantity):
            await service._refused(session, fresh, Decimal("1"))
        material.deleted_at = datetime.now(UTC)
        await session.flush()
        with pytest.raises(MaterialNotFound):
            await service._refused(session, fresh, Decimal("1"))
