"""A goal keeps a tally of its statistics as of a base day, so pages read only the days after it

Revision ID: eb67840df158
Revises: 28b27b39add9
Create Date: 2026-12-01 09:00:00.000000

Existing goals start without a tally; the first page that shows one writes it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb67840df158'
down_revision = "28b27b39add9"
branch_labels = None
depends_on = None

TALLY = (
    ('tally_day', sa.Date()),
    ('tally_first', sa.Date()),
    ('tally_score', sa.Double()),
    ('tally_ring', sa.SmallInteger()),
    ('tally_run', sa.Integer()),
    ('tally_best', sa.Integer()),
)


def upgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('history_version', sa.Integer(), nullable=False, server_default='0')
        )
        for name, kind in TALLY:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        for name, _kind in reversed(TALLY):
            batch_op.drop_column(name)
        batch_op.drop_column('history_version')
