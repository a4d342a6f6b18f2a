"""Fixtures for the trainee's journey: the curriculum, a signed-in trainee, a quiz taker, and
a writable copy of the content for tests that change a module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.factories.supervision import assigned, mid_year, periods  # noqa: F401
from tests.learning.quiztaker import QuizTaker
from trainer.content.loader import load_curriculum

SLUG = "empathy"


@pytest.fixture
def curriculum(app):
    return app.extensions["curriculum"]


@pytest.fixture
def module(curriculum):
    """The Empathy module, which every curriculum ships."""
    return curriculum.get(SLUG)


@pytest.fixture
def signed_in(client, auth, trainee):
    auth.login(trainee)
    return client


@pytest.fixture
def quiz(signed_in):
    return QuizTaker(signed_in, SLUG)


@pytest.fixture
def content_copy(app, tmp_path) -> Path:
    """A writable copy of the content files."""
    source = Path(app.config["CONTENT_ROOT"])
    for folder in ("modules", "quizzes"):
        shutil.copytree(source / folder, tmp_path / "content" / folder)
    return tmp_path / "content"


@pytest.fixture
def use_content(app, monkeypatch):
    """Serve the curriculum loaded from another content folder for the rest of the test."""

    def use(root: Path):
        curriculum = load_curriculum(root)
        monkeypatch.setitem(app.extensions, "curriculum", curriculum)
        return curriculum

    return use
