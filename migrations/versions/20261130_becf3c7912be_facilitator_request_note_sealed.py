"""The note on a facilitator request is sealed like all private text

Revision ID: becf3c7912be
Revises: 12a3d3770833
Create Date: 2026-11-30 13:30:00.000000

The notes already written are sealed here, each for the person who wrote it, with the app's
encryption keys (this needs CAREGIVER_ENCRYPTION_KEYS, as the app does). A downgrade brings the
plain column back empty: the notes stay sealed away rather than return to the clear, and only
an undecided request's note is ever shown.
"""
from alembic import context, op
import sqlalchemy as sa

from caregiver import crypto


# revision identifiers, used by Alembic.
revision = 'becf3c7912be'
down_revision = '12a3d3770833'
branch_labels = None
depends_on = None


def upgrade():
    if context.is_offline_mode():
        raise RuntimeError("Sealing the notes needs the database: run this migration online.")
    with op.batch_alter_table('facilitator_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_sealed', sa.LargeBinary(), nullable=True))

    crypto.seal_column(op.get_bind(), 'facilitator_requests', 'note', 'note_sealed')

    with op.batch_alter_table('facilitator_requests', schema=None) as batch_op:
        batch_op.alter_column('note_sealed', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('note')


def downgrade():
    with op.batch_alter_table('facilitator_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('facilitator_requests', schema=None) as batch_op:
        batch_op.alter_column('note', existing_type=sa.Text(), server_default=None)
        batch_op.drop_column('note_sealed')
