"""The disputes console: the queue with each dispute's order and thread, an operator in the
dispute's thread, and the decision carried out through refunds and payouts with the ledger
balanced, both parties told and the audit log written."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.disputes.models import Dispute
from fabricloop.ledger import service as ledger
from fabricloop.materials.models import Material
from fabricloop.refunds.models import Refund
from tests.asserts import assert_error
from tests.certificates.helpers import audit_actions, kinds
from tests.factories import (
    auth_headers,
    enable_payouts,
    make_admin,
    make_material,
    make_user,
    open_dispute,
    shipped_order,
)
from tests.refunds.helpers import assert_ledger_balances, detail, refunds_url

ADMIN = "/api/admin/disputes"


@pytest.fixture
async def material(session: AsyncSession) -> Material:
    seller = await make_user(session, company_name="Porto Mill")
    # 10 units at 12.50: a 125.00 order
    return await make_material(session, seller, quantity=Decimal("100"), price=Decimal("12.50"))


@dataclass(frozen=True)
class Case:
    """A shipped, paid order its buyer disputes, and an operator to decide it."""

    client: AsyncClient
    session: AsyncSession
    buyer: User
    seller: User
    admin: User
    transaction_id: uuid.UUID
    dispute_id: str

    async def resolve(self, user: User | None = None, **body: Any) -> Response:
        headers = auth_headers(user or self.admin)
        url = f"{ADMIN}/{self.dispute_id}/resolve"
        return await self.client.post(url, json=body, headers=headers)

    async def order(self) -> dict[str, Any]:
        return await detail(self.client, self.seller, self.transaction_id)

    async def balanced(self) -> None:
        """This order's ledger, and `fabricloop reconcile`'s check over every order."""
        await assert_ledger_balances(self.session, self.transaction_id)
        _, found = await ledger.reconcile(self.session)
        assert found == []

    async def dispute_status(self) -> str:
        row = await self.session.get(Dispute, uuid.UUID(self.dispute_id), populate_existing=True)
        assert row is not None
        return row.status


async def dispute(
    client: AsyncClient, session: AsyncSession, material: Material, *, payouts: bool = True
) -> Case:
    seller = await session.get(User, material.seller_id)
    assert seller is not None
    buyer = await make_user(session, role="brand", company_name="Brand Co")
    if payouts:
        await enable_payouts(client, seller)
    transaction_id = await shipped_order(client, buyer, seller, material)
    opened = await open_dispute(client, buyer, transaction_id)
    admin = await make_admin(session)
    return Case(client, session, buyer, seller, admin, transaction_id, opened["dispute_id"])


@pytest.fixture
async def case(client: AsyncClient, session: AsyncSession, material: Material) -> Case:
    """The seller can be paid out."""
    return await dispute(client, session, material)


async def queue(case: Case, status: str) -> list[dict[str, Any]]:
    response = await case.client.get(f"{ADMIN}?status={status}", headers=auth_headers(case.admin))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["disputes"]
    return found


class TestQueue:
    async def test_open_disputes_with_order_and_thread(self, case: Case) -> None:
        said = await case.client.post(
            f"/api/disputes/{case.dispute_id}/messages",
            json={"content": "The pallet was left in the rain — photos attached."},
            headers=auth_headers(case.buyer),
        )
        assert said.status_code == 201
        found = next(c for c in await queue(case, "open") if c["dispute_id"] == case.dispute_id)
        assert found["details"].startswith("Two rolls arrived wet")
        assert [m["author_role"] for m in found["messages"]] == ["buyer"]
        order = found["order"]
        assert order["transaction_id"] == str(case.transaction_id)
        assert (order["status"], order["payout_status"]) == ("shipped", "held")
        assert (order["total"], order["refundable"]) == (125.0, 125.0)
        assert order["buyer"]["company_name"] == "Brand Co"
        assert order["seller"]["company_name"] == "Porto Mill"
        assert [s["status"] for s in order["status_history"]][-1] == "shipped"

    async def test_resolved_ones_leave_the_open_queue(self, case: Case) -> None:
        assert (await case.resolve(outcome="release")).status_code == 200
        assert case.dispute_id not in [c["dispute_id"] for c in await queue(case, "open")]
        resolved = await queue(case, "resolved")
        assert case.dispute_id in [c["dispute_id"] for c in resolved]

    async def test_bad_status_is_400(self, case: Case) -> None:
        response = await case.client.get(f"{ADMIN}?status=closed", headers=auth_headers(case.admin))
        assert response.status_code == 400

    async def test_operator_reads_and_writes_in_the_thread(self, case: Case) -> None:
        url = f"/api/disputes/{case.dispute_id}"
        read = await case.client.get(url, headers=auth_headers(case.admin))
        assert read.status_code == 200
        wrote = await case.client.post(
            f"{url}/messages",
            json={"content": "Please send the delivery note."},
            headers=auth_headers(case.admin),
        )
        assert wrote.status_code == 201, wrote.text
        assert wrote.json()["author_role"] == "operator"
        thread = await case.client.get(url, headers=auth_headers(case.buyer))
        assert thread.json()["messages"][-1]["author_role"] == "operator"
        one = await case.client.get(f"{ADMIN}/{case.dispute_id}", headers=auth_headers(case.admin))
        assert one.status_code == 200
        assert one.json()["messages"][-1]["content"] == "Please send the delivery note."

    async def test_strangers_still_get_404(self, case: Case) -> None:
        stranger = await make_user(case.session, role="brand")
        url = f"/api/disputes/{case.dispute_id}"
        assert (await case.client.get(url, headers=auth_headers(stranger))).status_code == 404


class TestResolve:
    async def test_refund_full(self, case: Case) -> None:
        response = await case.resolve(outcome="refund_full")
        assert response.status_code == 200, response.text
        data = response.json()
        assert (data["status"], data["outcome"], data["refunded_amount"]) == (
            "resolved",
            "refund_full",
            125.0,
        )
        order = await case.order()
        assert (order["refunded_amount"], order["payout_status"]) == (125.0, "none")
        assert order["status"] == "completed"
        await case.balanced()
        assert "dispute_resolved" in await kinds(case.client, case.buyer)
        assert "dispute_resolved" in await kinds(case.client, case.seller)
        assert await audit_actions(case.client, case.admin, case.dispute_id) == ["dispute.resolve"]

    async def test_refund_partial_pays_the_seller_the_rest(self, case: Case) -> None:
        response = await case.resolve(outcome="refund_partial", amount=25.5)
        assert response.status_code == 200, response.text
        assert response.json()["refunded_amount"] == 25.5
        order = await case.order()
        assert order["refunded_amount"] == 25.5
        assert (order["status"], order["payout_status"]) == ("completed", "paid")
        # 5 % of the 99.50 the buyer kept
        assert (order["platform_fee"], order["seller_payout"]) == (4.98, 94.52)
        await case.balanced()

    async def test_release_pays_the_held_payout(self, case: Case) -> None:
        response = await case.resolve(outcome="release")
        assert response.status_code == 200, response.text
        assert response.json()["refunded_amount"] == 0
        order = await case.order()
        assert (order["refunded_amount"], order["payout_status"]) == (0, "paid")
        refunds = await case.session.scalar(
            select(func.count())
            .select_from(Refund)
            .where(Refund.transaction_id == case.transaction_id)
        )
        assert refunds == 0
        await case.balanced()

    async def test_release_without_a_payout_account_stays_held(
        self, client: AsyncClient, session: AsyncSession, material: Material
    ) -> None:
        unpaid = await dispute(client, session, material, payouts=False)
        assert (await unpaid.resolve(outcome="release")).status_code == 200
        order = await unpaid.order()
        assert (order["status"], order["payout_status"]) == ("completed", "held")
        await unpaid.balanced()

    async def test_resolving_twice_is_409(self, case: Case) -> None:
        assert (await case.resolve(outcome="refund_partial", amount=10)).status_code == 200
        again = await case.resolve(outcome="refund_full")
        assert again.status_code == 409
        assert_error(again.json(), "dispute_resolved")
        assert (await case.order())["refunded_amount"] == 10.0
        await case.balanced()

    async def test_amount_above_what_is_left_is_422_and_changes_nothing(self, case: Case) -> None:
        response = await case.resolve(outcome="refund_partial", amount=125.01)
        assert response.status_code == 422
        assert_error(response.json(), "refund_exceeds_remaining")
        assert await case.dispute_status() == "open"
        order = await case.order()
        assert (order["refunded_amount"], order["status"]) == (0, "shipped")

    @pytest.mark.parametrize(
        "body",
        [
            {"outcome": "refund_partial"},
            {"outcome": "refund_full", "amount": 10},
            {"outcome": "release", "amount": 10},
            {"outcome": "refund_partial", "amount": 0},
            {"outcome": "refund_partial", "amount": -5},
            {"outcome": "refund_partial", "amount": 1.005},
            {"outcome": "refund_partial", "amount": "10"},
            {"outcome": "split"},
            {"outcome": "release", "note": "extra"},
            {},
        ],
    )
    async def test_bad_bodies_are_422(self, case: Case, body: dict[str, Any]) -> None:
        response = await case.resolve(**body)
        assert response.status_code == 422, response.text
        assert await case.dispute_status() == "open"

    async def test_unknown_dispute_is_404(self, case: Case) -> None:
        url = f"{ADMIN}/{uuid.uuid4()}"
        headers = auth_headers(case.admin)
        resolved = await case.client.post(
            f"{url}/resolve", json={"outcome": "release"}, headers=headers
        )
        assert resolved.status_code == 404
        assert (await case.client.get(url, headers=headers)).status_code == 404

    async def test_card_dispute_is_409(self, case: Case) -> None:
        card = Dispute(
            transaction_id=case.transaction_id,
            source="card",
            reason="other",
            details="Card dispute at the payment provider: fraudulent",
            status="open",
            reference=f"dp_{uuid.uuid4().hex}",
        )
        case.session.add(card)
        await case.session.flush()
        response = await case.client.post(
            f"{ADMIN}/{card.id}/resolve",
            json={"outcome": "release"},
            headers=auth_headers(case.admin),
        )
        assert response.status_code == 409
        assert_error(response.json(), "card_dispute")

    @pytest.mark.parametrize("role", ["manufacturer", "brand"])
    async def test_not_an_operator_is_403(self, case: Case, role: str) -> None:
        user = await make_user(case.session, role=role)
        assert (await case.resolve(user, outcome="release")).status_code == 403
        assert (await case.client.get(ADMIN, headers=auth_headers(user))).status_code == 403
        anonymous = await case.client.post(
            f"{ADMIN}/{case.dispute_id}/resolve", json={"outcome": "release"}
        )
        assert anonymous.status_code == 401
        assert await case.dispute_status() == "open"


class TestOperatorRefund:
    async def test_an_operator_refunds_any_order_and_it_is_audited(self, case: Case) -> None:
        url = refunds_url(case.transaction_id)
        response = await case.client.post(
            url,
            json={"amount": 10, "reason": "Goodwill gesture by the marketplace."},
            headers=auth_headers(case.admin),
        )
        assert response.status_code == 201, response.text
        actions = await audit_actions(case.client, case.admin, case.transaction_id)
        assert actions == ["transaction.refund"]
        assert (await case.order())["refunded_amount"] == 10.0
        await case.balanced()
        too_much = await case.client.post(
            url, json={"amount": 200, "reason": "Too much."}, headers=auth_headers(case.admin)
        )
        assert too_much.status_code == 422
        assert_error(too_much.json(), "refund_exceeds_remaining")
        # The buyer still may not refund themselves.
        refused = await case.client.post(
            url, json={"reason": "Mine."}, headers=auth_headers(case.buyer)
        )
        assert refused.status_code == 403
