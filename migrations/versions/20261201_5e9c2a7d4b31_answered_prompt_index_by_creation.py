"""The prompt answered last is the newest answered entry by creation, on an index of its own order

Revision ID: 5e9c2a7d4b31
Revises: 7b2d4e6f8a10
Create Date: 2026-12-01 13:00:00.000000

The index of answered entries was ordered like the index of all live entries (by the day they
are about), so SQLite could take either for the dashboard's "prompt answered last" and, taking
the live one, walked every entry. Ordered by id, it is the only index that serves that read, and
"last" now means the one written down last, which is what a prompt just answered is.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e9c2a7d4b31'
down_revision = '7b2d4e6f8a10'
branch_labels = None
depends_on = None

ANSWERED = sa.text('deleted_at IS NULL AND prompt_key IS NOT NULL')


def upgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_answered_owner', ['user_id', 'id'], unique=False, sqlite_where=ANSWERED, postgresql_where=ANSWERED)
        batch_op.drop_index('ix_journal_entries_answered_owner_written', sqlite_where=ANSWERED, postgresql_where=ANSWERED)


def downgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_answered_owner_written', ['user_id', 'written_at', 'id'], unique=False, sqlite_where=ANSWERED, postgresql_where=ANSWERED)
        batch_op.drop_index('ix_journal_entries_answered_owner', sqlite_where=ANSWERED, postgresql_where=ANSWERED)
