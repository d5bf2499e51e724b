"""testkit_dress_code: the events' dress codes

Revision ID: tkdress0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'tkdress0001'
down_revision = None
branch_labels = ('testkit_dress_code',)
depends_on = '0001'


def upgrade() -> None:
    op.create_table('testkit_dress_codes',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('dress_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_testkit_dress_codes_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_testkit_dress_codes'))
    )


def downgrade() -> None:
    op.drop_table('testkit_dress_codes')
