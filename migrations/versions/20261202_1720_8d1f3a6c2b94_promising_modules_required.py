"""promising modules required: a program setting that counts the modules the framework rates
promising towards its requirements (off by default)

Revision ID: 8d1f3a6c2b94
Revises: 7a1c3e5f9b20
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d1f3a6c2b94'
down_revision = '7a1c3e5f9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_promising_required', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('is_promising_required')
