"""Goal check-ins by owner and day carry their goal and status, so the weeks shown come from the index alone

Revision ID: 9d4f1b7c3a52
Revises: c41f7a9e2b60
Create Date: 2026-12-02 05:00:00.000000

/progress reads every goal's check-ins of the weeks it shows by owner and day. With only those
two columns in the index, each of the thousands of rows was then looked up in the table; with the
goal and the status in it too, the index answers on its own. It replaces the narrower index, whose
reads it serves as well.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4f1b7c3a52'
down_revision = 'c41f7a9e2b60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goal_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_goal_checkins_owner_day_status', ['user_id', 'day', 'goal_id', 'status'], unique=False)
        batch_op.drop_index('ix_goal_checkins_owner_day')


def downgrade():
    with op.batch_alter_table('goal_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_goal_checkins_owner_day', ['user_id', 'day'], unique=False)
        batch_op.drop_index('ix_goal_checkins_owner_day_status')
