"""addresses that want no more shared events

Revision ID: mail0002
Revises: mail0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'mail0002'
down_revision = 'mail0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_share_opt_outs',
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('address_hash', name=op.f('pk_email_share_opt_outs'))
    )


def downgrade() -> None:
    op.drop_table('email_share_opt_outs')
