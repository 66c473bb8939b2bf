"""A meeting counts the changes to when it happens, for calendars' SEQUENCE

Revision ID: 3f8a2c6e9b14
Revises: d4e7b43da131
Create Date: 2026-11-30 17:30:00.000000

Every meeting there is starts at 0.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f8a2c6e9b14'
down_revision = 'd4e7b43da131'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('sequence')
