"""A person may choose the country whose crisis help they see

Revision ID: 3c5e8a1f9d27
Revises: eb67840df158
Create Date: 2026-12-01 09:00:00.000000

Everyone starts with none: they see the deployment's country, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e8a1f9d27'
down_revision = "eb67840df158"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('country')
