"""practice and supervision: practice logs, feedback, supervisor assignments, evaluation
periods, minimum levels of achievement, draft and signed ratings, sign-offs,
acknowledgements and notifications

Practice logs, feedback, sign-offs, signed ratings and acknowledgements are append-only: the
database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) on them
(the trigger helpers below, frozen as they were when this migration was written). Draft ratings, notifications, assignments, periods and minimum
levels stay mutable.

Revision ID: 0c3110193c63
Revises: 6c6f944be6a3
Create Date: 2026-11-25 16:19:01.810824

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0c3110193c63'
down_revision = '6c6f944be6a3'
branch_labels = None
depends_on = None


# --- append-only trigger helpers, frozen with this migration ---------------------------------

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION trainer_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def create_function() -> None:
    """PostgreSQL: the shared trigger function (SQLite needs none)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)


def drop_function() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS trainer_refuse_change()")


def make_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION trainer_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION trainer_refuse_change()"
        )
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
            )


def drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


APPEND_ONLY = ("practice_logs", "feedback", "sign_offs", "signed_ratings", "acknowledgements")


def upgrade():
    op.create_table('evaluation_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on', name=op.f('ck_evaluation_periods_window_ordered')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_evaluation_periods_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_periods')),
    sa.UniqueConstraint('program_id', 'name', name='uq_evaluation_periods_program_name'),
    sa.UniqueConstraint('program_id', 'position', name='uq_evaluation_periods_program_position')
    )
    with op.batch_alter_table('evaluation_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_periods_program_id'), ['program_id'], unique=False)

    op.create_table('minimum_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('competency_id', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_minimum_levels_rubric_level')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_minimum_levels_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimum_levels')),
    sa.UniqueConstraint('program_id', 'module_slug', 'competency_id', name='uq_minimum_levels_program_competency')
    )
    op.create_table('draft_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('competency_id', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('observation', sa.Enum('in-room', 'live-video', 'video-recording', 'audio-recording', 'role-play', 'standardized-client', 'report-only', name='observation', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('evidence_log_ids', sa.JSON(), nullable=False),
    sa.Column('evidence_attempt_ids', sa.JSON(), nullable=False),
    sa.CheckConstraint('level IS NULL OR (observation IS NOT NULL AND observed_on IS NOT NULL)', name=op.f('ck_draft_ratings_rating_observed')),
    sa.CheckConstraint('level IS NULL OR level BETWEEN 1 AND 5', name=op.f('ck_draft_ratings_rubric_level')),
    sa.ForeignKeyConstraint(['period_id'], ['evaluation_periods.id'], name=op.f('fk_draft_ratings_period_id_evaluation_periods')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_draft_ratings_program_id_programs')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_draft_ratings_supervisor_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_draft_ratings_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_ratings')),
    sa.UniqueConstraint('supervisor_id', 'trainee_id', 'period_id', 'module_slug', 'competency_id', name='uq_draft_ratings_supervisor_competency')
    )
    with op.batch_alter_table('draft_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_ratings_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_ratings_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ratings-signed', 'practice-logged', name='notification_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_notifications_program_id_programs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_seen', ['user_id', 'seen_at'], unique=False)

    op.create_table('practice_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('competency_id', sa.String(length=60), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('practised_on', sa.Date(), nullable=False),
    sa.Column('modality', sa.Enum('individual', 'couple-family', 'group', 'youth', name='modality', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('clinic_type', sa.Enum('outpatient', 'inpatient', 'community', 'counselling-centre', 'school', 'primary-care', 'private-practice', 'other', name='clinic_type', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('what_i_did', sa.Text(), nullable=False),
    sa.Column('client_response', sa.Text(), nullable=False),
    sa.Column('reflection', sa.Text(), nullable=False),
    sa.Column('self_rating', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(supersedes_id IS NULL AND correction_reason IS NULL) OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)', name=op.f('ck_practice_logs_correction_has_reason')),
    sa.CheckConstraint('self_rating BETWEEN 1 AND 5', name=op.f('ck_practice_logs_self_rating_level')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_practice_logs_program_id_programs')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['practice_logs.id'], name=op.f('fk_practice_logs_supersedes_id_practice_logs')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_practice_logs_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_logs')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_practice_logs_supersedes_id')),
    sa.UniqueConstraint('trainee_id', 'submission_token', name='uq_practice_logs_trainee_token')
    )
    with op.batch_alter_table('practice_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_logs_program_id'), ['program_id'], unique=False)
        batch_op.create_index('ix_practice_logs_trainee_competency', ['trainee_id', 'module_slug', 'competency_id'], unique=False)

    op.create_table('sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meaning', sa.String(length=300), nullable=False),
    sa.Column('is_correction', sa.Boolean(), nullable=False),
    sa.Column('ratings_digest', sa.String(length=64), nullable=False),
    sa.Column('submission_token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['evaluation_periods.id'], name=op.f('fk_sign_offs_period_id_evaluation_periods')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_sign_offs_program_id_programs')),
    sa.ForeignKeyConstraint(['signer_id'], ['users.id'], name=op.f('fk_sign_offs_signer_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_sign_offs_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_offs')),
    sa.UniqueConstraint('signer_id', 'submission_token', name='uq_sign_offs_signer_token')
    )
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_offs_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_offs_signer_id'), ['signer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_offs_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('supervisor_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('supervisor_id <> trainee_id', name=op.f('ck_supervisor_assignments_distinct_people')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_supervisor_assignments_program_id_programs')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_supervisor_assignments_supervisor_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_supervisor_assignments_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor_assignments')),
    sa.UniqueConstraint('supervisor_id', 'trainee_id', name='uq_supervisor_assignments_supervisor_trainee')
    )
    with op.batch_alter_table('supervisor_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_assignments_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervisor_assignments_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sign_off_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sign_off_id'], ['sign_offs.id'], name=op.f('fk_acknowledgements_sign_off_id_sign_offs')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_acknowledgements_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgements')),
    sa.UniqueConstraint('sign_off_id', name=op.f('uq_acknowledgements_sign_off_id'))
    )
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('attempt', 'sign-off', name='feedback_subject', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('sign_off_id', sa.Integer(), nullable=True),
    sa.Column('module_slug', sa.String(length=60), nullable=True),
    sa.Column('helpful', sa.Integer(), nullable=False),
    sa.Column('fit_to_goals', sa.Integer(), nullable=False),
    sa.Column('approach', sa.Integer(), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(subject = 'attempt' AND attempt_id IS NOT NULL AND sign_off_id IS NULL AND module_slug IS NOT NULL) OR (subject = 'sign-off' AND sign_off_id IS NOT NULL AND attempt_id IS NULL)", name=op.f('ck_feedback_one_subject')),
    sa.CheckConstraint('approach BETWEEN 0 AND 10', name=op.f('ck_feedback_approach_scale')),
    sa.CheckConstraint('fit_to_goals BETWEEN 0 AND 10', name=op.f('ck_feedback_fit_to_goals_scale')),
    sa.CheckConstraint('helpful BETWEEN 0 AND 10', name=op.f('ck_feedback_helpful_scale')),
    sa.CheckConstraint('overall BETWEEN 0 AND 10', name=op.f('ck_feedback_overall_scale')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_feedback_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_feedback_program_id_programs')),
    sa.ForeignKeyConstraint(['sign_off_id'], ['sign_offs.id'], name=op.f('fk_feedback_sign_off_id_sign_offs')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_feedback_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_feedback_attempt_id')),
    sa.UniqueConstraint('sign_off_id', name=op.f('uq_feedback_sign_off_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('signed_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sign_off_id', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=60), nullable=False),
    sa.Column('competency_id', sa.String(length=60), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('observation', sa.Enum('in-room', 'live-video', 'video-recording', 'audio-recording', 'role-play', 'standardized-client', 'report-only', name='observation', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.Column('evidence_log_ids', sa.JSON(), nullable=False),
    sa.Column('evidence_attempt_ids', sa.JSON(), nullable=False),
    sa.CheckConstraint('(supersedes_id IS NULL AND correction_reason IS NULL) OR (supersedes_id IS NOT NULL AND correction_reason IS NOT NULL)', name=op.f('ck_signed_ratings_correction_has_reason')),
    sa.CheckConstraint('level IS NULL OR (observation IS NOT NULL AND observed_on IS NOT NULL)', name=op.f('ck_signed_ratings_rating_observed')),
    sa.CheckConstraint('level IS NULL OR level BETWEEN 1 AND 5', name=op.f('ck_signed_ratings_rubric_level')),
    sa.ForeignKeyConstraint(['period_id'], ['evaluation_periods.id'], name=op.f('fk_signed_ratings_period_id_evaluation_periods')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_signed_ratings_program_id_programs')),
    sa.ForeignKeyConstraint(['sign_off_id'], ['sign_offs.id'], name=op.f('fk_signed_ratings_sign_off_id_sign_offs')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['signed_ratings.id'], name=op.f('fk_signed_ratings_supersedes_id_signed_ratings')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_signed_ratings_supervisor_id_users')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_signed_ratings_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_ratings')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_signed_ratings_supersedes_id'))
    )
    with op.batch_alter_table('signed_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_ratings_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_ratings_sign_off_id'), ['sign_off_id'], unique=False)
        batch_op.create_index('ix_signed_ratings_trainee_competency', ['trainee_id', 'module_slug', 'competency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_ratings_trainee_id'), ['trainee_id'], unique=False)


    create_function()
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    # The trigger function stays: the audit migration before this one still uses it.
    for table in APPEND_ONLY:
        drop_append_only(table)

    with op.batch_alter_table('signed_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_ratings_trainee_id'))
        batch_op.drop_index('ix_signed_ratings_trainee_competency')
        batch_op.drop_index(batch_op.f('ix_signed_ratings_sign_off_id'))
        batch_op.drop_index(batch_op.f('ix_signed_ratings_program_id'))

    op.drop_table('signed_ratings')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_program_id'))

    op.drop_table('feedback')
    op.drop_table('acknowledgements')
    with op.batch_alter_table('supervisor_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_assignments_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_supervisor_assignments_program_id'))

    op.drop_table('supervisor_assignments')
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_offs_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_sign_offs_signer_id'))
        batch_op.drop_index(batch_op.f('ix_sign_offs_program_id'))

    op.drop_table('sign_offs')
    with op.batch_alter_table('practice_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_logs_trainee_competency')
        batch_op.drop_index(batch_op.f('ix_practice_logs_program_id'))

    op.drop_table('practice_logs')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_seen')

    op.drop_table('notifications')
    with op.batch_alter_table('draft_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_ratings_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_draft_ratings_program_id'))

    op.drop_table('draft_ratings')
    op.drop_table('minimum_levels')
    with op.batch_alter_table('evaluation_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_periods_program_id'))

    op.drop_table('evaluation_periods')
