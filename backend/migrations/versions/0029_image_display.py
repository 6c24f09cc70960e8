"""images' display variant (WebP, 1200 px) made by the thumbnail job

Revision ID: 0029_image_display
Revises: 0028_search_facet_columns
Create Date: 2026-12-05 00:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_image_display"
down_revision: str | None = "0028_search_facet_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null: display_url serves the original until the job has made the display image.
    op.add_column("images", sa.Column("display_key", sa.String(length=200), nullable=True))
    # Every image whose thumbnail was made is due again, so the job makes its display image
    # (and writes the same thumbnail under the same key), in batches as for new uploads. Its
    # thumbnail_key stays the thumbnail meanwhile; failed images (undecodable) stay failed.
    op.execute(
        "UPDATE images SET thumbnail_status = 'pending', thumbnail_attempts = 0, "
        "thumbnail_due_at = now() WHERE thumbnail_status = 'ready'"
    )


def downgrade() -> None:
    op.drop_column("images", "display_key")
