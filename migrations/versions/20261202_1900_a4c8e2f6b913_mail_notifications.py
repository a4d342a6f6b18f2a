"""mail notifications: opt-outs on the user (the supervisor's daily digest of practice logs,
the trainee's e-mail when an evaluation is signed; both on by default) and the digests sent
(practice_digests: at most one per supervisor and day, each covering the logs submitted since
the previous one)

Revision ID: a4c8e2f6b913
Revises: 7d3e1a9b5c20
Create Date: 2026-12-02 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c8e2f6b913'
down_revision = '7d3e1a9b5c20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_digest_mail', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('has_sign_off_mail', sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table('practice_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('digest_on', sa.Date(), nullable=False),
    sa.Column('covered_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('log_count', sa.Integer(), nullable=False),
    sa.Column('mail_message_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('log_count > 0', name=op.f('ck_practice_digests_lists_something')),
    sa.CheckConstraint('covered_from < covered_until', name=op.f('ck_practice_digests_window_order')),
    sa.ForeignKeyConstraint(['mail_message_id'], ['mail_messages.id'], name=op.f('fk_practice_digests_mail_message_id_mail_messages')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_practice_digests_program_id_programs')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_practice_digests_supervisor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_digests')),
    sa.UniqueConstraint('supervisor_id', 'digest_on', name='uq_practice_digests_supervisor_day')
    )
    with op.batch_alter_table('practice_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_digests_program_id'), ['program_id'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_digests_program_id'))
    op.drop_table('practice_digests')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('has_sign_off_mail')
        batch_op.drop_column('has_digest_mail')
