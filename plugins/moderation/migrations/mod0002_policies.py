"""moderation: the instance's published documents and members' acceptances

Revision ID: mod0002
Revises: mod0001
Create Date: 2026-12-07 19:35:00
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'mod0002'
down_revision = 'mod0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mod_documents',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('material', sa.Boolean(), nullable=False),
    sa.Column('accept_from', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_mod_documents'))
    )
    op.create_table('mod_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accepted_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_mod_acceptances_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mod_acceptances')),
    sa.UniqueConstraint('account_id', 'kind', 'version', name=op.f('uq_mod_acceptances_account_id_kind_version'))
    )
    with op.batch_alter_table('mod_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mod_acceptances_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mod_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mod_acceptances_account_id'))
    op.drop_table('mod_acceptances')
    op.drop_table('mod_documents')
