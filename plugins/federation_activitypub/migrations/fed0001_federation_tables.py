"""federation tables

Revision ID: fed0001
Revises: 
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import core.db.base

revision = 'fed0001'
down_revision = None
branch_labels = ('federation_activitypub',)
depends_on = '0001'


def upgrade() -> None:

    op.create_table('ap_domains',
    sa.Column('domain', sa.String(length=300), nullable=False),
    sa.Column('failing_since', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('unavailable', sa.Boolean(), nullable=False),
    sa.Column('last_success_at', core.db.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('domain', name=op.f('pk_ap_domains'))
    )
    op.create_table('ap_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.String(length=2000), nullable=False),
    sa.Column('actor', sa.String(length=2000), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', core.db.base.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_inbox')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_ap_inbox_activity_id'))
    )
    op.create_table('ap_objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ap_id', sa.String(length=2000), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', core.db.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_objects')),
    sa.UniqueConstraint('ap_id', name=op.f('uq_ap_objects_ap_id'))
    )
    with op.batch_alter_table('ap_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ap_objects_local_id'), ['local_id'], unique=False)

    op.create_table('ap_actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity_id', sa.Integer(), nullable=False),
    sa.Column('ap_id', sa.String(length=2000), nullable=False),
    sa.Column('inbox', sa.String(length=2000), nullable=False),
    sa.Column('shared_inbox', sa.String(length=2000), nullable=False),
    sa.Column('followers_url', sa.String(length=2000), nullable=False),
    sa.Column('key_id', sa.String(length=2000), nullable=False),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('private_key_pem', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('icon_url', sa.String(length=2000), nullable=False),
    sa.Column('fetched_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['identities.id'], name=op.f('fk_ap_actors_identity_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_actors')),
    sa.UniqueConstraint('ap_id', name=op.f('uq_ap_actors_ap_id')),
    sa.UniqueConstraint('identity_id', name=op.f('uq_ap_actors_identity_id'))
    )
    op.create_table('ap_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('followed_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.String(length=2000), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['followed_id'], ['identities.id'], name=op.f('fk_ap_follows_followed_id_identities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follower_id'], ['identities.id'], name=op.f('fk_ap_follows_follower_id_identities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ap_follows')),
    sa.UniqueConstraint('follower_id', 'followed_id', name=op.f('uq_ap_follows_follower_id_followed_id'))
    )
    with op.batch_alter_table('ap_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ap_follows_followed_id'), ['followed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ap_follows_follower_id'), ['follower_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('ap_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ap_follows_follower_id'))
        batch_op.drop_index(batch_op.f('ix_ap_follows_followed_id'))

    op.drop_table('ap_follows')
    op.drop_table('ap_actors')
    with op.batch_alter_table('ap_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ap_objects_local_id'))

    op.drop_table('ap_objects')
    op.drop_table('ap_inbox')
    op.drop_table('ap_domains')

