"""mail, invitations and password resets: the outbox (mail_messages), invitations to join a
program, and password-reset links

mail_messages is the outbox: a message is written in the transaction of the action that sends
it and delivered after the commit (retried with backoff until MAX_ATTEMPTS, then marked
failed); its body is emptied once sent.

Revision ID: 7d3e1a9b5c20
Revises: 5e2b9c4d7a13
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3e1a9b5c20'
down_revision = '5e2b9c4d7a13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='mail_status', native_enum=False, length=30, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_mail_messages_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_program_id'), ['program_id'], unique=False)
        batch_op.create_index('ix_mail_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_messages_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_mail_messages_program_id'))
    op.drop_table('mail_messages')
