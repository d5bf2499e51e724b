"""web push subscriptions and the VAPID key

Revision ID: push0001
Revises: 
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'push0001'
down_revision = None
branch_labels = ('webpush',)
depends_on = '0001'


def upgrade() -> None:
    op.create_table('webpush_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=2048), nullable=False),
    sa.Column('p256dh', sa.String(length=100), nullable=False),
    sa.Column('auth', sa.String(length=40), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('last_success_at', core.db.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_webpush_subscriptions_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webpush_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_webpush_subscriptions_endpoint'))
    )
    with op.batch_alter_table('webpush_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webpush_subscriptions_account_id'), ['account_id'], unique=False)

    op.create_table('webpush_vapid_keys',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('private_key_pem', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webpush_vapid_keys'))
    )


def downgrade() -> None:
    op.drop_table('webpush_vapid_keys')
    with op.batch_alter_table('webpush_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webpush_subscriptions_account_id'))
    op.drop_table('webpush_subscriptions')
