import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, UUIDPrimaryKey


class Message(UUIDPrimaryKey, Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("char_length(content) BETWEEN 1 AND 5000", name="content_length"),
        CheckConstraint("sender_id <> recipient_id", name="not_to_self"),
        # id last: (created_at, id) is the order of a conversation, read straight off the index.
        Index(
            "ix_messages_sender_id_recipient_id_created_at_id",
            "sender_id",
            "recipient_id",
            "created_at",
            "id",
        ),
        Index(
            "ix_messages_recipient_id_sender_id_created_at_id",
            "recipient_id",
            "sender_id",
            "created_at",
            "id",
        ),
        Index(
            "ix_messages_unread_recipient_id",
            "recipient_id",
            postgresql_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_messages_unread_recipient_id_sender_id",
            "recipient_id",
            "sender_id",
            postgresql_where=text("read_at IS NULL"),
        ),
    )

    sender_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    material_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("materials.id", ondelete="SET NULL")
    )
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    read_at: Mapped[datetime | None]
