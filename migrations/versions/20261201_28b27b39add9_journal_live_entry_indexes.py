"""Journal indexes cover live entries only, so counting and listing them reads no deleted rows

Revision ID: 28b27b39add9
Revises: 8a768c148059
Create Date: 2026-12-01 09:00:00.000000

The owner's list index becomes partial (deleted_at IS NULL): the list, its count and the search
scan then read the index alone (deleted_at, always NULL there, is a column so that SQLite sees
it). A second partial index finds the latest answered prompt without walking entries that
answered none.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '28b27b39add9'
down_revision = '8a768c148059'
branch_labels = None
depends_on = None

LIVE = sa.text('deleted_at IS NULL')
ANSWERED = sa.text('deleted_at IS NULL AND prompt_key IS NOT NULL')
COLUMNS = ['user_id', 'written_at', 'id']


def upgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_live_owner_written', [*COLUMNS, 'deleted_at'], unique=False, sqlite_where=LIVE, postgresql_where=LIVE)
        batch_op.create_index('ix_journal_entries_answered_owner_written', COLUMNS, unique=False, sqlite_where=ANSWERED, postgresql_where=ANSWERED)
        batch_op.drop_index('ix_journal_entries_owner_written')


def downgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_owner_written', COLUMNS, unique=False)
        batch_op.drop_index('ix_journal_entries_answered_owner_written', sqlite_where=ANSWERED, postgresql_where=ANSWERED)
        batch_op.drop_index('ix_journal_entries_live_owner_written', sqlite_where=LIVE, postgresql_where=LIVE)
