"""Invoice and credit note PDFs: rendered once into the private storage by the job when they
are issued (or by a download that comes first), then downloaded as stored; what they state
is what stood when they were issued."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.app import periodic_jobs
from fabricloop.auth.models import User
from fabricloop.core.jobs import Job, run_job
from fabricloop.core.storage import Storage, read_if_present
from fabricloop.invoices import service
from fabricloop.invoices.models import Document
from fabricloop.materials.models import Material
from fabricloop.transactions.models import Transaction
from tests.factories import auth_headers, make_transaction
from tests.invoices.helpers import invoice_url, pdf_text
from tests.refunds.helpers import paid_order, refunds_url
from tests.transactions.helpers import TRANSACTIONS


@dataclass
class Files:
    """The job, the private storage and the documents of the test's orders."""

    app: FastAPI
    session: AsyncSession
    job: Job
    issue_job: Job

    @property
    def storage(self) -> Storage:
        storage: Storage = self.app.state.private_storage
        return storage

    async def render(self) -> int | None:
        """One run of the job, as the worker runs it."""
        return await run_job(self.app.state.sessionmaker, self.job)

    async def issue_due(self) -> int | None:
        """One run of the job that issues the invoices a stopped payment left out."""
        return await run_job(self.app.state.sessionmaker, self.issue_job)

    async def of(self, transaction_id: uuid.UUID) -> list[Document]:
        result = await self.session.scalars(
            select(Document)
            .where(Document.transaction_id == transaction_id)
            .order_by(Document.kind.desc(), Document.number)
            .execution_options(populate_existing=True)
        )
        return list(result.all())

    async def stored(self, document: Document, copy: str) -> bytes:
        content = await read_if_present(self.storage, service.file_key(document, copy))
        assert content is not None, f"no stored {copy} copy"
        return content


@pytest.fixture
def files(app: FastAPI, session: AsyncSession) -> Files:
    jobs = {
        j.name: j
        for j in periodic_jobs(
            app.state.cache, app.state.storage, app.state.payment_gateway, app.state.settings
        )
    }
    return Files(app, session, jobs["render_documents"], jobs["issue_due_invoices"])


async def test_rendered_by_the_job_once_then_downloaded_as_stored(
    client: AsyncClient,
    buyer: User,
    seller: User,
    material: Material,
    files: Files,
) -> None:
    order = await paid_order(client, buyer, material, 10)
    [invoice] = await files.of(order)
    assert invoice.rendered_at is None
    assert await read_if_present(files.storage, service.file_key(invoice, "buyer")) is None

    assert await files.render() == 1
    [invoice] = await files.of(order)
    assert invoice.rendered_at is not None
    copies = {copy: await files.stored(invoice, copy) for copy in ("buyer", "seller")}
    assert "commission" not in pdf_text(copies["buyer"])
    assert "commission on this order is" in pdf_text(copies["seller"])

    # Run again: nothing left to render, nothing rewritten.
    assert await files.render() == 0
    [again] = await files.of(order)
    assert again.rendered_at == invoice.rendered_at

    # Downloads read the stored files (never rendered again): each party its own copy.
    for user, copy in ((buyer, "buyer"), (seller, "seller")):
        response = await client.get(invoice_url(order), headers=auth_headers(user))
        assert response.status_code == 200
        assert response.content == copies[copy]
    marked = copies["buyer"] + b"\n% the stored copy\n"
    await files.storage.save(service.file_key(invoice, "buyer"), marked, "application/pdf")
    response = await client.get(invoice_url(order), headers=auth_headers(buyer))
    assert response.content == marked


async def test_rendering_again_gives_the_same_bytes(
    client: AsyncClient,
    session: AsyncSession,
    buyer: User,
    material: Material,
    files: Files,
) -> None:
    order = await paid_order(client, buyer, material, 3)
    assert await files.render() == 1
    [invoice] = await files.of(order)
    first = {copy: await files.stored(invoice, copy) for copy in ("buyer", "seller")}
    # A job retried after it stored the files but before its commit renders them again.
    await session.execute(
        update(Document).where(Document.id == invoice.id).values(rendered_at=None)
    )
    await session.commit()
    assert await files.render() == 1
    assert {copy: await files.stored(invoice, copy) for copy in first} == first


async def test_a_download_before_the_job_renders_and_stores_once(
    client: AsyncClient,
    session: AsyncSession,
    buyer: User,
    seller: User,
    material: Material,
    files: Files,
) -> None:
    order = await make_transaction(
        session, material, buyer, status="paid", platform_fee=Decimal("1.50")
    )
    response = await client.get(invoice_url(order.id), headers=auth_headers(seller))
    assert response.status_code == 200
    [invoice] = await files.of(order.id)
    assert invoice.rendered_at is not None
    assert response.content == await files.stored(invoice, "seller")
    assert "commission on this order is 1.50 EUR" in pdf_text(response.content)
    buyer_copy = await files.stored(invoice, "buyer")
    again = await client.get(invoice_url(order.id), headers=auth_headers(buyer))
    assert again.content == buyer_copy
    # The job finds nothing left to do.
    assert await files.render() == 0


async def test_a_stored_file_lost_is_rendered_again(
    client: AsyncClient,
    buyer: User,
    material: Material,
    files: Files,
) -> None:
    order = await paid_order(client, buyer, material, 2)
    assert await files.render() == 1
    [invoice] = await files.of(order)
    original = await files.stored(invoice, "buyer")
    await files.storage.delete(service.file_key(invoice, "buyer"))
    response = await client.get(invoice_url(order), headers=auth_headers(buyer))
    assert response.status_code == 200
    assert response.content == original == await files.stored(invoice, "buyer")


async def test_credit_notes_rendered_and_the_invoice_states_what_stood_when_issued(
    client: AsyncClient,
    session: AsyncSession,
    buyer: User,
    seller: User,
    material: Material,
    files: Files,
) -> None:
    order = await paid_order(client, buyer, material, 10)
    response = await client.post(
        refunds_url(order),
        json={"amount": 5, "reason": "Short by a roll"},
        headers=auth_headers(seller),
    )
    assert response.status_code == 201, response.text
    refund_id = response.json()["refund_id"]
    # The worker was down: both are rendered after the refund lowered the commission.
    assert await files.render() == 2
    invoice, credit_note = await files.of(order)
    assert (invoice.kind, credit_note.kind) == ("invoice", "credit_note")
    assert invoice.platform_fee is not None
    now_kept = await session.scalar(
        select(Transaction.platform_fee)
        .where(Transaction.id == order)
        .execution_options(populate_existing=True)
    )
    assert now_kept is not None
    assert now_kept < invoice.platform_fee
    seller_copy = pdf_text(await files.stored(invoice, "seller"))
    assert f"commission on this order is {invoice.platform_fee:,.2f} EUR" in seller_copy
    note = await client.get(
        f"{TRANSACTIONS}/{order}/credit-notes/{refund_id}.pdf", headers=auth_headers(buyer)
    )
    assert note.status_code == 200
    assert note.content == await files.stored(credit_note, "both")
    assert "Credits invoice INV-000001" in pdf_text(note.content)


async def test_the_job_issues_the_invoices_a_stopped_payment_left_out(
    client: AsyncClient,
    session: AsyncSession,
    buyer: User,
    material: Material,
    files: Files,
) -> None:
    """A process that stops between a payment's commit and its invoice leaves a paid order
    without one: the job issues it (the next number), once the paying request has had its
    minute, and the render job renders it; not orders paid long ago, nor a free sample (issued
    on download)."""
    issued = await paid_order(client, buyer, material, 1)
    now = datetime.now(UTC)
    fee = {"platform_fee": Decimal("0.50")}
    left_out = await make_transaction(
        session, material, buyer, status="paid", paid_at=now - timedelta(minutes=2), **fee
    )
    in_flight = await make_transaction(
        session, material, buyer, status="paid", paid_at=now - timedelta(seconds=5), **fee
    )
    long_ago = await make_transaction(
        session, material, buyer, status="paid", paid_at=now - timedelta(days=30), **fee
    )
    free = await make_transaction(
        session,
        material,
        buyer,
        status="paid",
        paid_at=now - timedelta(minutes=2),
        total=Decimal(0),
        unit_price=Decimal(0),
        platform_fee=Decimal(0),
    )
    assert [d.number for d in await files.of(issued)] == [1]

    assert await files.issue_due() == 1
    assert await files.render() == 2  # the paid order's invoice and the one issued now
    [invoice] = await files.of(left_out.id)
    assert (invoice.kind, invoice.number, invoice.amount) == ("invoice", 2, left_out.total)
    assert invoice.rendered_at is not None
    for other in (in_flight, long_ago, free):
        assert await files.of(other.id) == []
    assert await files.issue_due() == 0
    assert await files.render() == 0
