from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt


class FxRate(CreatedAt, Base):
    """A reference exchange rate: units of `currency` per 1 EUR on `rate_date`, as the
    European Central Bank publishes them. Imports keep every day's set."""

    __tablename__ = "fx_rates"
    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)

    rate_date: Mapped[date] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 6))
