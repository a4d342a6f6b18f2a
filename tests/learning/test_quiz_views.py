"""Taking a module's quiz through the test client: the steps, the result with its feedback,
submitted once, and tampered state. Privacy and content versions: test_attempt_views.py."""

from __future__ import annotations

import base64
import time

import pytest
import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner

from tests.learning.quiztaker import (
    answered,
    attempts_of,
    choose,
    flashes,
    item_section,
    verdict,
)
from tests.pagetools import check_page, form_value, squash, strip_tags
from trainer.audit.models import AuditEvent
from trainer.content.render import render_inline
from trainer.content.schema import BranchingItem, MultipleItem, SingleItem
from trainer.core.extensions import db
from trainer.learning import quizflow


class TestQuizSteps:
    def test_the_start_page_states_the_rules(self, quiz, module):
        response = quiz.client.get(quiz.base)
        main = check_page(response.text).find("main")
        assert f"{len(module.quiz.items)} items" in main.text
        assert f"You pass with {module.quiz.pass_mark}% or more" in main.text
        assert "No attempts yet." in main.text
        assert (
            main.find("form", action=f"{quiz.base}/begin").find("button").text
            == "Start the quiz"
        )

    def test_each_step_shows_the_vignette_question_and_every_option(self, quiz, module):
        response = quiz.begin(quiz.start())
        for _ in range(200):
            if f'action="{quiz.base}/submit"' in response.text:
                break
            state = form_value(response.text, "state", action=f"{quiz.base}/step")
            step = quizflow.current_step(module, quiz.progress(state))
            main = check_page(response.text).find("main")
            assert f"item {step.index + 1} of {step.total}" in main.find("h1").text
            assert squash(step.item.vignette) in main.text
            question = step.point.question if step.point else step.item.question
            assert main.find("legend").text.startswith(squash(question))
            kind = "checkbox" if isinstance(step.item, MultipleItem) else "radio"
            inputs = main.find_all("input", name="chosen")
            assert [i.attrs["value"] for i in inputs] == [
                step.value(o) for o in step.options
            ]
            assert {i.attrs["type"] for i in inputs} == {kind}
            for element, option in zip(inputs, step.options, strict=True):
                label = main.find("label", for_=element.attrs["id"])
                assert label.text == strip_tags(render_inline(option.text))
            response = quiz.answer(
                state, choose(module, quiz.progress(state), right=True)
            )
        assert "all" in check_page(response.text).find("h1").text

    def test_a_step_without_an_answer_is_shown_again_with_a_message(self, quiz):
        state = form_value(
            quiz.begin(quiz.start()).text, "state", action=f"{quiz.base}/step"
        )
        response = quiz.answer(state, [])
        assert response.status_code == 422
        page = check_page(response.text)
        assert "Choose" in page.find(id="chosen-errors").text
        assert "item 1 of" in page.find("h1").text

    def test_an_option_that_was_not_shown_is_refused(self, quiz):
        state = form_value(
            quiz.begin(quiz.start()).text, "state", action=f"{quiz.base}/step"
        )
        response = quiz.answer(state, ["no-such-option"])
        assert response.status_code == 422
        assert (
            "Choose from the options shown."
            in check_page(response.text).find(id="chosen-errors").text
        )

    def test_a_multiple_select_item_needs_the_stated_number_of_choices(
        self, quiz, module, trainee
    ):
        progress = quizflow.start(module, 1, trainee_id=trainee.id)
        while not isinstance(
            quizflow.current_step(module, progress).item, MultipleItem
        ):
            quizflow.apply_answer(
                module, progress, choose(module, progress, right=True)
            )
        step = quizflow.current_step(module, progress)
        item = step.item
        state = quizflow.encode(progress, quiz.client.application.secret_key)
        response = quiz.answer(state, [item.options[0].id])
        assert response.status_code == 422
        if item.select != "all":
            assert (
                f"Choose exactly {item.select} options (you chose 1)." in response.text
            )
        checked = check_page(response.text).find_all("input", checked="")
        assert [box.attrs["value"] for box in checked] == [step.value(item.options[0])]


class TestAttemptResult:
    def test_failing_then_passing(self, quiz, signed_in, module, trainee):
        first = signed_in.get(quiz.take(right=False).headers["Location"])
        assert first.status_code == 200
        summary = verdict(first.text)
        assert summary.startswith("Not passed:")
        assert f"The pass mark is {module.quiz.pass_mark}%." in summary
        location = quiz.take(right=True).headers["Location"]
        assert location == f"/modules/{module.slug}/quiz/attempts/2"
        second = signed_in.get(location)
        assert "Attempt 2 recorded: 100%." in flashes(second.text)
        assert verdict(second.text).startswith("Passed: 100%")
        assert [a.is_passed for a in attempts_of(trainee)] == [False, True]

    def test_every_option_gets_its_feedback_and_every_item_its_rationale(
        self, quiz, signed_in, module, trainee
    ):
        html = signed_in.get(quiz.take(right=False).headers["Location"]).text
        [attempt] = attempts_of(trainee)
        for item in module.quiz.items:
            section = item_section(html, item.id)
            assert f"Rationale: {squash(item.rationale)}" in section.text
            if isinstance(item, BranchingItem):
                for point, option in quizflow.replay(item, attempt.answers[item.id]):
                    assert squash(point.situation) in section.text
                    assert squash(option.feedback) in section.text
                continue
            options = section.find_all("li", class_="option-result")
            assert len(options) == len(item.options)
            for element, option in zip(options, item.options, strict=True):
                assert squash(option.feedback) in element.text
                assert ("Keyed answer" in element.text) is option.correct
                assert ("Your choice" in element.text) is (
                    option.id in attempt.answers[item.id]["chosen"]
                )

    def test_credit_per_item_and_score_per_competency(
        self, quiz, signed_in, module, trainee
    ):
        html = signed_in.get(quiz.take(right=True).headers["Location"]).text
        single = next(
            item for item in module.quiz.items if isinstance(item, SingleItem)
        )
        assert "Full credit" in item_section(html, single.id).find("h3").text
        table = check_page(html).find("section", aria_labelledby="by-competency")
        rows = {
            row.find("th").text: row.text for row in table.find("tbody").find_all("tr")
        }
        [attempt] = attempts_of(trainee)
        assert (
            len(rows)
            == len(attempt.competency_scores)
            == len({item.competency for item in module.quiz.items})
        )
        for competency_id, score in attempt.competency_scores.items():
            statement = squash(module.competency(competency_id).statement)
            assert rows[statement].endswith(f"{score:g}% Secure")

    def test_the_history_lists_every_attempt_with_its_content_version(
        self, quiz, signed_in, module
    ):
        quiz.take(right=False)
        quiz.take(right=True)
        history = check_page(signed_in.get(quiz.base).text).find(
            "section", aria_labelledby="history"
        )
        rows = history.find("tbody").find_all("tr")
        assert [row.find("a").text for row in rows] == ["Attempt 2", "Attempt 1"]
        assert all("Content of " in row.text for row in rows)
        assert not any(module.version[:12] in row.text for row in rows)
        assert f"Passed (pass mark {module.quiz.pass_mark}%)" in rows[0].text
        assert f"Not passed (pass mark {module.quiz.pass_mark}%)" in rows[1].text

    def test_an_unknown_attempt_number_is_404(self, quiz, signed_in):
        quiz.take(right=True)
        assert signed_in.get(f"{quiz.base}/attempts/2").status_code == 404
        assert signed_in.get(f"{quiz.base}/attempts/0").status_code == 404


class TestSubmittedOnce:
    def test_a_double_click_records_one_attempt(self, quiz, trainee, signed_in):
        state, _ = quiz.answer_all(quiz.start(), right=True)
        first, second = quiz.submit(state), quiz.submit(state)
        assert (
            first.headers["Location"]
            == second.headers["Location"]
            == f"{quiz.base}/attempts/1"
        )
        assert len(attempts_of(trainee)) == 1
        assert "Attempt 1 was already recorded; here it is." in flashes(
            signed_in.get(second.headers["Location"]).text
        )
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "attempt.submitted")
        ).all()
        assert len(events) == 1

    def test_two_tabs_started_together_record_one_attempt(self, quiz, trainee):
        tab_a, tab_b = quiz.start(), quiz.start()
        state_a, _ = quiz.answer_all(tab_a, right=True)
        state_b, _ = quiz.answer_all(tab_b, right=False)
        assert quiz.submit(state_a).headers["Location"] == f"{quiz.base}/attempts/1"
        assert quiz.submit(state_b).headers["Location"] == f"{quiz.base}/attempts/1"
        [attempt] = attempts_of(trainee)
        assert attempt.score == 100

    def test_a_resubmit_after_going_back_records_one_attempt(self, quiz, trainee):
        start = quiz.start()
        state, steps = quiz.answer_all(start, right=False)
        quiz.submit(state)
        # Back to the last step, answer it differently, and submit again
        last = quiz.answer(
            steps[-1], choose(quiz.module, quiz.progress(steps[-1]), right=True)
        )
        quiz.submit(form_value(last.text, "state", action=f"{quiz.base}/submit"))
        # Back to the start page, and through the whole quiz again
        again, _ = quiz.answer_all(start, right=True)
        assert quiz.submit(again).headers["Location"] == f"{quiz.base}/attempts/1"
        [attempt] = attempts_of(trainee)
        assert not attempt.is_passed

    def test_a_new_start_after_submitting_is_the_next_attempt(self, quiz, trainee):
        quiz.take(right=False)
        assert quiz.take(right=True).headers["Location"] == f"{quiz.base}/attempts/2"
        assert [a.number for a in attempts_of(trainee)] == [1, 2]


class TestTamperedState:
    @pytest.fixture
    def secret(self, app):
        return app.config["SECRET_KEY"]

    def expect_restart(self, quiz, response, message: str) -> None:
        assert response.status_code == 302
        assert response.headers["Location"] == quiz.base
        page = quiz.client.get(quiz.base)
        assert page.status_code == 200
        assert message in flashes(page.text)

    @pytest.mark.parametrize("action", ["begin", "step", "submit"])
    def test_a_forged_state_asks_to_start_again(self, quiz, trainee, action):
        real = quiz.start()
        for forged in (
            "garbage",
            real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        ):
            response = quiz.client.post(
                f"{quiz.base}/{action}", data={"state": forged, "chosen": ["a"]}
            )
            self.expect_restart(
                quiz, response, "This quiz page has expired. Start the quiz again."
            )
        assert attempts_of(trainee) == []

    def test_a_state_of_another_quiz_is_refused(self, quiz, module, secret, trainee):
        progress = quizflow.start(module, 1, trainee_id=trainee.id)
        progress.slug = "another-module"
        response = quiz.begin(quizflow.encode(progress, secret))
        self.expect_restart(quiz, response, "This answer belongs to another quiz.")

    def test_a_state_of_an_older_version_is_refused(
        self, quiz, module, secret, trainee
    ):
        progress = quizflow.start(module, 1, trainee_id=trainee.id)
        progress.version = "0" * 64
        response = quiz.answer(quizflow.encode(progress, secret), ["a"])
        self.expect_restart(
            quiz,
            response,
            "The module was updated while you were taking its quiz. Start again on the new version.",
        )

    def test_an_expired_state_is_refused(
        self, quiz, module, secret, monkeypatch, trainee
    ):
        with monkeypatch.context() as patch:
            long_ago = int(time.time()) - quizflow.TOKEN_MAX_AGE - 60
            patch.setattr(TimestampSigner, "get_timestamp", lambda _signer: long_ago)
            state = quizflow.encode(
                quizflow.start(module, 1, trainee_id=trainee.id), secret
            )
        self.expect_restart(
            quiz, quiz.begin(state), "This quiz page has expired. Start the quiz again."
        )

    def test_a_state_issued_to_another_trainee_is_refused(
        self, quiz, module, secret, trainee, make_user
    ):
        other = make_user("trainee")
        progress = answered(module, right=True, trainee_id=other.id)
        response = quiz.submit(quizflow.encode(progress, secret))
        self.expect_restart(
            quiz,
            response,
            "This quiz page was opened by another account. Start the quiz again.",
        )
        assert attempts_of(trainee) == []

    def test_an_unfinished_quiz_cannot_be_submitted(self, quiz, trainee):
        response = quiz.submit(quiz.start())
        self.expect_restart(quiz, response, "Answer every item before you submit.")
        assert attempts_of(trainee) == []

    def test_an_attempt_number_out_of_order_is_refused(
        self, quiz, module, trainee, secret
    ):
        response = quiz.submit(
            quizflow.encode(
                answered(module, right=True, number=3, trainee_id=trainee.id), secret
            )
        )
        self.expect_restart(
            quiz, response, "This quiz page is out of date. Start the quiz again."
        )
        assert attempts_of(trainee) == []

    def test_answering_after_the_last_item_shows_the_submit_page(self, quiz):
        state, _ = quiz.answer_all(quiz.start(), right=True)
        response = quiz.answer(state, ["a"])
        assert response.status_code < 500
        assert f'action="{quiz.base}/submit"' in response.text

    @pytest.mark.parametrize("action", ["begin", "step", "submit"])
    def test_a_post_without_state_is_a_friendly_400(self, quiz, action):
        response = quiz.client.post(f"{quiz.base}/{action}", data={})
        assert response.status_code == 400
        check_page(response.text)


class TestOpaqueOptions:
    """The page's option values reveal neither the file's option ids nor their order."""

    def step_pages(self, quiz):
        """Every step page of one attempt, answered right: (step, [(input id, value, label
        text)] in page order) pairs."""
        response = quiz.begin(quiz.start())
        pages = []
        while f'action="{quiz.base}/step"' in response.text:
            state = form_value(response.text, "state", action=f"{quiz.base}/step")
            step = quizflow.current_step(quiz.module, quiz.progress(state))
            main = check_page(response.text).find("main")
            shown = [
                (
                    i.attrs["id"],
                    i.attrs["value"],
                    main.find("label", for_=i.attrs["id"]).text,
                )
                for i in main.find_all("input", name="chosen")
            ]
            pages.append((step, shown))
            response = quiz.answer(
                state, choose(quiz.module, quiz.progress(state), right=True)
            )
        return pages

    def test_no_value_or_input_id_is_a_file_id_and_values_change_every_attempt(
        self, quiz
    ):
        first, second = self.step_pages(quiz), self.step_pages(quiz)
        assert any(
            step.point is not None for step, _ in first
        )  # branching decisions too
        for (step, shown), (_, again) in zip(first, second, strict=True):
            file_ids = {o.id for o in step.options}
            values = [value for _, value, _ in shown]
            assert not file_ids & set(values)
            assert [input_id for input_id, _, _ in shown] == [
                f"option-{n}" for n in range(1, len(shown) + 1)
            ]
            assert not set(values) & {value for _, value, _ in again}

    def test_sorting_the_values_does_not_give_the_file_order(self, quiz):
        in_file_order = 0
        pages = self.step_pages(quiz)
        for step, shown in pages:
            listed = step.point.options if step.point is not None else step.item.options
            by_value = [label for _, label in sorted((v, t) for _, v, t in shown)]
            in_file_order += by_value == [
                strip_tags(render_inline(o.text)) for o in listed
            ]
        # by chance a step of 2-6 options may come out in file order, never most of them
        assert in_file_order < len(pages) / 2

    def test_the_state_cannot_be_read_in_the_page(self, quiz):
        state = form_value(
            quiz.begin(quiz.start()).text, "state", action=f"{quiz.base}/step"
        )
        readable = base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))
        assert b"seed" not in readable
        assert quiz.progress(state).seed.encode() not in readable

    @pytest.mark.parametrize("sent", [["a"], ["0"], ["option-1"]])
    def test_a_file_id_or_made_up_value_is_refused_with_the_form(self, quiz, sent):
        state = form_value(
            quiz.begin(quiz.start()).text, "state", action=f"{quiz.base}/step"
        )
        response = quiz.client.post(
            f"{quiz.base}/step", data={"state": state, "chosen": sent}
        )
        assert response.status_code == 422
        page = check_page(response.text)
        assert "Choose from the options shown." in page.find(id="chosen-errors").text
        assert page.find("form", action=f"{quiz.base}/step") is not None

    def test_the_recorded_attempt_keeps_the_files_option_ids(self, quiz, trainee):
        quiz.take(right=True)
        [attempt] = attempts_of(trainee)
        for item in quiz.module.quiz.items:
            answer = attempt.answers[item.id]
            if isinstance(item, BranchingItem):
                assert quizflow.replay(item, answer)  # ids that exist in the file
            else:
                assert sorted(answer["chosen"]) == sorted(
                    o.id for o in item.options if o.correct
                )
