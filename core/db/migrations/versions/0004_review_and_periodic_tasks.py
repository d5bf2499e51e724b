"""held for review (events, comments, accounts) and periodic tasks' claims

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('events', 'comments', 'accounts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('held_at', core.db.base.UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column('held_reasons', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_changes', sa.JSON(), nullable=True))
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_edit', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('periodic_runs',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('next_run_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('last_started_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('last_finished_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False, server_default=''),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_periodic_runs'))
    )


def downgrade() -> None:
    op.drop_table('periodic_runs')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('held_edit')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('held_changes')
    for table in ('events', 'comments', 'accounts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('held_reasons')
            batch_op.drop_column('held_at')
