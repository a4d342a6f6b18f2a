"""audit: append-only audit events and attempts, signed checkpoints

The database itself refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) on audit_events,
attempts and checkpoints (the trigger helpers below, frozen as they were when this migration was written); checkpoints hold the signed chain heads.

Revision ID: 6c6f944be6a3
Revises: b2804faa7385
Create Date: 2026-11-25 16:16:57.960889

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c6f944be6a3'
down_revision = 'b2804faa7385'
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


APPEND_ONLY = ("audit_events", "attempts", "checkpoints")


def upgrade():
    op.create_table('checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=88), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_checkpoints_seq_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoints'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_program_seq', ['program_id', 'seq'], unique=False)

    create_function()
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        drop_append_only(table)
    _drop_function_if_unused()

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_program_seq')
    op.drop_table('checkpoints')


def _drop_function_if_unused():
    """PostgreSQL: later migrations may have made other tables append-only with the same
    trigger function; it goes only when no trigger uses it any more."""
    if op.get_bind().dialect.name != "postgresql":
        return
    in_use = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE p.proname = 'trainer_refuse_change'"
    ).scalar()
    if not in_use:
        drop_function()
