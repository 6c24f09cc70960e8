import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, UUIDPrimaryKey, in_list
from fabricloop.core.vocabulary import INVOICE_KINDS


class DocumentCounter(Base):
    """The last number a seller's invoices (or credit notes) used. Taking the next one
    updates this row, which stays locked until the commit: numbers follow each other without
    gaps, and a rolled-back order gives its number back with the row."""

    __tablename__ = "document_counters"
    __table_args__ = (CheckConstraint(in_list("kind", INVOICE_KINDS), name="kind_known"),)

    seller_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Document(UUIDPrimaryKey, Base):
    """An invoice of a paid order, or a credit note of one of its refunds, with its number."""

    __tablename__ = "invoice_documents"
    __table_args__ = (
        CheckConstraint(in_list("kind", INVOICE_KINDS), name="kind_known"),
        CheckConstraint("number > 0", name="number_positive"),
        Index("uq_invoice_documents_number", "seller_id", "kind", "number", unique=True),
        Index(
            "uq_invoice_documents_one_invoice",
            "transaction_id",
            unique=True,
            postgresql_where=text("kind = 'invoice'"),
        ),
        Index("uq_invoice_documents_refund_id", "refund_id", unique=True),
        Index(
            "ix_invoice_documents_unrendered",
            "issued_at",
            postgresql_where=text("rendered_at IS NULL"),
        ),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="RESTRICT")
    )
    refund_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("refunds.id", ondelete="RESTRICT")
    )
    # What the document states, copied when it is issued: it never changes afterwards.
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(String(500))
    # The parties as the document names them (legal name, address, registration and VAT
    # numbers); null where the party had given no company details at the time.
    seller_party: Mapped[str | None] = mapped_column(String(1000))
    buyer_party: Mapped[str | None] = mapped_column(String(1000))
    # An invoice's commission as it stood when issued (the seller's copy states it).
    platform_fee: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    issued_at: Mapped[datetime]
    # When its PDFs were rendered into the private storage (by the job, or by the first
    # download if that came first); null until then.
    rendered_at: Mapped[datetime | None]
