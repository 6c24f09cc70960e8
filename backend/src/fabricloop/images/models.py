import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fabricloop.core.models import Base, CreatedAt, UUIDPrimaryKey, in_list

# The state of the image's variants (thumbnail and display image), both made by the thumbnail
# job at once. pending: not made yet (`thumbnail_key` is the original's key, unless an earlier
# run made the thumbnail: images stored before display images existed are pending again);
# ready: made; failed: the stored image could not be decoded, or every attempt failed (what
# was not made is served by the original).
THUMBNAIL_STATES = ("pending", "ready", "failed")


class Image(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "images"
    __table_args__ = (
        CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
        CheckConstraint("size_bytes > 0", name="size_positive"),
        Index("ix_images_owner_id", "owner_id"),
        Index("ix_images_material_id_position", "material_id", "position"),
        CheckConstraint(
            in_list("thumbnail_status", THUMBNAIL_STATES), name="thumbnail_status_known"
        ),
        Index(
            "ix_images_thumbnail_due_at",
            "thumbnail_due_at",
            postgresql_where=text("thumbnail_status = 'pending'"),
        ),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    material_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("materials.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    storage_key: Mapped[str] = mapped_column(String(200))
    # The key thumbnail_url serves: the original's until the thumbnail job has made one.
    thumbnail_key: Mapped[str] = mapped_column(String(200))
    # The key display_url serves: None (the original served) until the job has made it; the
    # original's own key when the original is no larger than the display size.
    display_key: Mapped[str | None] = mapped_column(String(200))
    thumbnail_status: Mapped[str] = mapped_column(
        String(10), default="ready", server_default="ready"
    )
    thumbnail_attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # When the job may (next) take it: a claim moves it a lease ahead, a failure further.
    thumbnail_due_at: Mapped[datetime | None]
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
