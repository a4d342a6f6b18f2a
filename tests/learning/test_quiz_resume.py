"""Leaving a quiz and coming back resumes it; every step answers with a redirect, so Back and
Refresh never resubmit a form and nothing is recorded twice."""

from __future__ import annotations

import sqlalchemy as sa

from tests.learning.quiztaker import attempts_of, choose, flashes
from tests.pagetools import check_page, form_value
from trainer.core.extensions import db
from trainer.learning import quizflow
from trainer.learning.models import QuizProgress


def step_state(quiz, response) -> str:
    return form_value(response.text, "state", action=f"{quiz.base}/step")


def answer_until_item(quiz, item_number: int):
    """Begin and answer steps until the page shows item ``item_number``; returns that page
    and the states of the pages on the way."""
    page = quiz.begin(quiz.start())
    states = []
    for _ in range(100):
        state = step_state(quiz, page)
        step = quizflow.current_step(quiz.module, quiz.progress(state))
        if step.index + 1 == item_number:
            return page, states
        states.append(state)
        page = quiz.answer(state, choose(quiz.module, quiz.progress(state), right=True))
    raise AssertionError("never reached the item")


class TestEachStepRedirects:
    def test_beginning_and_answering_answer_with_a_redirect_to_the_step_page(
        self, quiz
    ):
        begun = quiz.client.post(f"{quiz.base}/begin", data={"state": quiz.start()})
        assert begun.status_code == 302
        assert begun.headers["Location"] == f"{quiz.base}/step"
        page = quiz.client.get(f"{quiz.base}/step")
        state = step_state(quiz, page)
        answered = quiz.client.post(
            f"{quiz.base}/step",
            data={
                "state": state,
                "chosen": quiz.values(
                    state, choose(quiz.module, quiz.progress(state), right=True)
                ),
            },
        )
        assert answered.status_code == 302
        assert answered.headers["Location"] == f"{quiz.base}/step"

    def test_refreshing_the_step_page_shows_the_same_item_and_records_nothing(
        self, quiz, trainee
    ):
        page, _ = answer_until_item(quiz, 2)
        again = quiz.client.get(f"{quiz.base}/step")
        assert (
            check_page(again.text).find("h1").text
            == check_page(page.text).find("h1").text
        )
        assert attempts_of(trainee) == []

    def test_back_then_answering_an_earlier_item_again_changes_nothing(self, quiz):
        _page, states = answer_until_item(quiz, 4)
        before = db.session.scalar(sa.select(QuizProgress)).state
        earlier = states[0]
        response = quiz.client.post(
            f"{quiz.base}/step",
            data={
                "state": earlier,
                "chosen": quiz.values(
                    earlier, choose(quiz.module, quiz.progress(earlier), right=False)
                ),
            },
        )
        assert response.headers["Location"] == f"{quiz.base}/step"
        shown = quiz.client.get(f"{quiz.base}/step")
        assert "item 4 of" in check_page(shown.text).find("h1").text
        assert "You had already answered that item" in " ".join(flashes(shown.text))
        db.session.expire_all()
        assert db.session.scalar(sa.select(QuizProgress)).state == before


class TestResume:
    def test_leaving_at_item_4_and_coming_back_resumes_at_item_4(self, quiz):
        answer_until_item(quiz, 4)
        quiz.client.get("/modules")  # the trainee goes elsewhere
        start = check_page(quiz.client.get(quiz.base).text)
        link = start.find("a", href=f"{quiz.base}/step")
        assert link.text == "Resume at item 4"
        resumed = quiz.client.get(link.attrs["href"])
        assert "item 4 of" in check_page(resumed.text).find("h1").text

    def test_signing_out_and_in_again_still_resumes(self, quiz, auth, trainee):
        answer_until_item(quiz, 3)
        auth.logout()
        auth.login(trainee)
        start = check_page(quiz.client.get(quiz.base).text)
        assert start.find("a", href=f"{quiz.base}/step").text == "Resume at item 3"

    def test_a_newer_content_version_offers_to_start_again_and_says_why(self, quiz):
        answer_until_item(quiz, 3)
        saved = db.session.scalar(sa.select(QuizProgress))
        saved.version = "0" * 64
        saved.state = {**saved.state, "version": "0" * 64}
        db.session.commit()
        page = check_page(quiz.client.get(quiz.base).text)
        assert page.find_all("a", href=f"{quiz.base}/step") == []
        assert "the module's content has been updated since" in page.text
        assert "start again below" in page.text
        response = quiz.client.get(f"{quiz.base}/step")
        assert response.headers["Location"] == quiz.base

    def test_submitting_ends_the_quiz_in_progress(self, quiz, trainee):
        quiz.take(right=True)
        assert db.session.scalars(sa.select(QuizProgress)).all() == []
        page = check_page(quiz.client.get(quiz.base).text)
        assert page.find_all("a", href=f"{quiz.base}/step") == []
        assert len(attempts_of(trainee)) == 1

    def test_starting_again_replaces_the_quiz_in_progress(self, quiz):
        answer_until_item(quiz, 3)
        begun = quiz.begin(quiz.start())
        assert "item 1 of" in check_page(begun.text).find("h1").text
        assert len(db.session.scalars(sa.select(QuizProgress)).all()) == 1


class TestModulePage:
    def test_take_the_quiz_is_offered_at_the_top_and_at_the_end(self, signed_in):
        page = check_page(signed_in.get("/modules/empathy").text)
        links = page.find_all("a", href="/modules/empathy/quiz")
        assert len(links) == 2
