"""quiz progress: the quiz a trainee has begun and not yet submitted, one row per trainee and
module, so that leaving a quiz and coming back resumes it (removed on submission)

Revision ID: 7a1c3e5f9b20
Revises: 7c1d3e5f9a20
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c3e5f9b20'
down_revision = '7c1d3e5f9a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_quiz_progress_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_progress')),
    sa.UniqueConstraint('trainee_id', 'module_slug', name='uq_quiz_progress_trainee_id_module_slug')
    )


def downgrade():
    op.drop_table('quiz_progress')
