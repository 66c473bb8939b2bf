"""What a Meeting Guide feed said about a meeting read from it: type codes, slug, group, page, updated

Revision ID: 9f7d5e59047c
Revises: 3f8a2c6e9b14
Create Date: 2026-11-30 17:30:00.000000

Meetings made here have none of these: their codes follow from their settings.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f7d5e59047c'
down_revision = '3f8a2c6e9b14'
branch_labels = None
depends_on = None


def upgrade():
    # Meetings already here were made here: no codes of a feed (NULL) and no source.
    texts = (('source_slug', 64), ('source_group', 255), ('source_url', 500))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_types', sa.String(length=300), nullable=True))
        for name, length in texts:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default='')
            )
        batch_op.add_column(
            sa.Column('source_updated', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        for name in ('source_updated', 'source_url', 'source_group', 'source_slug', 'feed_types'):
            batch_op.drop_column(name)
