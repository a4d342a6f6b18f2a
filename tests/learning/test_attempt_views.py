"""Attempts after they are submitted: no trainee sees another's, and an old attempt is
always shown against the content version it was taken on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from tests.conftest import AuthActions
from tests.learning.content_files import edit
from tests.learning.quiztaker import (
    QuizTaker,
    attempts_of,
    flashes,
    item_section,
    verdict,
)
from tests.pagetools import check_page, squash


class TestPrivacy:
    def test_a_trainee_never_sees_another_trainees_attempt(
        self, app, quiz, make_user, trainee
    ):
        quiz.take(right=True)
        other = make_user("trainee", name="Bea Other")
        other_client = app.test_client()
        AuthActions(other_client).login(other)
        assert other_client.get(f"{quiz.base}/attempts/1").status_code == 404
        QuizTaker(other_client, quiz.slug).take(right=False)
        response = other_client.get(f"{quiz.base}/attempts/1")
        assert response.status_code == 200
        assert verdict(response.text).startswith("Not passed")
        assert [a.trainee_id for a in attempts_of(other)] == [other.id]
        assert len(attempts_of(trainee)) == 1


class TestOldContentVersions:
    @pytest.fixture
    def change_content(self, module, content_copy, use_content):
        """Edit the Empathy module and quiz (a new content version) and serve the edit."""

        def change():
            module_path = content_copy / "modules" / f"{module.slug}.md"
            edit(
                module_path,
                f"title: {module.title}\n",
                f"title: {module.title} (2nd ed.)\n",
            )
            quiz_path = content_copy / "quizzes" / f"{module.slug}.yaml"
            data = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
            data["items"][0]["vignette"] = (
                "A REVISED VIGNETTE. " + data["items"][0]["vignette"]
            )
            quiz_path.write_text(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                encoding="utf-8",
            )
            new = use_content(content_copy).get(module.slug)
            assert new.version != module.version
            return new

        return change

    def test_an_old_attempt_is_shown_against_its_own_version(
        self, quiz, signed_in, module, change_content
    ):
        location = quiz.take(right=True).headers["Location"]
        new = change_content()
        response = signed_in.get(location)
        assert response.status_code == 200
        main = check_page(response.text).find("main")
        assert main.find("h1").text == f"Attempt 1: {module.title}"
        status = verdict(response.text)
        # a trainee reads the version as a date, never as a hash
        assert module.version[:12] not in response.text
        assert "on the content of " in status
        assert "the module has changed since; this attempt is shown as it was" in status
        first = item_section(response.text, module.quiz.items[0].id).text
        assert squash(module.quiz.items[0].vignette) in first
        assert "A REVISED VIGNETTE" not in first
        assert new.version[:12] not in status

    def test_a_new_attempt_is_taken_on_the_new_version(
        self, quiz, signed_in, module, change_content
    ):
        quiz.take(right=False)
        new = change_content()
        response = signed_in.get(quiz.take(right=True).headers["Location"])
        main = check_page(response.text).find("main")
        assert main.find("h1").text == f"Attempt 2: {new.title}"
        assert "has changed since" not in main.text
        assert (
            "A REVISED VIGNETTE"
            in item_section(response.text, new.quiz.items[0].id).text
        )
        history = (
            main.find("section", aria_labelledby="history").find("tbody").find_all("tr")
        )
        assert all(row.text.count("Content of ") == 1 for row in history)
        assert new.version[:12] not in main.text
        assert module.version[:12] not in main.text

    def test_a_quiz_begun_on_the_old_version_must_start_again(
        self, quiz, trainee, change_content
    ):
        state, _ = quiz.answer_all(quiz.start(), right=True)
        change_content()
        response = quiz.submit(state)
        assert response.headers["Location"] == quiz.base
        message = "The module was updated while you were taking its quiz. Start again on the new version."
        assert message in flashes(quiz.client.get(quiz.base).text)
        assert attempts_of(trainee) == []


def test_an_attempt_is_stored_with_its_version_and_times(quiz, module, trainee):
    quiz.take(right=True)
    [attempt] = attempts_of(trainee)
    assert attempt.content_version.version == module.version
    assert attempt.content_version.quiz_source == module.quiz_source
    assert (
        timedelta(0) <= attempt.submitted_at - attempt.started_at < timedelta(minutes=5)
    )
