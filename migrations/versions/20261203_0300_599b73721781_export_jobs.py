"""export jobs: an export asked for on /reports, built in the background (a thread of the
app process or `export run-queued`), with its state, progress (trainees done of total),
heartbeat, error in words and finished bundle under EXPORT_FOLDER

Revision ID: 599b73721781
Revises: a4c8e2f6b913
Create Date: 2026-12-03 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '599b73721781'
down_revision = 'a4c8e2f6b913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('paper', sa.String(length=10), nullable=False),
    sa.Column('period_ids', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='export_job_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('file_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('export_id', sa.String(length=32), nullable=True),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint('done >= 0 AND total >= 0 AND attempts >= 0', name=op.f('ck_export_jobs_counts_positive')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_export_jobs_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_export_jobs_program_id_programs')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_export_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_program_id'), ['program_id'], unique=False)
        batch_op.create_index('ix_export_jobs_state_id', ['state', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_state_id')
        batch_op.drop_index(batch_op.f('ix_export_jobs_program_id'))

    op.drop_table('export_jobs')
