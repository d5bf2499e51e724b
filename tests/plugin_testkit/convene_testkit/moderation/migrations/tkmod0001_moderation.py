"""testkit_moderation: suspensions and the moderation log

Revision ID: tkmod0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'tkmod0001'
down_revision = None
branch_labels = ('testkit_moderation',)
depends_on = '0001'


def upgrade() -> None:
    op.create_table('testkit_suspensions',
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('suspended_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_testkit_suspensions_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('identity_id', name=op.f('pk_testkit_suspensions'))
    )
    op.create_table('testkit_moderation_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('target', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_testkit_moderation_log_account_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testkit_moderation_log'))
    )


def downgrade() -> None:
    op.drop_table('testkit_moderation_log')
    op.drop_table('testkit_suspensions')
