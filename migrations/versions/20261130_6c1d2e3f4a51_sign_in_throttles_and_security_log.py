"""Wrong passwords counted per address, a security log per person, where a session signed in from

Revision ID: 6c1d2e3f4a51
Revises: 5b0c1d2e3f40
Create Date: 2026-11-30 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '6c1d2e3f4a51'
down_revision = '5b0c1d2e3f40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttles',
        sa.Column('address_digest', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retry_after', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('address_digest', name=op.f('pk_sign_in_throttles')),
    )
    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('device', sa.String(length=120), nullable=False),
        sa.Column('network', sa.String(length=48), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_security_events_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events')),
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index('ix_security_events_user_created', ['user_id', 'created_at'], unique=False)
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network', sa.String(length=48), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('network')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index('ix_security_events_user_created')
    op.drop_table('security_events')
    op.drop_table('sign_in_throttles')
