import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, UUIDPrimaryKey


class SavedSearch(UUIDPrimaryKey, CreatedAt, Base):
    """A user's named search (the parameters of `GET /api/materials`, checked and normalised);
    with `alert`, each newly published listing it matches notifies the user."""

    __tablename__ = "saved_searches"
    __table_args__ = (
        Index("ix_saved_searches_user_id_created_at", "user_id", "created_at"),
        Index("ix_saved_searches_alert", "alert", postgresql_where=text("alert")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(JSONB)
    alert: Mapped[bool] = mapped_column(Boolean)


class SavedSearchMatch(Base):
    """A listing an alerting saved search matched (and notified): once per search and listing,
    however often the listing is published again."""

    __tablename__ = "saved_search_matches"

    saved_search_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True
    )
    material_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    matched_at: Mapped[datetime] = mapped_column(server_default=text("clock_timestamp()"))
