"""documents (private evidence files) and certificates reviewed by an operator

Revision ID: 0019_documents_certificates
Revises: 0018_operator_trust
Create Date: 2026-12-04 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0019_documents_certificates'
down_revision: str | None = '0018_operator_trust'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMES = (
    "'GOTS', 'GRS', 'RCS', 'OEKO-TEX', 'bluesign', 'OCS', 'FSC', 'Cradle to Cradle', "
    "'EU Ecolabel', 'RWS', 'other'"
)


def upgrade() -> None:
    op.create_table(
        'documents',
        sa.Column('owner_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=50), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('page_count', sa.Integer(), nullable=True),
        sa.Column('id', postgresql.UUID(as_uuid=True), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint('size_bytes > 0', name=op.f('ck_documents_size_positive')),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')", name=op.f('ck_documents_content_type_known')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_documents_owner_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    )
    op.create_index('ix_documents_owner_id', 'documents', ['owner_id'], unique=False)
    op.create_table(
        'certificates',
        sa.Column('owner_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('scheme', sa.String(length=50), nullable=False),
        sa.Column('certificate_number', sa.String(length=100), nullable=False),
        sa.Column('issuing_body', sa.String(length=200), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('document_id', postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
        sa.Column('rejection_reason', sa.String(length=500), nullable=True),
        sa.Column('reviewed_by', postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expiry_notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', postgresql.UUID(as_uuid=True), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint(f"scheme IN ({SCHEMES})", name=op.f('ck_certificates_scheme_known')),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'expired')", name=op.f('ck_certificates_status_known')),
        sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_certificates_validity_ordered')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_certificates_document_id_documents'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_certificates_owner_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_certificates_reviewed_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    )
    op.create_index('ix_certificates_owner_id_created_at', 'certificates', ['owner_id', 'created_at'], unique=False)
    op.create_index('ix_certificates_status_created_at', 'certificates', ['status', 'created_at'], unique=False)
    op.create_index('ix_certificates_document_id', 'certificates', ['document_id'], unique=False)


def downgrade() -> None:
    op.drop_table('certificates')
    op.drop_table('documents')
