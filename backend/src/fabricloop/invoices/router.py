import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.errors import Unauthorized, responses
from fabricloop.core.storage import AppPrivateStorage
from fabricloop.invoices import service
from fabricloop.invoices.errors import CreditNoteNotFound, NotInvoiced
from fabricloop.transactions.errors import TransactionNotFound

router = APIRouter(prefix="/api/transactions", tags=["invoices"])

PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The PDF, as an attachment."}
}


def _attachment(file: service.File) -> Response:
    return Response(
        file.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.get(
    "/{transaction_id}/invoice.pdf",
    response_class=Response,
    responses={**PDF, **responses(Unauthorized, TransactionNotFound, NotInvoiced)},
    description="The order's invoice, numbered per seller without gaps (`INV-000001`, ...; "
    "the number is given when the order is paid): seller and buyer, the buyer's address, "
    "the line, total and currency; the seller's copy also states the platform's commission. "
    "It states what stood when it was issued: rendered once, by a background job or by the "
    "first download if that comes first, then served as stored. "
    "Not paid: 409 `not_paid`; anyone but the buyer and seller: 404.",
)
async def get_invoice(
    transaction_id: uuid.UUID, user: CurrentUser, session: DbSession, storage: AppPrivateStorage
) -> Response:
    """Download the order's invoice (buyer or seller, once paid)."""
    file = await service.invoice_pdf(session, storage, user, transaction_id)
    return _attachment(file)


@router.get(
    "/{transaction_id}/credit-notes/{refund_id}.pdf",
    response_class=Response,
    responses={
        **PDF,
        **responses(Unauthorized, TransactionNotFound, CreditNoteNotFound, NotInvoiced),
    },
    description="The credit note of one refund of the order (`CN-000001`, ...), crediting "
    "its invoice.",
)
async def get_credit_note(
    transaction_id: uuid.UUID,
    refund_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    storage: AppPrivateStorage,
) -> Response:
    """Download a refund's credit note (buyer or seller)."""
    file = await service.credit_note_pdf(session, storage, user, transaction_id, refund_id)
    return _attachment(file)
