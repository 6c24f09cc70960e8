"""Invoices and credit notes: each paid order gets an invoice number, each refund of it a
credit note number, from per-seller series without gaps (a counter row locked until the
commit, so concurrent orders of one seller queue for their numbers and a rolled-back one
takes its number back).

A payment's invoice is issued once the payment has committed, in a statement of its own that
commits as it ends (`invoice_once_committed`): the seller's counter row is then locked for
that statement only, not from the payment to its commit, so a seller's payments at the same
moment do not queue behind each other's round trips. Should the process stop in between, a
periodic job issues it a minute or two later (`issue_due`); a download issues it at once.

Their PDFs are rendered once into the private storage by a job (`render_documents`, enqueued
by the issuing transaction's commit, and a sweep) and downloads read them from there; a
download that comes before the job renders and stores them itself. A document states what
stood when it was issued and is never rendered again."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.db import after_commit, autocommit_from_now
from fabricloop.core.queue import enqueue_after_commit
from fabricloop.core.storage import Storage, read_if_present
from fabricloop.invoices import pdf, repository
from fabricloop.invoices.errors import CreditNoteNotFound, NotInvoiced
from fabricloop.invoices.models import Document
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.service import TransactionView

log = structlog.get_logger(__name__)

PREFIXES = {"invoice": "INV", "credit_note": "CN"}
RENDER_BATCH = 20
# The sweep issues the invoices of orders paid at least DUE_AFTER ago (sooner, it would race
# the paying request's own issue) and at most DUE_WITHIN ago (older ones: on download).
DUE_AFTER = timedelta(minutes=1)
DUE_WITHIN = timedelta(days=7)


def _now() -> datetime:
    return datetime.now(UTC)


def document_number(document: Document) -> str:
    return f"{PREFIXES[document.kind]}-{document.number:06d}"


async def _issue(
    session: AsyncSession, transaction: Transaction, *, apart: bool = False, **values: Any
) -> bool:
    """Number and store a document of the order unless it exists (whether it did), naming
    its parties as their company details stand; its PDFs are rendered by the job once this
    transaction commits. `apart`: in a savepoint, where another session may be issuing the
    same invoice (`repository.issue_apart`)."""
    document = {
        "seller_id": transaction.seller_id,
        "buyer_id": transaction.buyer_id,
        "transaction_id": transaction.id,
        "currency": transaction.currency,
        "refund_id": None,
        "reason": None,
        "platform_fee": None,
        "issued_at": _now(),
        **values,
    }
    issue = repository.issue_apart if apart else repository.issue
    if await issue(session, document) is None:
        return False
    enqueue_after_commit(session, "render_documents")
    return True


async def number_invoice(
    session: AsyncSession, transaction: Transaction, *, apart: bool = False
) -> bool:
    """Issue the order's invoice, numbered now, unless it has one (called when it is paid);
    whether it did."""
    return await _issue(
        session,
        transaction,
        apart=apart,
        kind="invoice",
        amount=transaction.total,
        platform_fee=transaction.platform_fee,
    )


@dataclass(frozen=True)
class _IssueInvoice:
    session: AsyncSession
    transaction: Transaction

    async def __call__(self) -> None:
        try:
            await autocommit_from_now(self.session)
            await number_invoice(self.session, self.transaction)
            # Nothing left to send in autocommit; a session that kept its connection's
            # transaction (the tests') commits its savepoint.
            await self.session.commit()
        except BaseException:
            # Left usable for the actions after this one; the sweep issues the invoice.
            await self.session.rollback()
            raise


def invoice_once_committed(session: AsyncSession, transaction: Transaction) -> None:
    """Issue the order's invoice once this transaction (which pays it) has committed."""
    after_commit(session, _IssueInvoice(session, transaction))


async def issue_due(session: AsyncSession, now: datetime | None = None) -> int:
    """The job (every minute, not with each rendering: it reads a week of paid orders): the
    invoices of paid orders that none was issued for (the process paying them stopped before
    it issued it), a batch, in the job's transaction; how many. Rendered by the render job.
    Each in a savepoint: a payment's own issue, late (its statement waited for the counter
    row), may number one at the same moment; the batch goes on without it."""
    now = now or _now()
    due = await repository.lock_uninvoiced(session, now - DUE_WITHIN, now - DUE_AFTER, RENDER_BATCH)
    issued = 0
    for transaction_id in due:
        view = await transactions.get_for_operator(session, transaction_id)
        issued += await number_invoice(session, view.transaction, apart=True)
    return issued


async def issue_invoice(session: AsyncSession, transaction: Transaction) -> Document:
    """The order's invoice, numbered now if it has none yet (in a savepoint: the payment's own
    issue, right after its commit, may be numbering it at the same moment)."""
    existing = await repository.invoice_of(session, transaction.id)
    if existing is None:
        await number_invoice(session, transaction, apart=True)
        existing = await repository.invoice_of(session, transaction.id)
    assert existing is not None  # issued above, in this transaction
    return existing


async def issue_credit_note(
    session: AsyncSession,
    transaction: Transaction,
    refund_id: uuid.UUID,
    amount: Decimal,
    reason: str,
) -> None:
    """A refund's credit note (its order's invoice is issued first if it has none)."""
    await number_invoice(session, transaction)
    await _issue(
        session,
        transaction,
        kind="credit_note",
        refund_id=refund_id,
        amount=amount,
        reason=reason[:500],
    )


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes


SHIPPING_LINES = {
    "zone": "Shipping",
    "pickup": "Collection",
    "arranged_by_seller": "Delivery arranged by the seller",
}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


async def _paid_view(
    session: AsyncSession, user: User, transaction_id: uuid.UUID
) -> TransactionView:
    view = await transactions.get_transaction(session, user, transaction_id)
    if view.transaction.platform_fee is None:
        raise NotInvoiced()
    return view


def _buyer(view: TransactionView, document: Document) -> str:
    buyer = document.buyer_party or view.buyer_company
    reference = view.transaction.purchase_order_reference
    return f"{buyer}\nYour purchase order: {reference}" if reference else buyer


def _sheet(view: TransactionView, document: Document, title: str, notes: list[str]) -> pdf.Sheet:
    t = view.transaction
    quantity = f"{t.quantity.normalize():f} {t.unit}"
    if document.kind == "invoice":
        goods = t.total - t.shipping_price
        description = view.material_title + (f", lot {t.lot_code}" if t.lot_code else "")
        if t.kind == "sample":
            description = f"Sample: {description}"
        lines = [(description, quantity, _money(t.unit_price), _money(goods))]
        if t.shipping_price:
            terms = f" ({t.incoterm})" if t.incoterm else ""
            name = SHIPPING_LINES.get(t.shipping_method, "Shipping")
            lines.append((f"{name}{terms}", "", "", _money(t.shipping_price)))
    else:
        lines = [(f"Refund: {document.reason or ''}", "", "", f"-{_money(document.amount)}")]
    return pdf.Sheet(
        title=title,
        issued_at=document.issued_at,
        seller=document.seller_party or view.seller_company,
        buyer=_buyer(view, document),
        buyer_address=t.shipping_address or {},
        lines=lines,
        total=document.amount if document.kind == "invoice" else -document.amount,
        currency=document.currency,
        notes=notes,
    )


def file_key(document: Document, copy: str) -> str:
    """Where a copy of a document's PDF is kept in the private storage."""
    if document.kind == "invoice":
        return f"invoices/{document.id.hex}-{copy}.pdf"
    return f"credit-notes/{document.id.hex}.pdf"


async def _sheets(
    session: AsyncSession, document: Document, view: TransactionView
) -> dict[str, pdf.Sheet]:
    """Its copies: an invoice has the buyer's and the seller's (which also states the
    commission), a credit note one for both."""
    t = view.transaction
    number = document_number(document)
    if document.kind == "invoice":
        notes = [f"Order {t.id}"]
        fee = document.platform_fee if document.platform_fee is not None else t.platform_fee
        commission = (
            f"For the seller: FabricLoop's commission on this order is "
            f"{_money(fee or Decimal(0))} {document.currency}; refunds are credited by credit "
            "notes."
        )
        title = f"Invoice {number}"
        return {
            "buyer": _sheet(view, document, title, notes),
            "seller": _sheet(view, document, title, [*notes, commission]),
        }
    invoice = await issue_invoice(session, t)
    notes = [f"Credits invoice {document_number(invoice)} of order {t.id}."]
    return {"both": _sheet(view, document, f"Credit note {number}", notes)}


async def _render(
    session: AsyncSession, storage: Storage, document: Document, view: TransactionView
) -> dict[str, bytes]:
    """Render every copy of the document, store them and record it; the copies' bytes. Run
    again (a job retried, a download racing the job) it writes the same files."""
    files = {}
    for copy, sheet in (await _sheets(session, document, view)).items():
        files[copy] = await to_thread.run_sync(pdf.render, sheet)
        await storage.save(file_key(document, copy), files[copy], "application/pdf")
    await repository.mark_rendered(session, document.id, _now())
    return files


async def _pdf(
    session: AsyncSession,
    storage: Storage,
    document: Document,
    view: TransactionView,
    copy: str,
) -> bytes:
    """The stored copy; rendered (and stored) now if the job has not run yet."""
    if document.rendered_at is not None:
        stored = await read_if_present(storage, file_key(document, copy))
        if stored is not None:
            return stored
        log.warning("stored document missing: rendered again", document_id=str(document.id))
    return (await _render(session, storage, document, view))[copy]


async def render_pending(session: AsyncSession, storage: Storage) -> int:
    """The job: render and store the PDFs of documents that have none yet (a batch, in the
    job's transaction; rows another run holds are skipped); how many documents."""
    documents = await repository.lock_unrendered(session, RENDER_BATCH)
    for document in documents:
        view = await transactions.get_for_operator(session, document.transaction_id)
        await _render(session, storage, document, view)
    return len(documents)


async def invoice_pdf(
    session: AsyncSession, storage: Storage, user: User, transaction_id: uuid.UUID
) -> File:
    view = await _paid_view(session, user, transaction_id)
    document = await issue_invoice(session, view.transaction)
    copy = "seller" if user.id == view.transaction.seller_id else "buyer"
    content = await _pdf(session, storage, document, view, copy)
    return File(f"{document_number(document)}.pdf", content)


async def credit_note_pdf(
    session: AsyncSession,
    storage: Storage,
    user: User,
    transaction_id: uuid.UUID,
    refund_id: uuid.UUID,
) -> File:
    view = await _paid_view(session, user, transaction_id)
    document = await repository.credit_note_of(session, refund_id)
    if document is None or document.transaction_id != transaction_id:
        raise CreditNoteNotFound()
    content = await _pdf(session, storage, document, view, "both")
    return File(f"{document_number(document)}.pdf", content)
