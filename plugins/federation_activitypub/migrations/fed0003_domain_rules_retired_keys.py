"""domain rules from the admin page, keys of deleted identities, inbox purge index

Revision ID: fed0003
Revises: fed0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'fed0003'
down_revision = 'fed0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ap_domain_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_domain_rules')),
    sa.UniqueConstraint('domain', name=op.f('uq_ap_domain_rules_domain'))
    )
    op.create_table('ap_retired_keys',
    sa.Column('identity_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('key_id', sa.String(length=2000), nullable=False),
    sa.Column('private_key_pem', sa.Text(), nullable=False),
    sa.Column('keep_until', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('identity_id', name=op.f('pk_ap_retired_keys'))
    )
    with op.batch_alter_table('ap_retired_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ap_retired_keys_keep_until'), ['keep_until'], unique=False)

    with op.batch_alter_table('ap_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ap_inbox_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ap_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ap_inbox_received_at'))

    with op.batch_alter_table('ap_retired_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ap_retired_keys_keep_until'))

    op.drop_table('ap_retired_keys')
    op.drop_table('ap_domain_rules')
