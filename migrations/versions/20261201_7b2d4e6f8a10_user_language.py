"""A person may choose the language of their pages, mail and reminders

Revision ID: 7b2d4e6f8a10
Revises: 3c5e8a1f9d27
Create Date: 2026-12-01 12:00:00.000000

Everyone starts with none: pages follow the browser's languages and mail is in English, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2d4e6f8a10'
down_revision = '3c5e8a1f9d27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
