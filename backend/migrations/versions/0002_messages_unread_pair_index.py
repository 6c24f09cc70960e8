"""messages: partial index of unread messages per (recipient, sender)

The conversation list counts each counterpart's unread messages; with this index that count
reads only the unread entries of one pair instead of the pair's whole history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_messages_unread_recipient_id_sender_id',
        'messages',
        ['recipient_id', 'sender_id'],
        unique=False,
        postgresql_where=sa.text('read_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index(
        'ix_messages_unread_recipient_id_sender_id',
        table_name='messages',
        postgresql_where=sa.text('read_at IS NULL'),
    )
