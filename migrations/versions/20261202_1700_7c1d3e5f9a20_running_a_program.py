"""running a program: cohorts archive, supervisor assignments end (history kept), evaluation
periods close, minimum levels keep a dated history, a signed rating keeps the minimum level in
force when it was signed

- cohorts.archived_at: an archived cohort leaves the director's working lists; nothing is deleted.
- supervisor_assignments.ended_at: ending an assignment dates it instead of deleting the row; only
  rows without an end date give a supervisor access. The unique (supervisor, trainee) pair is
  dropped so that a trainee can be assigned to the same supervisor again after an end.
- evaluation_periods.closed_at: a closed period takes no more ratings in the director's view and
  makes "below the minimum level" an at-risk flag.
- minimum_level_changes: every change of a minimum level, dated, with who made it.
- signed_ratings.minimum_level: the MLA in force when the rating was signed (NULL for ratings
  signed before this revision).

Revision ID: 7c1d3e5f9a20
Revises: 5e2b9c4d7a13
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d3e5f9a20'
down_revision = '5e2b9c4d7a13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('supervisor_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_supervisor_assignments_supervisor_trainee', type_='unique')
        batch_op.create_index('ix_supervisor_assignments_supervisor_id', ['supervisor_id'], unique=False)

    with op.batch_alter_table('evaluation_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('minimum_level_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('competency_id', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('previous', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_minimum_level_changes_rubric_level')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_minimum_level_changes_program_id_programs')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_minimum_level_changes_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimum_level_changes'))
    )
    with op.batch_alter_table('minimum_level_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minimum_level_changes_program_id'), ['program_id'], unique=False)

    # a plain ADD COLUMN: a batch copy would drop the table's append-only triggers
    op.add_column('signed_ratings', sa.Column('minimum_level', sa.Integer(), nullable=True))


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+, PostgreSQL): keeps the append-only triggers
    op.execute('ALTER TABLE signed_ratings DROP COLUMN minimum_level')

    with op.batch_alter_table('minimum_level_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minimum_level_changes_program_id'))
    op.drop_table('minimum_level_changes')

    with op.batch_alter_table('evaluation_periods', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

    op.execute('DELETE FROM supervisor_assignments WHERE ended_at IS NOT NULL')
    with op.batch_alter_table('supervisor_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_supervisor_assignments_supervisor_id')
        batch_op.create_unique_constraint('uq_supervisor_assignments_supervisor_trainee', ['supervisor_id', 'trainee_id'])
        batch_op.drop_column('ended_at')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
