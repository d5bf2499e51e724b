"""uploads imported in the background, and claims on imports under way

Revision ID: ical0003
Revises: ical0002
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'ical0003'
down_revision = 'ical0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ical_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('importing_since', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_ical_uploads_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ical_uploads'))
    )
    with op.batch_alter_table('ical_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ical_uploads_identity_id'), ['identity_id'], unique=False)

    with op.batch_alter_table('ical_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('importing_since', core.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ical_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
        batch_op.drop_column('importing_since')

    with op.batch_alter_table('ical_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ical_uploads_identity_id'))

    op.drop_table('ical_uploads')
