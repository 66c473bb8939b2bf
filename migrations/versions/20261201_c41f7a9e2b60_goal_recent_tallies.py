"""A goal keeps a second tally at the Sunday before this week, so the today list walks a week

Revision ID: c41f7a9e2b60
Revises: 5e9c2a7d4b31
Create Date: 2026-12-01 17:30:00.000000

Existing goals start without one; the first today list that shows a goal writes it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41f7a9e2b60'
down_revision = '5e9c2a7d4b31'
branch_labels = None
depends_on = None

RECENT = (
    ('recent_day', sa.Date()),
    ('recent_first', sa.Date()),
    ('recent_score', sa.Double()),
    ('recent_ring', sa.SmallInteger()),
    ('recent_run', sa.Integer()),
    ('recent_best', sa.Integer()),
)


def upgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        for name, kind in RECENT:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        for name, _kind in reversed(RECENT):
            batch_op.drop_column(name)
