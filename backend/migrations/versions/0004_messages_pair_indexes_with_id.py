"""messages: the two per-pair indexes end with id

Ordering by (created_at, id) is what makes history pages and the newest message of a pair
deterministic; with id in the index, PostgreSQL reads exactly the rows it returns (and the
conversation list stays an index-only scan) instead of sorting a pair's whole history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 01:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_messages_sender_id_recipient_id_created_at_id',
        'messages',
        ['sender_id', 'recipient_id', 'created_at', 'id'],
        unique=False,
    )
    op.create_index(
        'ix_messages_recipient_id_sender_id_created_at_id',
        'messages',
        ['recipient_id', 'sender_id', 'created_at', 'id'],
        unique=False,
    )
    op.drop_index('ix_messages_sender_id_recipient_id_created_at', table_name='messages')
    op.drop_index('ix_messages_recipient_id_sender_id_created_at', table_name='messages')


def downgrade() -> None:
    op.create_index(
        'ix_messages_recipient_id_sender_id_created_at',
        'messages',
        ['recipient_id', 'sender_id', 'created_at'],
        unique=False,
    )
    op.create_index(
        'ix_messages_sender_id_recipient_id_created_at',
        'messages',
        ['sender_id', 'recipient_id', 'created_at'],
        unique=False,
    )
    op.drop_index('ix_messages_recipient_id_sender_id_created_at_id', table_name='messages')
    op.drop_index('ix_messages_sender_id_recipient_id_created_at_id', table_name='messages')
