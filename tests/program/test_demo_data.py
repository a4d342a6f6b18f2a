"""`flask --app app demo-data`: a synthetic program whose records and audit chain hold up."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.audit.parallel import verify_chain
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import check_password
from trainer.content.scoring import score_attempt
from trainer.core.extensions import db
from trainer.program.catalogue import curriculum
from trainer.program.demo_data import generate, synthetic_email
from trainer.program.models import Program, SupervisorAssignment
from trainer.program.periods import evaluation_periods
from trainer.record.models import (
    Acknowledgement,
    Attempt,
    PracticeLog,
    SignedRating,
    SignOff,
)
from trainer.supervision.signing import digest


def count(model, *where) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(*where)
    )


class TestGenerate:
    def test_creates_people_in_realistic_proportions(self, db_session):
        program = generate(trainees=16, seed=3)
        roles = dict(
            db.session.execute(
                sa.select(User.role, sa.func.count())
                .where(User.program_id == program.id)
                .group_by(User.role)
            ).all()
        )
        assert roles == {Role.DIRECTOR: 1, Role.SUPERVISOR: 2, Role.TRAINEE: 16}
        assert (
            count(SupervisorAssignment, SupervisorAssignment.program_id == program.id)
            == 16
        )
        periods = evaluation_periods(program.id)
        assert [period.name for period in periods] == ["Mid-year", "End-of-year"]

    def test_accounts_sign_in_with_the_demo_password(self, db_session):
        program = generate(trainees=2)
        user = db.session.scalar(
            sa.select(User).where(
                User.email == synthetic_email("trainee", 2, program.id)
            )
        )
        assert check_password(user, "demo-password")

    def test_attempts_are_scored_by_the_real_rules(self, db_session):
        program = generate(trainees=3, seed=5)
        attempts = list(
            db.session.scalars(
                sa.select(Attempt).where(Attempt.program_id == program.id)
            )
        )
        assert len(attempts) >= 3 * len(curriculum())
        for attempt in attempts[:40]:
            module = curriculum().get(attempt.module_slug)
            result = score_attempt(module.quiz, attempt.answers)
            assert (attempt.score, attempt.is_passed) == (
                result.score,
                result.is_passed,
            )

    def test_ratings_are_signed_over_both_periods_some_below_mla_some_indirect(
        self, db_session
    ):
        program = generate(trainees=8, seed=2)
        sign_offs = list(
            db.session.scalars(
                sa.select(SignOff).where(SignOff.program_id == program.id)
            )
        )
        assert len(sign_offs) == 8 * 2
        ratings = list(
            db.session.scalars(
                sa.select(SignedRating).where(SignedRating.program_id == program.id)
            )
        )
        assert any(r.level is not None and r.level < 4 for r in ratings)
        assert any(r.level is not None and not r.is_direct for r in ratings)
        for sign_off in sign_offs:
            own = sorted(
                (r for r in ratings if r.sign_off_id == sign_off.id), key=lambda r: r.id
            )
            assert sign_off.ratings_digest == digest(own)
            assert any(r.is_direct for r in own)
        assert 0 < count(Acknowledgement) <= len(sign_offs)
        assert count(PracticeLog, PracticeLog.program_id == program.id) >= 8 * 5

    def test_every_row_has_its_audit_event_and_the_chain_verifies(self, db_session):
        program = generate(trainees=4)
        events = dict(
            db.session.execute(
                sa.select(AuditEvent.action, sa.func.count())
                .where(AuditEvent.program_id == program.id)
                .group_by(AuditEvent.action)
            ).all()
        )
        assert events["attempt.submitted"] == count(
            Attempt, Attempt.program_id == program.id
        )
        assert events["practice.logged"] == count(
            PracticeLog, PracticeLog.program_id == program.id
        )
        assert events["supervision.signed"] == 8
        assert events["supervision.acknowledged"] == count(Acknowledgement)
        assert events["user.created"] == 4 + 1 + 1
        report = verify_chain(db.session.connection())
        assert report.ok, report.problem

    def test_a_second_program_gets_its_own_name(self, db_session):
        first = generate(trainees=1)
        second = generate(trainees=1)
        assert first.name != second.name
        assert verify_chain(db.session.connection()).ok


class TestCommand:
    def test_creates_the_program_and_prints_the_accounts(self, runner):
        result = runner.invoke(args=["demo-data", "--trainees", "2"])
        assert result.exit_code == 0, result.output
        program = db.session.scalar(sa.select(Program))
        assert synthetic_email("trainee", 1, program.id) in result.output
        assert "demo-password" in result.output

    def test_refuses_to_run_outside_development(self, app, runner, monkeypatch):
        monkeypatch.setattr(app, "testing", False)
        monkeypatch.setattr(app, "debug", False)
        result = runner.invoke(args=["demo-data", "--trainees", "2"])
        assert result.exit_code == 1
        assert "demo-data only runs in development" in result.output
        assert db.session.scalar(sa.select(Program)) is None
