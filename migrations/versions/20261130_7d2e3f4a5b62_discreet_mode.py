"""Discreet mode: an account can ask for neutral titles, app name and mail subjects

Revision ID: 7d2e3f4a5b62
Revises: becf3c7912be
Create Date: 2026-11-30 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e3f4a5b62'
down_revision = 'becf3c7912be'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('discreet', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('discreet')
