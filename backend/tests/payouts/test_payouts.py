"""Connected accounts, payouts on completion (by the buyer or the auto-complete job), the
balance held until onboarding completes, and reversals after a refund."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from fabricloop.payments.gateway import GatewayUnavailable, TransferRequest
from fabricloop.payments.sandbox import SandboxGateway
from fabricloop.payouts import service as payouts
from fabricloop.payouts.models import Payout
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_user
from tests.payments.helpers import gateway_swapped
from tests.refunds.helpers import assert_ledger_balances, detail, paid_order, refunds_url
from tests.transactions.helpers import TRANSACTIONS

ACCOUNT = "/api/payouts/account"
COMPLETE = "/api/payouts/account/sandbox/complete"
PAYOUTS = "/api/payouts"


async def status(client: AsyncClient, user: User, transaction_id: uuid.UUID, to: str) -> None:
    response = await client.post(
        f"{TRANSACTIONS}/{transaction_id}/status", json={"status": to}, headers=auth_headers(user)
    )
    assert response.status_code == 200, response.text


async def onboard(client: AsyncClient, seller: User) -> None:
    started = await client.post(ACCOUNT, headers=auth_headers(seller))
    assert started.status_code == 201, started.text
    done = await client.post(COMPLETE, headers=auth_headers(seller))
    assert done.status_code == 200, done.text


async def shipped_order(
    client: AsyncClient, buyer: User, seller: User, material: Material, quantity: int = 10
) -> uuid.UUID:
    transaction_id = await paid_order(client, buyer, material, quantity)
    await status(client, seller, transaction_id, "shipped")
    return transaction_id


async def payout_rows(session: AsyncSession) -> list[Payout]:
    result = await session.execute(select(Payout).execution_options(populate_existing=True))
    return list(result.scalars())


class TestAccount:
    async def test_not_started_then_pending_then_enabled(
        self, client: AsyncClient, seller: User
    ) -> None:
        got = await client.get(ACCOUNT, headers=auth_headers(seller))
        assert got.json() == {"status": "not_started", "payouts_enabled": False}
        started = await client.post(ACCOUNT, headers=auth_headers(seller))
        assert started.status_code == 201
        body = started.json()
        assert body["status"] == "pending"
        assert "/sandbox/onboarding?account=acct_sandbox_" in body["onboarding_url"]
        again = await client.post(ACCOUNT, headers=auth_headers(seller))
        assert again.status_code == 201  # a fresh link to the same account
        assert again.json()["onboarding_url"] == body["onboarding_url"]
        got = await client.get(ACCOUNT, headers=auth_headers(seller))
        assert got.json() == {"status": "pending", "payouts_enabled": False}
        done = await client.post(COMPLETE, headers=auth_headers(seller))
        assert done.json() == {"status": "enabled", "payouts_enabled": True}
        enabled = await client.post(ACCOUNT, headers=auth_headers(seller))
        assert enabled.status_code == 409
        assert_error(enabled.json(), "account_already_enabled")

    async def test_brand_is_403(self, client: AsyncClient, buyer: User) -> None:
        for method, url in (
            ("POST", ACCOUNT),
            ("GET", ACCOUNT),
            ("POST", COMPLETE),
            ("GET", PAYOUTS),
        ):
            response = await client.request(method, url, headers=auth_headers(buyer))
            assert response.status_code == 403, (method, url)
            assert_error(response.json(), "forbidden")

    async def test_complete_without_account_is_404(self, client: AsyncClient, seller: User) -> None:
        response = await client.post(COMPLETE, headers=auth_headers(seller))
        assert response.status_code == 404

    async def test_complete_with_stripe_is_404(
        self, app: FastAPI, client: AsyncClient, seller: User
    ) -> None:
        from fabricloop.payments.stripe_gateway import StripeGateway

        with gateway_swapped(app, StripeGateway("sk_test_unused")):
            response = await client.post(COMPLETE, headers=auth_headers(seller))
        assert response.status_code == 404

    async def test_anonymous(self, client: AsyncClient) -> None:
        for method, url in (
            ("POST", ACCOUNT),
            ("GET", ACCOUNT),
            ("POST", COMPLETE),
            ("GET", PAYOUTS),
        ):
            assert (await client.request(method, url)).status_code == 401

    async def test_unknown_body_fields_are_ignored_not_trusted(
        self, client: AsyncClient, seller: User
    ) -> None:
        response = await client.post(
            ACCOUNT, json={"status": "enabled"}, headers=auth_headers(seller)
        )
        assert response.status_code == 201
        assert response.json()["status"] == "pending"


class TestPayoutOnCompletion:
    async def test_buyer_confirms_and_the_seller_is_paid(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)
        assert (await detail(client, seller, transaction_id))["payout_status"] == "held"
        await status(client, buyer, transaction_id, "completed")
        data = await detail(client, seller, transaction_id)
        assert data["payout_status"] == "paid"
        (payout,) = await payout_rows(session)
        assert (payout.amount, payout.seller_id) == (Decimal("80.75"), seller.id)
        assert payout.reference.startswith("tr_sandbox_")
        await assert_ledger_balances(session, transaction_id)
        listed = (await client.get(PAYOUTS, headers=auth_headers(seller))).json()
        assert listed["total"] == 1
        assert listed["payouts"][0]["amount"] == 80.75
        assert listed["payouts"][0]["status"] == "paid"
        assert listed["balances"] == [{"currency": "EUR", "held": 0, "scheduled": 0, "paid": 80.75}]

    async def test_held_until_onboarding_completes(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        first = await shipped_order(client, buyer, seller, material, 10)
        second = await shipped_order(client, buyer, seller, material, 2)
        await status(client, buyer, first, "completed")
        await status(client, buyer, second, "completed")
        assert (await detail(client, seller, first))["payout_status"] == "held"
        listed = (await client.get(PAYOUTS, headers=auth_headers(seller))).json()
        assert listed["balances"] == [{"currency": "EUR", "held": 96.9, "scheduled": 0, "paid": 0}]
        assert listed["payouts"] == []
        await onboard(client, seller)
        assert (await detail(client, seller, first))["payout_status"] == "paid"
        assert (await detail(client, seller, second))["payout_status"] == "paid"
        assert sorted(p.amount for p in await payout_rows(session)) == [
            Decimal("16.15"),
            Decimal("80.75"),
        ]
        for transaction_id in (first, second):
            await assert_ledger_balances(session, transaction_id)

    async def test_refund_after_payout_reverses_the_transfer(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)
        await status(client, buyer, transaction_id, "completed")
        response = await client.post(
            refunds_url(transaction_id),
            json={"amount": 25, "reason": "One roll short"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201
        # 60.00 kept: fee 3.00, the seller's share 57.00, so 23.75 of 80.75 comes back.
        data = await detail(client, seller, transaction_id)
        assert (data["seller_payout"], data["payout_status"]) == (57.0, "paid")
        (payout,) = await payout_rows(session)
        assert payout.reversed_amount == Decimal("23.75")
        await assert_ledger_balances(session, transaction_id)
        rest = await client.post(
            refunds_url(transaction_id), json={"reason": "All of it"}, headers=auth_headers(seller)
        )
        assert rest.status_code == 201
        data = await detail(client, seller, transaction_id)
        assert (data["status"], data["payout_status"]) == ("completed", "reversed")
        await assert_ledger_balances(session, transaction_id)
        listed = (await client.get(PAYOUTS, headers=auth_headers(seller))).json()
        assert listed["payouts"][0]["status"] == "reversed"
        assert listed["payouts"][0]["amount"] == 0

    async def test_transfer_failure_is_scheduled_and_retried(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)

        class Down(SandboxGateway):
            async def transfer(self, request: TransferRequest) -> str:  # noqa: ARG002
                raise GatewayUnavailable("down")

        with gateway_swapped(app, Down()):
            await status(client, buyer, transaction_id, "completed")
        data = await detail(client, seller, transaction_id)
        assert (data["status"], data["payout_status"]) == ("completed", "scheduled")
        await assert_ledger_balances(session, transaction_id)
        done = await payouts.complete_overdue(
            session, settings=app.state.settings, gateway=app.state.payment_gateway
        )
        assert done == 1
        assert (await detail(client, seller, transaction_id))["payout_status"] == "paid"
        await assert_ledger_balances(session, transaction_id)


class TestAutoComplete:
    async def test_completes_after_the_days_and_pays(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)
        settings = app.state.settings
        gateway = app.state.payment_gateway
        now = datetime.now(UTC)
        early = now + timedelta(days=settings.auto_complete_days) - timedelta(minutes=1)
        assert (
            await payouts.complete_overdue(session, settings=settings, gateway=gateway, now=early)
            == 0
        )
        assert (await detail(client, buyer, transaction_id))["status"] == "shipped"
        late = now + timedelta(days=settings.auto_complete_days, minutes=1)
        assert (
            await payouts.complete_overdue(session, settings=settings, gateway=gateway, now=late)
            == 1
        )
        data = await detail(client, seller, transaction_id)
        assert (data["status"], data["payout_status"]) == ("completed", "paid")
        assert data["status_history"][-1]["status"] == "completed"
        await assert_ledger_balances(session, transaction_id)

    async def test_an_open_dispute_holds_it(
        self,
        app: FastAPI,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        from fabricloop.disputes import service as disputes

        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)
        transaction = await session.get(Transaction, transaction_id)
        assert transaction is not None
        await disputes.open_card_dispute(session, transaction, "dp_test_1", "fraudulent")
        late = datetime.now(UTC) + timedelta(days=365)
        settings, gateway = app.state.settings, app.state.payment_gateway
        assert (
            await payouts.complete_overdue(session, settings=settings, gateway=gateway, now=late)
            == 0
        )
        assert (await detail(client, seller, transaction_id))["payout_status"] == "held"


class TestListPayouts:
    @pytest.mark.usefixtures("session")
    async def test_pagination_and_bad_query(self, client: AsyncClient, seller: User) -> None:
        ok = await client.get(
            PAYOUTS, params={"page": 1, "limit": 500}, headers=auth_headers(seller)
        )
        assert ok.status_code == 200
        assert (ok.json()["limit"], ok.json()["total"], ok.json()["balances"]) == (100, 0, [])
        bad = await client.get(PAYOUTS, params={"page": "x"}, headers=auth_headers(seller))
        assert bad.status_code == 400

    async def test_only_your_own(
        self,
        client: AsyncClient,
        session: AsyncSession,
        buyer: User,
        seller: User,
        material: Material,
    ) -> None:
        await onboard(client, seller)
        transaction_id = await shipped_order(client, buyer, seller, material)
        await status(client, buyer, transaction_id, "completed")
        other = await make_user(session)
        listed = (await client.get(PAYOUTS, headers=auth_headers(other))).json()
        assert (listed["total"], listed["payouts"], listed["balances"]) == (0, [], [])


async def test_reconcile_after_payouts(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    await onboard(client, seller)
    transaction_id = await shipped_order(client, buyer, seller, material)
    await status(client, buyer, transaction_id, "completed")
    checked, found = await ledger.reconcile(session)
    assert (checked, found) == (1, [])
    await session.execute(
        update(Transaction).where(Transaction.id == transaction_id).values(payout_status="held")
    )
    checked, found = await ledger.reconcile(session)
    assert [d.transaction_id for d in found] == [transaction_id]
