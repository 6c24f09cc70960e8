"""Invoices and credit notes: numbered per seller without gaps, even when a seller's orders
are paid at the same moment; downloaded by the parties once the order is paid."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.invoices import service as invoices
from fabricloop.invoices.models import Document
from fabricloop.materials.models import Material
from fabricloop.transactions.models import Transaction
from tests.asserts import assert_error
from tests.factories import auth_headers, make_material, make_transaction, make_user
from tests.invoices.helpers import invoice_url, pdf_text
from tests.logs import entries
from tests.refunds.helpers import paid_order, refunds_url
from tests.statements import statements_sent
from tests.transactions.helpers import TRANSACTIONS, buy, order


async def numbers(session: AsyncSession, seller: User, kind: str) -> list[int]:
    result = await session.execute(
        select(Document.number)
        .where(Document.seller_id == seller.id, Document.kind == kind)
        .order_by(Document.number)
    )
    return list(result.scalars())


async def test_invoice_for_both_parties(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    first = await paid_order(client, buyer, material, 10)
    second = await paid_order(client, buyer, material, 2)
    assert await numbers(session, seller, "invoice") == [1, 2]
    for user in (buyer, seller):
        response = await client.get(invoice_url(first), headers=auth_headers(user))
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert 'filename="INV-000001.pdf"' in response.headers["content-disposition"]
    again = await client.get(invoice_url(second), headers=auth_headers(buyer))
    assert 'filename="INV-000002.pdf"' in again.headers["content-disposition"]
    # Another seller's series starts at 1.
    other = await make_user(session)
    other_material = await make_material(session, other)
    await paid_order(client, buyer, other_material, 1)
    assert await numbers(session, other, "invoice") == [1]


async def test_unpaid_others_and_unknown(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    pending = await make_transaction(session, material, buyer)
    response = await client.get(invoice_url(pending.id), headers=auth_headers(seller))
    assert response.status_code == 409
    assert_error(response.json(), "not_paid")
    paid = await paid_order(client, buyer, material, 1)
    stranger = await make_user(session)
    assert (await client.get(invoice_url(paid), headers=auth_headers(stranger))).status_code == 404
    assert (
        await client.get(invoice_url(uuid.uuid4()), headers=auth_headers(buyer))
    ).status_code == 404
    assert (await client.get(invoice_url(paid))).status_code == 401
    assert await numbers(session, seller, "invoice") == [1]


async def test_credit_note_per_refund(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    paid = await paid_order(client, buyer, material, 10)
    refund_ids = []
    for amount in (5, 7.5):
        response = await client.post(
            refunds_url(paid),
            json={"amount": amount, "reason": "Short by a roll"},
            headers=auth_headers(seller),
        )
        assert response.status_code == 201
        refund_ids.append(response.json()["refund_id"])
    assert await numbers(session, seller, "credit_note") == [1, 2]
    url = f"{TRANSACTIONS}/{paid}/credit-notes/{refund_ids[1]}.pdf"
    response = await client.get(url, headers=auth_headers(buyer))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert 'filename="CN-000002.pdf"' in response.headers["content-disposition"]
    unknown = f"{TRANSACTIONS}/{paid}/credit-notes/{uuid.uuid4()}.pdf"
    assert (await client.get(unknown, headers=auth_headers(buyer))).status_code == 404
    other = await paid_order(client, buyer, material, 1)
    crossed = f"{TRANSACTIONS}/{other}/credit-notes/{refund_ids[0]}.pdf"
    assert (await client.get(crossed, headers=auth_headers(buyer))).status_code == 404


async def test_a_document_issued_again_takes_no_number(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    paid = await paid_order(client, buyer, material, 10)
    transaction = await session.get(Transaction, paid)
    assert transaction is not None
    await invoices.number_invoice(session, transaction)
    issued = await invoices.issue_invoice(session, transaction)
    assert issued.number == 1
    refund_id = (
        await client.post(
            refunds_url(paid), json={"amount": 5, "reason": "Short"}, headers=auth_headers(seller)
        )
    ).json()["refund_id"]
    await invoices.issue_credit_note(session, transaction, refund_id, Decimal(5), "Again")
    await paid_order(client, buyer, material, 1)
    assert await numbers(session, seller, "invoice") == [1, 2]
    assert await numbers(session, seller, "credit_note") == [1]


@pytest.mark.concurrency
async def test_numbers_without_gaps_under_concurrency(
    committed_client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    async with committed() as session:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, quantity=Decimal("100"))
        await session.commit()
    orders = [await buy(committed_client, auth_headers(buyer), material.id, 1) for _ in range(6)]
    # One declined among them: its rollback must not leave a hole in the series.
    methods = ["pm_card_visa"] * 5 + ["pm_card_visa_chargeDeclined"]
    responses = await asyncio.gather(
        *(
            committed_client.post(
                "/api/payments",
                json={"transaction_id": order["transaction_id"], "payment_method": method},
                headers=auth_headers(buyer),
            )
            for order, method in zip(orders, methods, strict=True)
        )
    )
    assert sorted(r.status_code for r in responses) == [201] * 5 + [402]
    async with committed() as session:
        assert await numbers(session, seller, "invoice") == [1, 2, 3, 4, 5]


async def test_lines_add_up_to_the_total(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    """Goods and shipping are lines of their own: quantity x unit price is the goods line,
    and the lines add up to the total."""
    order = await make_transaction(
        session,
        material,
        buyer,
        quantity=Decimal("12.5"),
        status="paid",
        unit_price=Decimal("4.20"),
        total=Decimal("77.50"),  # 12.5 x 4.20 = 52.50 + 25.00 shipping
        shipping_price=Decimal("25.00"),
        shipping_method="zone",
        incoterm="DAP",
        lot_code="L-7",
        platform_fee=Decimal("3.88"),
    )
    response = await client.get(invoice_url(order.id), headers=auth_headers(buyer))
    assert response.status_code == 200, response.text
    text = pdf_text(response.content)
    assert f"{material.title}, lot L-7" in text
    assert "12.5 m" in text or f"12.5 {material.unit}" in text
    assert "52.50" in text
    assert "Shipping (DAP)" in text
    assert "25.00" in text
    assert "Total 77.50 EUR" in text
    assert "Maison Éclat" in text
    assert "Tecelagem Ribeiro Lda" in text
    # The commission is the seller's business alone.
    assert "commission" not in text
    seller_copy = pdf_text(
        (await client.get(invoice_url(order.id), headers=auth_headers(seller))).content
    )
    assert "commission on this order is 3.88 EUR" in seller_copy


async def put_company(client: AsyncClient, user: User, **body: str) -> None:
    response = await client.put("/api/account/company", json=body, headers=auth_headers(user))
    assert response.status_code == 200, response.text


async def test_parties_as_they_were_when_issued(
    client: AsyncClient, buyer: User, seller: User, material: Material
) -> None:
    """The invoice names both companies by their details (legal name, address, registration
    and VAT numbers) and the buyer's purchase order, as they stood when it was issued."""
    await put_company(
        client,
        seller,
        legal_name="Tecelagem Ribeiro, Lda.",
        registration_number="PT-503 123 456",
        vat_number="PT501964843",
        country="PT",
        address="Rua do Ouro 12, 4000-001 Porto",
    )
    await put_company(
        client,
        buyer,
        legal_name="Maison Éclat SAS",
        registration_number="RCS Paris 123 456 789",
        vat_number="FR40303265045",
        country="FR",
        address="12 rue de Rivoli, 75004 Paris",
    )
    order = await buy(
        client, auth_headers(buyer), material.id, 4, purchase_order_reference=" PO-2026-0042 "
    )
    detail = await client.get(
        f"{TRANSACTIONS}/{order['transaction_id']}", headers=auth_headers(buyer)
    )
    assert detail.json()["purchase_order_reference"] == "PO-2026-0042"
    paid = await client.post(
        "/api/payments",
        json={"transaction_id": order["transaction_id"], "payment_method": "pm_card_visa"},
        headers=auth_headers(buyer),
    )
    assert paid.status_code == 201, paid.text
    # Details changed after the invoice was issued do not rewrite it.
    await put_company(
        client,
        buyer,
        legal_name="Renamed SAS",
        registration_number="RCS Paris 123 456 789",
        country="FR",
        address="1 place Vendôme, 75001 Paris",
    )
    response = await client.get(invoice_url(order["transaction_id"]), headers=auth_headers(buyer))
    text = pdf_text(response.content)
    for expected in (
        "Tecelagem Ribeiro, Lda.",
        "Rua do Ouro 12, 4000-001 Porto",
        "VAT no. PT501964843",
        "Maison Éclat SAS",
        "12 rue de Rivoli, 75004 Paris",
        "VAT no. FR40303265045",
        "Registration no. RCS Paris 123 456 789",
        "Your purchase order: PO-2026-0042",
        "Delivery address",
    ):
        assert expected in text, expected
    assert "Renamed" not in text


async def test_the_parties_are_named_by_the_statement_that_issues_it(
    client: AsyncClient, session: AsyncSession, buyer: User, seller: User, material: Material
) -> None:
    """The issuing statement reads the companies itself: one statement, each party a line per
    detail, the VAT line only with a VAT number, and none for a party without details."""
    await put_company(
        client,
        seller,
        legal_name="Tecelagem Ribeiro, Lda. 'O'; DROP TABLE companies;--",
        registration_number="PT-503 123 456",
        vat_number="PT501964843",
        country="PT",
        address="Rua do Ouro 12\n4000-001 Porto ☃",
    )
    await put_company(
        client,
        buyer,
        legal_name="Maison Éclat SAS",
        registration_number="RCS Paris 123 456 789",
        country="FR",
        address="12 rue de Rivoli, 75004 Paris",
    )
    paid = await make_transaction(session, material, buyer, status="paid")
    stranger = await make_user(session, role="brand")
    unknown = await make_transaction(session, material, stranger, status="paid")
    async with statements_sent(session) as sent:
        assert await invoices.number_invoice(session, paid)
    assert len(sent) == 1
    await invoices.number_invoice(session, unknown)
    issued = await invoices.issue_invoice(session, paid)
    assert issued.seller_party == (
        "Tecelagem Ribeiro, Lda. 'O'; DROP TABLE companies;--\n"
        "Rua do Ouro 12\n4000-001 Porto ☃\nPT\nRegistration no. PT-503 123 456\n"
        "VAT no. PT501964843"
    )
    assert issued.buyer_party == (
        "Maison Éclat SAS\n12 rue de Rivoli, 75004 Paris\nFR\n"
        "Registration no. RCS Paris 123 456 789"
    )
    other = await invoices.issue_invoice(session, unknown)
    assert other.seller_party == issued.seller_party
    assert other.buyer_party is None


@pytest.mark.parametrize("reference", ["x" * 65, "PO\x001", "PO\n1", 42])
async def test_bad_purchase_order_reference(
    client: AsyncClient, buyer: User, material: Material, reference: object
) -> None:
    response = await client.post(
        TRANSACTIONS,
        json=order(material.id, purchase_order_reference=reference),
        headers=auth_headers(buyer),
    )
    assert response.status_code == 422
    assert_error(response.json(), "validation_error")


@pytest.mark.concurrency
@dataclass
class Paying:
    """A seller's second payment, in flight while the test holds the seller's counter row."""

    seller: User
    order_id: uuid.UUID
    task: asyncio.Task[Response]


@contextlib.asynccontextmanager
async def paying_while_the_counter_is_held(
    app: FastAPI, client: AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Paying]:
    """A seller with one paid order (invoice 1), and the payment of a second started while
    the seller's counter row is held; released as the block ends."""
    async with committed() as session:
        seller = await make_user(session)
        buyer = await make_user(session, role="brand")
        material = await make_material(session, seller, quantity=Decimal("100"))
        await session.commit()
    first = await buy(client, auth_headers(buyer), material.id, 1)
    second = await buy(client, auth_headers(buyer), material.id, 1)
    payment = {"transaction_id": first["transaction_id"], "payment_method": "pm_card_visa"}
    paid = await client.post("/api/payments", json=payment, headers=auth_headers(buyer))
    assert paid.status_code == 201
    async with app.state.engine.connect() as holder:
        await holder.execute(
            text("SELECT 1 FROM document_counters WHERE seller_id = :s FOR UPDATE"),
            {"s": seller.id},
        )
        payment["transaction_id"] = second["transaction_id"]
        task = asyncio.create_task(
            client.post("/api/payments", json=payment, headers=auth_headers(buyer))
        )
        yield Paying(seller, uuid.UUID(second["transaction_id"]), task)
        await holder.rollback()


async def test_a_payment_commits_while_its_sellers_counter_is_held(
    app: FastAPI,
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
) -> None:
    """The invoice is numbered after the payment commits, in a statement of its own: a
    payment never waits for the seller's counter row (other payments of the seller hold it
    only while their own invoice statement runs), and the invoice follows once it is free."""
    async with paying_while_the_counter_is_held(app, committed_client, committed) as paying:
        status = None
        for _ in range(200):  # the order is paid, for everyone, while the counter is held
            async with committed() as session:
                order = await session.get(Transaction, paying.order_id)
                status = order.status if order is not None else None
            if status == "paid":
                break
            await asyncio.sleep(0.05)
        assert status == "paid"
        assert not paying.task.done()  # its invoice waits for the counter
    assert (await asyncio.wait_for(paying.task, 30)).status_code == 201
    async with committed() as session:
        assert await numbers(session, paying.seller, "invoice") == [1, 2]


async def test_an_invoice_statement_that_fails_after_the_commit_is_left_to_the_sweep(
    app: FastAPI,
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    log_file: Path,
) -> None:
    """The payment has committed when its invoice statement fails (cancelled here while it
    waits for the counter row): the buyer is answered 201, the failure is logged, no number
    is taken, and the sweep issues the invoice with the next number."""
    async with paying_while_the_counter_is_held(app, committed_client, committed) as paying:
        cancelled = False
        for _ in range(200):
            async with committed() as session:
                cancelled = bool(
                    await session.scalar(
                        text(
                            "SELECT bool_or(pg_cancel_backend(pid)) FROM pg_stat_activity"
                            " WHERE wait_event_type = 'Lock'"
                            " AND query LIKE '%INTO document_counters%'"
                        )
                    )
                )
            if cancelled:
                break
            await asyncio.sleep(0.05)
        assert cancelled
        response = await asyncio.wait_for(paying.task, 30)
    assert response.status_code == 201
    logged = entries(log_file, response.headers["x-request-id"])
    assert "after-commit action failed" in [e["event"] for e in logged]
    async with committed() as session:
        order = await session.get(Transaction, paying.order_id)
        assert order is not None
        assert order.status == "paid"
        assert await numbers(session, paying.seller, "invoice") == [1]
        assert await invoices.issue_due(session, datetime.now(UTC) + timedelta(minutes=2)) == 1
        await session.commit()
        assert await numbers(session, paying.seller, "invoice") == [1, 2]


async def _sessions_waiting_on_a_lock(committed: async_sessionmaker[AsyncSession]) -> int:
    async with committed() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(waiting or 0)


async def _until_waiting_on_a_lock(
    committed: async_sessionmaker[AsyncSession], sessions: int
) -> None:
    for _ in range(200):
        if await _sessions_waiting_on_a_lock(committed) == sessions:
            return
        await asyncio.sleep(0.05)
    assert await _sessions_waiting_on_a_lock(committed) == sessions


@pytest.mark.concurrency
async def test_a_download_while_the_payment_numbers_its_invoice(
    app: FastAPI,
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
) -> None:
    """The seller downloads the invoice in the moment between the payment's commit and its
    invoice: both wait for the counter row; the payment's statement numbers the invoice, the
    download's then meets it on the unique index and reads it. One invoice, no number lost."""
    async with paying_while_the_counter_is_held(app, committed_client, committed) as paying:
        await _until_waiting_on_a_lock(committed, 1)  # the payment's invoice statement
        downloading = asyncio.create_task(
            committed_client.get(invoice_url(paying.order_id), headers=auth_headers(paying.seller))
        )
        await _until_waiting_on_a_lock(committed, 2)  # the download waits behind it
    assert (await asyncio.wait_for(paying.task, 30)).status_code == 201
    download = await asyncio.wait_for(downloading, 30)
    assert download.status_code == 200, download.text
    assert 'filename="INV-000002.pdf"' in download.headers["content-disposition"]
    async with committed() as session:
        assert await numbers(session, paying.seller, "invoice") == [1, 2]


@pytest.mark.concurrency
async def test_the_sweep_meeting_a_late_invoice_goes_on_without_it(
    app: FastAPI,
    committed_client: AsyncClient,
    committed: async_sessionmaker[AsyncSession],
) -> None:
    """A payment's invoice statement still waits for the counter row when the sweep comes
    (as if it had waited a minute): the sweep's statement queues behind it, then meets its
    invoice on the unique index. The sweep's savepoint gives that one up, its number unused,
    and the job's transaction commits. One invoice, no number lost."""
    async with paying_while_the_counter_is_held(app, committed_client, committed) as paying:
        await _until_waiting_on_a_lock(committed, 1)  # the payment's invoice statement

        async def sweep() -> int:
            async with committed() as session:
                later = datetime.now(UTC) + timedelta(minutes=2)
                issued = await invoices.issue_due(session, later)
                await session.commit()
                return issued

        sweeping = asyncio.create_task(sweep())
        await _until_waiting_on_a_lock(committed, 2)  # the sweep's statement behind it
    assert (await asyncio.wait_for(paying.task, 30)).status_code == 201
    assert await asyncio.wait_for(sweeping, 30) == 0
    async with committed() as session:
        assert await numbers(session, paying.seller, "invoice") == [1, 2]
