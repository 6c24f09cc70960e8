import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, Timestamps


class Company(Timestamps, Base):
    """An account's company details, which the operator checks before verifying the account
    (`users.verified_at`)."""

    __tablename__ = "companies"
    __table_args__ = (CheckConstraint("char_length(country) = 2", name="country_alpha2"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    legal_name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(50))
    # Normalised (compact, with the country prefix of EU numbers: DE136695976).
    vat_number: Mapped[str | None] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[str] = mapped_column(String(500))
