"""One place that makes test data, straight into the database through the models."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth import tokens
from fabricloop.auth.models import User
from fabricloop.auth.passwords import hash_password
from fabricloop.certificates.models import Certificate
from fabricloop.documents.models import UploadedDocument
from fabricloop.materials.models import (
    DigitalProductPassport,
    Material,
    MaterialLot,
    SustainabilityMetric,
)
from fabricloop.messages.models import Message
from fabricloop.transactions.models import Transaction

DEFAULT_PASSWORD = "Str0ngPassword"
TEST_SECRET = "test-secret-" + "x" * 40


@lru_cache
def _default_password_hash() -> str:
    return hash_password(DEFAULT_PASSWORD, 12)


async def make_user(session: AsyncSession, **overrides: Any) -> User:
    values: dict[str, Any] = {
        "email": f"user-{uuid.uuid4().hex[:12]}@example.com",
        "password_hash": _default_password_hash(),
        "company_name": "Test Mills Ltd",
        "role": "manufacturer",
        "phone": None,
    }
    values.update(overrides)
    user = User(**values)
    session.add(user)
    await session.flush()
    await session.refresh(user)
    return user


async def make_admin(session: AsyncSession, **overrides: Any) -> User:
    """An operator account (in the product only `fabricloop create-admin` makes one)."""
    return await make_user(
        session, **{"role": "admin", "company_name": "FabricLoop Operations", **overrides}
    )


def auth_headers(user: User, *, ttl_seconds: int = 3600) -> dict[str, str]:
    token, _ = tokens.issue(TEST_SECRET, user.id, "access", ttl_seconds)
    return {"Authorization": f"Bearer {token}"}


async def make_material(
    session: AsyncSession,
    seller: User,
    *,
    carbon_footprint: Decimal | None = None,
    water_usage: Decimal | None = None,
    **overrides: Any,
) -> Material:
    values: dict[str, Any] = {
        "seller_id": seller.id,
        "title": "Organic cotton jersey deadstock",
        "description": "Soft single jersey, 180 gsm, left over from a cancelled order.",
        "material_type": "organic_cotton",
        "source_type": "deadstock",
        "quantity": Decimal("100.000"),
        "unit": "kg",
        "kg_per_unit": None,
        "price": Decimal("8.50"),
        "currency": "EUR",
        "certifications": [],
        "supply_chain": [],
        "status": "active",
    }
    values.update(overrides)
    # The composition follows the type unless given: impact figures charge the composition.
    values.setdefault("composition", [{"fibre": values["material_type"], "percent": 100}])
    material = Material(**values)
    session.add(material)
    await session.flush()
    session.add(DigitalProductPassport(material_id=material.id))
    if carbon_footprint is not None or water_usage is not None:
        session.add(
            SustainabilityMetric(
                material_id=material.id,
                carbon_footprint=carbon_footprint,
                water_usage=water_usage,
                chemical_composition=[],
                recorded_by=seller.id,
            )
        )
    await session.flush()
    await session.refresh(material)
    return material


async def make_lots(
    session: AsyncSession, material: Material, *lots: tuple[str, Decimal], grade: str = "first"
) -> list[MaterialLot]:
    """Lots (code, quantity) for a listing; its quantity becomes their sum, as the API keeps it."""
    rows = [
        MaterialLot(
            material_id=material.id, lot_code=code, quantity=quantity, grade=grade, position=i
        )
        for i, (code, quantity) in enumerate(lots)
    ]
    session.add_all(rows)
    total = sum((quantity for _, quantity in lots), Decimal(0))
    await session.execute(update(Material).where(Material.id == material.id).values(quantity=total))
    material.quantity = total
    await session.flush()
    return rows


async def make_transaction(
    session: AsyncSession,
    material: Material,
    buyer: User,
    *,
    quantity: Decimal = Decimal("10"),
    status: str = "pending",
    paid_at: datetime | None = None,
    **overrides: Any,
) -> Transaction:
    """A transaction row; it does not touch the material's stock (tests of stock go through
    the API)."""
    now = datetime.now(UTC)
    kg_per_unit = material.kg_per_unit or Decimal(1)
    total = (material.price * quantity).quantize(Decimal("0.01"))
    if status in ("paid", "shipped", "completed") and paid_at is None:
        paid_at = now
    history = [{"status": "pending", "at": now.isoformat()}]
    if status != "pending":
        history.append({"status": status, "at": now.isoformat()})
    values: dict[str, Any] = {
        "material_id": material.id,
        "buyer_id": buyer.id,
        "seller_id": material.seller_id,
        "quantity": quantity,
        "unit": material.unit,
        "quantity_kg": quantity * kg_per_unit,
        "unit_price": material.price,
        "total": total,
        "currency": material.currency,
        "status": status,
        "shipping_address": address(),
        "status_history": history,
        "expires_at": now + timedelta(minutes=30),
        "paid_at": paid_at,
    }
    values.update(overrides)
    transaction = Transaction(**values)
    session.add(transaction)
    await session.flush()
    await session.refresh(transaction)
    return transaction


async def make_message(
    session: AsyncSession, sender: User, recipient: User, content: str = "Hello", **overrides: Any
) -> Message:
    message = Message(sender_id=sender.id, recipient_id=recipient.id, content=content, **overrides)
    session.add(message)
    await session.flush()
    await session.refresh(message)
    return message


def address(**overrides: Any) -> dict[str, Any]:
    """A shipping address (a mill's receiving dock in Porto) as the API takes it."""
    body: dict[str, Any] = {
        "recipient_name": "Receiving dock",
        "line1": "1 Mill Street",
        "city": "Porto",
        "postal_code": "4000-001",
        "country": "PT",
    }
    body.update(overrides)
    return body


Row = TypeVar("Row")


async def _saved(session: AsyncSession, row: Row) -> Row:
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


def make_pdf(pages: int = 1, text: str = "Certificate") -> bytes:
    """A real PDF (fpdf2, as invoices are made) with `pages` pages of text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=14)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(text=f"{text} - page {number + 1}")
    return bytes(pdf.output())


async def make_document(session: AsyncSession, owner: User, **overrides: Any) -> UploadedDocument:
    """A document row (no file behind it: for tests that never download it)."""
    values: dict[str, Any] = {
        "owner_id": owner.id,
        "storage_key": f"documents/00/{uuid.uuid4().hex}.pdf",
        "content_type": "application/pdf",
        "size_bytes": 1234,
        "filename": "certificate.pdf",
        "page_count": 1,
    }
    values.update(overrides)
    return await _saved(session, UploadedDocument(**values))


async def make_certificate(
    session: AsyncSession,
    owner: User,
    *,
    status: str = "pending",
    scheme: str = "GOTS",
    valid_from: date | None = None,
    valid_until: date | None = None,
    **overrides: Any,
) -> Certificate:
    """A certificate row with its document; valid from a year ago for a year ahead."""
    today = datetime.now(UTC).date()
    values: dict[str, Any] = {
        "owner_id": owner.id,
        "scheme": scheme,
        "certificate_number": f"CU-{uuid.uuid4().hex[:8].upper()}",
        "issuing_body": "Control Union",
        "valid_from": valid_from or today - timedelta(days=365),
        "valid_until": valid_until or today + timedelta(days=365),
        "status": status,
    }
    if "document_id" not in overrides:
        values["document_id"] = (await make_document(session, owner)).id
    if status in ("approved", "rejected", "expired"):
        values["reviewed_at"] = datetime.now(UTC)
    values.update(overrides)
    return await _saved(session, Certificate(**values))


DISPUTE_BODY = {"reason": "damaged", "details": "Two rolls arrived wet; photos to follow."}


async def shipped_order(
    client: AsyncClient, buyer: User, seller: User, material: Material, quantity: Any = 10
) -> uuid.UUID:
    """An order placed and paid through the API (sandbox card), then marked shipped."""
    from tests.refunds.helpers import paid_order

    transaction_id = await paid_order(client, buyer, material, quantity)
    response = await client.post(
        f"/api/transactions/{transaction_id}/status",
        json={"status": "shipped"},
        headers=auth_headers(seller),
    )
    assert response.status_code == 200, response.text
    return transaction_id


async def open_dispute(
    client: AsyncClient,
    buyer: User,
    transaction_id: uuid.UUID,
    body: dict[str, Any] = DISPUTE_BODY,
) -> dict[str, Any]:
    """The buyer opens a dispute through the API; its 201 body."""
    response = await client.post(
        f"/api/transactions/{transaction_id}/disputes", json=body, headers=auth_headers(buyer)
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def enable_payouts(client: AsyncClient, seller: User) -> None:
    """The seller's sandbox payout account, onboarded."""
    started = await client.post("/api/payouts/account", headers=auth_headers(seller))
    assert started.status_code == 201, started.text
    done = await client.post("/api/payouts/account/sandbox/complete", headers=auth_headers(seller))
    assert done.status_code == 200, done.text
