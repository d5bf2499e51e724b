"""email refusals

Revision ID: mail0001
Revises: 
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'mail0001'
down_revision = None
branch_labels = ('email',)
depends_on = '0001'


def upgrade() -> None:
    op.create_table('email_refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_email', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_refusals'))
    )
    with op.batch_alter_table('email_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_refusals_to_email'), ['to_email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('email_refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_refusals_to_email'))
    op.drop_table('email_refusals')
