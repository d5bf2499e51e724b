"""events: banner_url and attachments, for pictures and links that live on another server

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banner_url', sa.String(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('attachments')
        batch_op.drop_column('banner_url')
