"""the secrets of private calendar feeds

Revision ID: ical0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'ical0001'
down_revision = None
branch_labels = ('ical',)
depends_on = '0007'


def upgrade() -> None:
    op.create_table('ical_feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ical_feed_tokens_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_ical_feed_tokens_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ical_feed_tokens')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_ical_feed_tokens_secret_hash'))
    )
    with op.batch_alter_table('ical_feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ical_feed_tokens_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ical_feed_tokens_identity_id'), ['identity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ical_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ical_feed_tokens_identity_id'))
        batch_op.drop_index(batch_op.f('ix_ical_feed_tokens_account_id'))
    op.drop_table('ical_feed_tokens')
