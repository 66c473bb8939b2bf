"""A change alert keeps the instants it is about, so each reader gets them in their own zone

Revision ID: 8a768c148059
Revises: 9f7d5e59047c
Create Date: 2026-11-30 17:30:00.000000

Notices already written have no instants and are told with the words they were written with.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a768c148059'
down_revision = '9f7d5e59047c'
branch_labels = None
depends_on = None

INSTANTS = ('was_at', 'now_at')


def upgrade():
    with op.batch_alter_table('group_notices', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('change', sa.String(length=20), nullable=False, server_default='')
        )
        for name in INSTANTS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('group_notices', schema=None) as batch_op:
        for name in ('change', *INSTANTS):
            batch_op.drop_column(name)
