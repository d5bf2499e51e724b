"""signatures seen by the inbox, for replay protection

Revision ID: fed0002
Revises: fed0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'fed0002'
down_revision = 'fed0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ap_seen_signatures',
    sa.Column('replay_key', sa.String(length=64), nullable=False),
    sa.Column('valid_until', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('replay_key', name=op.f('pk_ap_seen_signatures'))
    )
    with op.batch_alter_table('ap_seen_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ap_seen_signatures_valid_until'), ['valid_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ap_seen_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ap_seen_signatures_valid_until'))

    op.drop_table('ap_seen_signatures')
