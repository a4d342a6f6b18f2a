from __future__ import annotations

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import check_password, create_user
from trainer.core.extensions import db
from trainer.program.demo import DEMO_COHORT, DEMO_PROGRAM
from trainer.program.models import Program
from trainer.program.services import create_program

DEMO_ACCOUNTS = {
    "trainee@example.org": Role.TRAINEE,
    "supervisor@example.org": Role.SUPERVISOR,
    "director@example.org": Role.DIRECTOR,
    "reviewer@example.org": Role.REVIEWER,
}


def demo_users() -> dict[str, User]:
    users = db.session.scalars(sa.select(User).where(User.email.in_(DEMO_ACCOUNTS)))
    return {user.email: user for user in users}


def demo_programs() -> list[Program]:
    return list(
        db.session.scalars(sa.select(Program).where(Program.name == DEMO_PROGRAM))
    )


class TestSeedDemo:
    def test_creates_the_demo_program_cohort_and_one_user_per_role(self, runner):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        [program] = demo_programs()
        assert [cohort.name for cohort in program.cohorts] == [DEMO_COHORT]
        users = demo_users()
        assert {email: user.role for email, user in users.items()} == DEMO_ACCOUNTS
        assert all(user.program_id == program.id for user in users.values())
        assert users["trainee@example.org"].cohort_id == program.cohorts[0].id
        assert users["reviewer@example.org"].access_expires_at is not None
        assert all(user.is_active for user in users.values())

    def test_every_demo_user_signs_in_with_demo_password(self, runner, client):
        runner.invoke(args=["seed-demo"])
        for user in demo_users().values():
            assert check_password(user, "demo-password")
        response = client.post(
            "/login", data={"email": "trainee@example.org", "password": "demo-password"}
        )
        assert response.status_code == 302

    def test_prints_the_accounts_and_the_password(self, runner):
        output = runner.invoke(args=["seed-demo"]).output
        assert "demo-password" in output
        for email in DEMO_ACCOUNTS:
            assert email in output

    def test_is_safe_to_run_twice(self, runner):
        first = runner.invoke(args=["seed-demo"])
        second = runner.invoke(args=["seed-demo"])
        assert first.exit_code == second.exit_code == 0
        assert "Demo data already present; nothing changed." in second.output
        assert len(demo_programs()) == 1
        assert len(demo_users()) == 4

    def test_signs_a_first_checkpoint_for_the_reviewers_tour(self, runner):
        from trainer.audit.models import AuditEvent, Checkpoint

        output = runner.invoke(args=["seed-demo"]).output
        checkpoints = list(db.session.scalars(sa.select(Checkpoint)))
        assert len(checkpoints) == 1
        head = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq)))
        # the checkpoint signs the head as it was; its own event follows it
        assert checkpoints[0].seq == head - 1
        assert f"Audit checkpoint signed at event {checkpoints[0].seq}." in output
        runner.invoke(args=["seed-demo"])
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Checkpoint)) == 1
        )

    def test_completes_what_is_missing_and_keeps_what_is_there(self, runner):
        program = create_program(DEMO_PROGRAM)
        existing = create_user(
            email="director@example.org",
            name="Existing Director",
            password="an-existing-password",
            role=Role.DIRECTOR,
            program_id=program.id,
        )
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        assert "cohort" in result.output
        assert f"program {DEMO_PROGRAM!r}" not in result.output
        assert len(demo_programs()) == 1
        users = demo_users()
        assert len(users) == 4
        assert users["director@example.org"] is existing
        assert check_password(existing, "an-existing-password")

    def test_refuses_to_run_outside_development(self, app, runner, monkeypatch):
        monkeypatch.setattr(app, "testing", False)
        monkeypatch.setattr(app, "debug", False)
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 1
        assert "seed-demo only runs in development" in result.output
        assert "Traceback" not in result.output
        assert demo_programs() == []
        assert demo_users() == {}

    def test_runs_in_debug_mode(self, app, runner, monkeypatch):
        monkeypatch.setattr(app, "testing", False)
        monkeypatch.setattr(app, "debug", True)
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        assert len(demo_users()) == 4
