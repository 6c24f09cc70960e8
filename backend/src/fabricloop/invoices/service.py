"""Invoices and credit notes: each paid order gets an invoice number, each refund of it a
credit note number, from per-seller series without gaps (a counter row locked until the
commit, so concurrent orders of one seller queue for their numbers and a rolled-back one
takes its number back)."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.companies import service as companies
from fabricloop.companies.models import Company
from fabricloop.invoices import pdf, repository
from fabricloop.invoices.errors import CreditNoteNotFound, NotInvoiced
from fabricloop.invoices.models import Document
from fabricloop.transactions import service as transactions
from fabricloop.transactions.models import Transaction
from fabricloop.transactions.service import TransactionView

PREFIXES = {"invoice": "INV", "credit_note": "CN"}


def _now() -> datetime:
    return datetime.now(UTC)


def document_number(document: Document) -> str:
    return f"{PREFIXES[document.kind]}-{document.number:06d}"


def party(company: Company | None) -> str | None:
    """A party as an invoice names it, from the company details it gave (None without)."""
    if company is None:
        return None
    lines = [company.legal_name, company.address, company.country]
    lines.append(f"Registration no. {company.registration_number}")
    if company.vat_number:
        lines.append(f"VAT no. {company.vat_number}")
    return "\n".join(lines)


async def _parties(session: AsyncSession, transaction: Transaction) -> dict[str, str | None]:
    found = await companies.companies_of(session, [transaction.seller_id, transaction.buyer_id])
    return {
        "seller_party": party(found.get(transaction.seller_id)),
        "buyer_party": party(found.get(transaction.buyer_id)),
    }


async def issue_invoice(session: AsyncSession, transaction: Transaction) -> Document:
    """The order's invoice, numbered now if it has none yet (called when it is paid)."""
    existing = await repository.invoice_of(session, transaction.id)
    if existing is not None:
        return existing
    number = await repository.next_number(session, transaction.seller_id, "invoice")
    return await repository.add(
        session,
        Document(
            seller_id=transaction.seller_id,
            kind="invoice",
            number=number,
            transaction_id=transaction.id,
            amount=transaction.total,
            currency=transaction.currency,
            issued_at=_now(),
            **await _parties(session, transaction),
        ),
    )


async def issue_credit_note(
    session: AsyncSession,
    transaction: Transaction,
    refund_id: uuid.UUID,
    amount: Decimal,
    reason: str,
) -> Document:
    """A refund's credit note (its order's invoice is issued first if it has none)."""
    await issue_invoice(session, transaction)
    number = await repository.next_number(session, transaction.seller_id, "credit_note")
    return await repository.add(
        session,
        Document(
            seller_id=transaction.seller_id,
            kind="credit_note",
            number=number,
            transaction_id=transaction.id,
            refund_id=refund_id,
            amount=amount,
            currency=transaction.currency,
            reason=reason[:500],
            issued_at=_now(),
            **await _parties(session, transaction),
        ),
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


async def invoice_pdf(session: AsyncSession, user: User, transaction_id: uuid.UUID) -> File:
    view = await _paid_view(session, user, transaction_id)
    document = await issue_invoice(session, view.transaction)
    number = document_number(document)
    notes = [f"Order {view.transaction.id}"]
    if user.id == view.transaction.seller_id:
        fee = view.transaction.platform_fee or Decimal(0)
        notes.append(
            f"For the seller: FabricLoop's commission on this order is {_money(fee)} "
            f"{document.currency}; refunded so far {_money(view.transaction.refunded_amount)}."
        )
    sheet = _sheet(view, document, f"Invoice {number}", notes)
    return File(f"{number}.pdf", pdf.render(sheet))


async def credit_note_pdf(
    session: AsyncSession, user: User, transaction_id: uuid.UUID, refund_id: uuid.UUID
) -> File:
    view = await _paid_view(session, user, transaction_id)
    document = await repository.credit_note_of(session, refund_id)
    if document is None or document.transaction_id != transaction_id:
        raise CreditNoteNotFound()
    invoice = await issue_invoice(session, view.transaction)
    number = document_number(document)
    notes = [f"Credits invoice {document_number(invoice)} of order {view.transaction.id}."]
    sheet = _sheet(view, document, f"Credit note {number}", notes)
    return File(f"{number}.pdf", pdf.render(sheet))
