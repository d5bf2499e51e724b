"""deleted_events: the addresses of deleted public events, so their pages answer 410 Gone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deleted_events',
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('deleted_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_deleted_events'))
    )


def downgrade() -> None:
    op.drop_table('deleted_events')
