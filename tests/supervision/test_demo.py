"""seed-demo prepares supervision: the demo supervisor supervises the demo trainee, and the
demo program has a mid-year and an end-of-year evaluation period; running it again adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.auth.services import find_user_by_email
from trainer.core.extensions import db
from trainer.program.assignments import assigned_trainees
from trainer.program.demo import DEMO_PROGRAM
from trainer.program.models import EvaluationPeriod, SupervisorAssignment
from trainer.program.periods import evaluation_periods
from trainer.program.services import find_program


def test_seed_demo_assigns_the_supervisor_and_creates_the_periods(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    program = find_program(DEMO_PROGRAM)
    assert [p.name for p in evaluation_periods(program.id)] == [
        "Mid-year",
        "End-of-year",
    ]
    supervisor = find_user_by_email("supervisor@example.org")
    assert [t.email for t in assigned_trainees(supervisor)] == ["trainee@example.org"]


def test_running_it_twice_adds_nothing(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert db.session.scalar(sa.select(sa.func.count(EvaluationPeriod.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(SupervisorAssignment.id))) == 1
