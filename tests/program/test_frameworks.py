"""A program chooses the evidence framework its catalogue follows; a framework in which no
module has a level yet (the 2019 task force's, today) is refused with the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.learning.content_files import set_levels
from trainer.audit.models import AuditEvent
from trainer.content.loader import load_curriculum
from trainer.core.extensions import db
from trainer.program.catalogue import frameworks_with_content
from trainer.program.models import Program
from trainer.program.services import (
    FrameworkWithoutContent,
    ProgramError,
    create_program,
    set_framework,
)

REASON = (
    "The APA task force 2019 (third interdivisional task force) cannot be chosen yet: "
    "no module has a level in it, so your trainees would see an empty catalogue."
)


def program_events(program) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject == f"program:{program.id}")
            .order_by(AuditEvent.seq)
        )
    )


@pytest.fixture
def with_2019_content(app, tmp_path, monkeypatch):
    """The shipped content, with Empathy given a level in the 2019 framework."""
    source = Path(app.config["CONTENT_ROOT"])
    for folder in ("modules", "quizzes"):
        shutil.copytree(source / folder, tmp_path / folder)
    empathy = tmp_path / "modules" / "empathy.md"
    set_levels(empathy, {"apa-2011": "demonstrably", "apa-2019": "demonstrably"})
    monkeypatch.setitem(app.extensions, "curriculum", load_curriculum(tmp_path))


def test_the_shipped_curriculum_has_content_in_2011_only(app):
    assert frameworks_with_content() == {"apa-2011"}


def test_choosing_a_framework_without_content_is_refused_with_the_reason(
    program, director
):
    before = program_events(program)
    with pytest.raises(FrameworkWithoutContent) as refused:
        set_framework(program, "apa-2019", by=director)
    assert str(refused.value).startswith(REASON)
    assert program.framework == "apa-2011"
    assert program_events(program) == before


def test_a_program_cannot_be_created_on_a_framework_without_content(db_session):
    with pytest.raises(FrameworkWithoutContent) as refused:
        create_program("Too Early Program", framework="apa-2019")
    assert str(refused.value).startswith(REASON)
    assert (
        db.session.scalar(sa.select(Program).where(Program.name == "Too Early Program"))
        is None
    )


def test_an_unknown_framework_is_refused(program, director):
    with pytest.raises(ProgramError, match="There is no evidence framework 'apa-2030'"):
        set_framework(program, "apa-2030", by=director)


def test_a_framework_with_content_can_be_chosen_and_is_audited(
    program, director, with_2019_content
):
    set_framework(program, "apa-2019", by=director)
    assert program.framework == "apa-2019"
    assert program_events(program)[-1] == "program.framework_set"
    set_framework(program, "apa-2019", by=director)
    assert program_events(program).count("program.framework_set") == 1
