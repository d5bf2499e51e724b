"""testkit_policy: hourly counts of published events

Revision ID: tkpolicy0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'tkpolicy0001'
down_revision = None
branch_labels = ('testkit_policy',)
depends_on = '0001'


def upgrade() -> None:
    op.create_table('testkit_policy_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counted_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('published', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testkit_policy_counts'))
    )


def downgrade() -> None:
    op.drop_table('testkit_policy_counts')
