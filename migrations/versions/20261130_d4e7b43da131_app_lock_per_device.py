"""An app lock per signed-in device: idle minutes, a hashed PIN, wrong tries, last activity

Revision ID: d4e7b43da131
Revises: 7d2e3f4a5b62
Create Date: 2026-11-30 16:30:00.000000

Every session there is starts without a lock.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e7b43da131'
down_revision = '7d2e3f4a5b62'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lock_pin_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column('lock_failures', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('last_active_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('locked', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('locked')
        batch_op.drop_column('last_active_at')
        batch_op.drop_column('lock_failures')
        batch_op.drop_column('lock_pin_hash')
        batch_op.drop_column('lock_minutes')
