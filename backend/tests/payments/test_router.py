import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from fabricloop.payments.models import IdempotencyKey, Payment
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.statements import statements_sent
from tests.transactions.helpers import buy

PAYMENTS = "/api/payments"


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    return await make_material(session, seller, price=Decimal("12.35"))


@pytest.fixture
async def pending(session: AsyncSession, material: Material, buyer: User) -> Transaction:
    return await make_transaction(session, material, buyer, quantity=Decimal("3"))


@pytest.fixture
async def theirs(session: AsyncSession, material: Material) -> Transaction:
    """A pending order of another buyer's."""
    return await make_transaction(session, material, await make_user(session, role="brand"))


async def payments_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[Payment]:
    result = await session.execute(
        select(Payment)
        .where(Payment.transaction_id == transaction_id)
        .order_by(Payment.created_at)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def reload(session: AsyncSession, transaction: Transaction) -> Transaction:
    await session.refresh(transaction)
    return transaction


def pay_body(transaction: Transaction | uuid.UUID, method: str = "pm_card_visa") -> dict[str, Any]:
    transaction_id = transaction if isinstance(transaction, uuid.UUID) else transaction.id
    return {"transaction_id": str(transaction_id), "payment_method": method}


class TestCreatePayment:
    async def test_success_marks_paid(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        response = await client.post(PAYMENTS, json=pay_body(pending), headers=auth_headers(buyer))
        assert response.status_code == 201, response.text
        data = response.json()
        assert set(data) == {"payment_id", "status", "transaction_id", "amount", "currency"}
        assert data["status"] == "succeeded"
        assert data["transaction_id"] == str(pending.id)
        assert data["amount"] == 37.05
        assert data["currency"] == "EUR"
        transaction = await reload(session, pending)
        assert transaction.status == "paid"
        assert transaction.paid_at is not None
        assert [h["status"] for h in transaction.status_history] == ["pending", "paid"]
        (payment,) = await payments_of(session, pending.id)
        assert str(payment.id) == data["payment_id"]
        assert (payment.status, payment.gateway, payment.amount) == (
            "succeeded",
            "sandbox",
            Decimal("37.05"),
        )
        assert payment.payer_id == buyer.id

    @pytest.mark.parametrize(
        ("method", "decline_code"),
        [
            ("pm_card_visa_chargeDeclined", "generic_decline"),
            ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
            ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
        ],
    )
    async def test_decline(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        method: str,
        decline_code: str,
    ) -> None:
        response = await client.post(
            PAYMENTS, json=pay_body(pending, method), headers=auth_headers(buyer)
        )
        assert response.status_code == 402
        error = response.json()["error"]
        assert_error(response.json(), "payment_failed")
        assert error["decline_code"] == decline_code
        assert error["message"]
        (payment,) = await payments_of(session, pending.id)
        assert error["payment_id"] == str(payment.id)
        assert (payment.status, payment.decline_code) == ("failed", decline_code)
        assert (await reload(session, pending)).status == "pending"
        # A declined buyer may try another card.
        retry = await client.post(PAYMENTS, json=pay_body(pending), headers=auth_headers(buyer))
        assert retry.status_code == 201
        assert len(await payments_of(session, pending.id)) == 2

    async def test_authentication_required(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        response = await client.post(
            PAYMENTS,
            json=pay_body(pending, "pm_card_authenticationRequired"),
            headers=auth_headers(buyer),
        )
        assert response.status_code == 202
        data = response.json()
        assert data["status"] == "requires_action"
        assert data["amount"] == 37.05
        assert (await reload(session, pending)).status == "pending"
        (payment,) = await payments_of(session, pending.id)
        assert payment.status == "requires_action"

    async def test_unknown_payment_method(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        response = await client.post(
            PAYMENTS, json=pay_body(pending, "pm_card_nonexistent"), headers=auth_headers(buyer)
        )
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "payment_method"
        assert await payments_of(session, pending.id) == []

    async def test_only_the_buyer(
        self,
        client: AsyncClient,
        session: AsyncSession,
        seller: User,
        pending: Transaction,
    ) -> None:
        stranger = await make_user(session)
        for who in (seller, stranger):
            response = await client.post(
                PAYMENTS, json=pay_body(pending), headers=auth_headers(who)
            )
            assert response.status_code == 404
            assert_error(response.json(), "not_found")
        assert (await reload(session, pending)).status == "pending"
        assert await payments_of(session, pending.id) == []

    async def test_unknown_transaction(self, client: AsyncClient, buyer: User) -> None:
        response = await client.post(
            PAYMENTS, json=pay_body(uuid.uuid4()), headers=auth_headers(buyer)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("status", "code"),
        [
            ("paid", "already_paid"),
            ("shipped", "already_paid"),
            ("completed", "already_paid"),
            ("cancelled", "invalid_transition"),
        ],
    )
    async def test_not_pending(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        material: Material,
        status: str,
        code: str,
    ) -> None:
        transaction = await make_transaction(session, material, buyer, status=status)
        response = await client.post(
            PAYMENTS, json=pay_body(transaction), headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), code)
        assert await payments_of(session, transaction.id) == []

    async def test_expired_order_is_cancelled_not_charged(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
    ) -> None:
        material = await make_material(session, seller, quantity=Decimal("4"))
        created = await buy(client, auth_headers(buyer), material.id, 4)
        transaction_id = uuid.UUID(created["transaction_id"])
        await session.execute(
            update(Transaction)
            .where(Transaction.id == transaction_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        response = await client.post(
            PAYMENTS, json=pay_body(transaction_id), headers=auth_headers(buyer)
        )
        assert response.status_code == 409
        assert_error(response.json(), "invalid_transition")
        transaction = await session.get(Transaction, transaction_id, populate_existing=True)
        assert transaction is not None
        assert transaction.status == "cancelled"
        await session.refresh(material)
        assert (material.quantity, material.status) == (Decimal("4"), "active")
        assert await payments_of(session, transaction_id) == []

    @pytest.mark.parametrize(
        "body",
        [
            {"payment_method": "pm_card_visa"},
            {"transaction_id": "not-a-uuid", "payment_method": "pm_card_visa"},
            {"transaction_id": "TX"},
            {"transaction_id": "TX", "payment_method": "tok_visa"},
            {"transaction_id": "TX", "payment_method": ""},
            {"transaction_id": "TX", "payment_method": "pm_" + "x" * 253},
            {"transaction_id": "TX", "payment_method": "pm_card_visa'; DROP TABLE payments; --"},
            {"transaction_id": "TX", "payment_method": 42},
            {"transaction_id": "TX", "payment_method": "pm_card_visa", "amount": 0.01},
            {"transaction_id": "TX", "payment_method": "pm_card_visa", "status": "succeeded"},
        ],
    )
    async def test_bad_body(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        body: dict[str, Any],
    ) -> None:
        full = {k: str(pending.id) if v == "TX" else v for k, v in body.items()}
        response = await client.post(PAYMENTS, json=full, headers=auth_headers(buyer))
        assert response.status_code == 422
        assert_error(response.json(), "validation_error")
        assert (await reload(session, pending)).status == "pending"
        assert await payments_of(session, pending.id) == []

    async def test_anonymous(self, client: AsyncClient, pending: Transaction) -> None:
        response = await client.post(PAYMENTS, json=pay_body(pending))
        assert response.status_code == 401


class TestIdempotency:
    async def test_success_replayed_without_a_second_charge(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": "order-1-attempt-1"}
        first = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        second = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert len(await payments_of(session, pending.id)) == 1

    @pytest.mark.parametrize(
        ("method", "status"),
        [("pm_card_visa_chargeDeclined", 402), ("pm_card_authenticationRequired", 202)],
    )
    async def test_decline_and_pending_replayed(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        method: str,
        status: int,
    ) -> None:
        """A decline and a payment awaiting 3-D Secure are stored with their answers: the
        same key answers the same again, and no second attempt reaches the gateway."""
        headers = {**auth_headers(buyer), "Idempotency-Key": f"k-{status}"}
        body = pay_body(pending, method)
        first = await client.post(PAYMENTS, json=body, headers=headers)
        second = await client.post(PAYMENTS, json=body, headers=headers)
        assert first.status_code == second.status_code == status
        assert first.json() == second.json()
        assert len(await payments_of(session, pending.id)) == 1
        assert (await reload(session, pending)).status == "pending"

    async def test_other_body_is_422(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-reused"}
        first = await client.post(
            PAYMENTS, json=pay_body(pending, "pm_card_visa_chargeDeclined"), headers=headers
        )
        assert first.status_code == 402
        second = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert second.status_code == 422
        assert_error(second.json(), "idempotency_key_reused")
        assert (await reload(session, pending)).status == "pending"
        assert len(await payments_of(session, pending.id)) == 1

    async def test_keys_are_per_user(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        theirs: Transaction,
    ) -> None:
        other = await session.get(User, theirs.buyer_id)
        assert other is not None
        key = {"Idempotency-Key": "shared-key"}
        mine = await client.post(
            PAYMENTS, json=pay_body(pending), headers={**auth_headers(buyer), **key}
        )
        their = await client.post(
            PAYMENTS, json=pay_body(theirs), headers={**auth_headers(other), **key}
        )
        assert mine.status_code == their.status_code == 201
        assert mine.json()["payment_id"] != their.json()["payment_id"]

    async def test_expired_key_is_forgotten(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-old"}
        body = pay_body(pending, "pm_card_visa_chargeDeclined")
        first = await client.post(PAYMENTS, json=body, headers=headers)
        row = (await session.execute(select(IdempotencyKey))).scalar_one()
        assert row.expires_at - row.created_at >= timedelta(hours=24)
        await session.execute(
            update(IdempotencyKey).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        second = await client.post(PAYMENTS, json=body, headers=headers)
        assert second.status_code == 402
        assert second.json()["error"]["payment_id"] != first.json()["error"]["payment_id"]

    @pytest.mark.parametrize("key", ["", "k" * 256])
    async def test_bad_key(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        key: str,
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": key}
        response = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert response.status_code == 400
        assert await payments_of(session, pending.id) == []

    async def test_longest_key(
        self, client: AsyncClient, buyer: User, pending: Transaction
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": "k" * 255}
        response = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert response.status_code == 201

    async def test_a_key_reused_on_an_order_not_yours_is_422(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        pending: Transaction,
        theirs: Transaction,
    ) -> None:
        """The answer stored for the key comes first, as for an order of the buyer's: the
        other order is neither found nor paid."""
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-theirs"}
        first = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert first.status_code == 201
        for transaction_id in (theirs.id, uuid.uuid4()):
            second = await client.post(PAYMENTS, json=pay_body(transaction_id), headers=headers)
            assert second.status_code == 422
            assert_error(second.json(), "idempotency_key_reused")
        assert (await reload(session, theirs)).status == "pending"
        assert await payments_of(session, theirs.id) == []

    async def test_not_found_is_replayed(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        """An order not found is remembered for the key like any answer: the same request
        answers 404 again, another one 422."""
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-missing"}
        missing = pay_body(uuid.uuid4())
        first = await client.post(PAYMENTS, json=missing, headers=headers)
        second = await client.post(PAYMENTS, json=missing, headers=headers)
        assert first.status_code == second.status_code == 404
        assert first.json() == second.json()
        stored = (await session.execute(select(IdempotencyKey))).scalar_one()
        assert stored.response_status == 404
        third = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert third.status_code == 422
        assert (await reload(session, pending)).status == "pending"


class TestGetPayment:
    @pytest.mark.usefixtures("session")
    async def test_parties(
        self,
        client: AsyncClient,
        buyer: User,
        seller: User,
        pending: Transaction,
    ) -> None:
        created = await client.post(
            PAYMENTS,
            json=pay_body(pending, "pm_card_visa_chargeDeclinedInsufficientFunds"),
            headers=auth_headers(buyer),
        )
        payment_id = created.json()["error"]["payment_id"]
        for who in (buyer, seller):
            response = await client.get(f"{PAYMENTS}/{payment_id}", headers=auth_headers(who))
            assert response.status_code == 200
            data = response.json()
            assert data["payment_id"] == payment_id
            assert data["transaction_id"] == str(pending.id)
            assert data["status"] == "failed"
            assert data["decline_code"] == "insufficient_funds"
            assert data["amount"] == 37.05
            assert data["created_at"].endswith("Z")

    async def test_stranger_unknown_and_malformed(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        created = await client.post(PAYMENTS, json=pay_body(pending), headers=auth_headers(buyer))
        stranger = await make_user(session)
        for payment_id, who in [
            (created.json()["payment_id"], stranger),
            (str(uuid.uuid4()), buyer),
            ("nope", buyer),
        ]:
            response = await client.get(f"{PAYMENTS}/{payment_id}", headers=auth_headers(who))
            assert response.status_code == 404

    async def test_anonymous(self, client: AsyncClient) -> None:
        assert (await client.get(f"{PAYMENTS}/{uuid.uuid4()}")).status_code == 401


class TestPaymentConfig:
    async def test_sandbox(self, client: AsyncClient) -> None:
        response = await client.get("/api/payments/config")
        assert response.status_code == 200
        assert response.json() == {"gateway": "sandbox", "stripe_publishable_key": None}

    async def test_stripe_gives_its_publishable_key_only(
        self, client: AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # On the settings object, not on app.state: pytest's undo restores only what an
        # object keeps in its __dict__, and Starlette's State keeps nothing there, so undoing
        # a setattr on app.state deleted the app's settings for every later test.
        for name, value in (
            ("stripe_secret_key", "sk_test_secret"),
            ("stripe_webhook_secret", "whsec_secret"),
            ("stripe_publishable_key", "pk_test_public"),
        ):
            monkeypatch.setattr(app.state.settings, name, value)
        response = await client.get("/api/payments/config")
        assert response.json() == {"gateway": "stripe", "stripe_publishable_key": "pk_test_public"}
        assert "secret" not in response.text


class TestStatements:
    @staticmethod
    def _sent(sent: list[str]) -> list[str]:
        """Each statement's beginning, the test's savepoints left out."""
        words = [" ".join(statement.split()[:3]) for statement in sent]
        return [w for w in words if not w.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]

    async def test_a_keyed_payment_is_five_statements(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        """Who asks; the key's lock; the order's lock; its attempts with the key's stored
        answer; and the statement that makes it paid, writing the payment, the key's answer,
        the ledger entries and the seller's notification. Then the invoice, committed apart."""
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-statements"}
        async with statements_sent(session) as sent:
            response = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert response.status_code == 201, response.text
        assert self._sent(sent) == [
            "SELECT users.email, users.password_hash,",
            "SELECT pg_try_advisory_xact_lock($1) AS",
            "SELECT transactions.material_id, transactions.buyer_id,",
            "SELECT attempts.attempts, idempotency_keys.request_hash,",
            "WITH payment_added AS",
            "WITH counter AS",
        ]
        (payment,) = await payments_of(session, pending.id)
        assert (payment.id, payment.status) == (
            uuid.UUID(response.json()["payment_id"]),
            "succeeded",
        )
        assert (await reload(session, pending)).status == "paid"
        # Its replay: the locks and the stored answer, nothing written.
        async with statements_sent(session) as sent:
            again = await client.post(PAYMENTS, json=pay_body(pending), headers=headers)
        assert (again.status_code, again.json()) == (201, response.json())
        assert self._sent(sent) == [
            "SELECT users.email, users.password_hash,",
            "SELECT pg_try_advisory_xact_lock($1) AS",
            "SELECT transactions.material_id, transactions.buyer_id,",
            "SELECT attempts.attempts, idempotency_keys.request_hash,",
        ]

    async def test_a_declined_payment_is_stored_with_its_answer(
        self, client: AsyncClient, session: AsyncSession, buyer: User, pending: Transaction
    ) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": "k-declined"}
        body = pay_body(pending, "pm_card_visa_chargeDeclined")
        async with statements_sent(session) as sent:
            response = await client.post(PAYMENTS, json=body, headers=headers)
        assert response.status_code == 402
        assert self._sent(sent)[-1] == "WITH saved_key AS"
        (payment,) = await payments_of(session, pending.id)
        assert payment.status == "failed"
        assert (await reload(session, pending)).status == "pending"
