"""Feedback, practised as taught: the trainee rates a quiz attempt or a supervision once;
supervisors read it on their own supervisions; directors read totals that name no one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories.supervision import draft_module, sign, take_attempt
from tests.pagetools import check_page
from trainer.core.extensions import db
from trainer.feedback.models import Feedback
from trainer.feedback.services import (
    MINIMUM_GROUP,
    FeedbackError,
    give_attempt_feedback,
    give_sign_off_feedback,
    module_aggregates,
    supervisor_feedback,
)
from trainer.privacy.check import IdentifierFound
from trainer.program.assignments import assign_supervisor

SCORES = {"helpful": 8, "fit_to_goals": 6, "approach": 7, "overall": 9}
FORM = {
    "helpful": "8",
    "fit_to_goals": "6",
    "approach": "7",
    "overall": "9",
    "comment": "The branching item helped.",
}


class TestServices:
    def test_attempt_feedback_is_recorded_once(self, trainee, module):
        attempt = take_attempt(trainee, module)
        first, created = give_attempt_feedback(trainee, attempt, SCORES, "Useful.")
        again, created_again = give_attempt_feedback(
            trainee, attempt, {**SCORES, "overall": 0}
        )
        assert created
        assert not created_again
        assert again.id == first.id
        assert first.scores() == SCORES
        assert first.module_slug == module.slug

    def test_only_on_your_own_attempt(self, trainee, other_trainee, module):
        attempt = take_attempt(trainee, module)
        with pytest.raises(FeedbackError):
            give_attempt_feedback(other_trainee, attempt, SCORES)

    @pytest.mark.parametrize(
        "scores", [{**SCORES, "overall": 11}, {**SCORES, "helpful": -1}, {"helpful": 5}]
    )
    def test_each_scale_runs_from_0_to_10(self, trainee, module, scores):
        attempt = take_attempt(trainee, module)
        with pytest.raises(FeedbackError):
            give_attempt_feedback(trainee, attempt, scores)

    def test_a_comment_is_de_identified(self, trainee, module):
        attempt = take_attempt(trainee, module)
        with pytest.raises(IdentifierFound):
            give_attempt_feedback(trainee, attempt, SCORES, "Mail me: t@example.org")

    def test_supervisors_see_feedback_on_their_own_supervisions_only(
        self, supervisor, other_supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        sign_off = sign(supervisor, trainee, mid_year)
        feedback, _ = give_sign_off_feedback(
            trainee, sign_off, SCORES, "Clear and kind."
        )
        assert [
            (f.id, s.id, name) for f, s, name in supervisor_feedback(supervisor)
        ] == [(feedback.id, sign_off.id, trainee.name)]
        assert supervisor_feedback(other_supervisor) == []

    def test_feedback_rows_cannot_be_changed(self, trainee, module):
        attempt = take_attempt(trainee, module)
        feedback, _ = give_attempt_feedback(trainee, attempt, SCORES)
        for statement in (
            "UPDATE feedback SET overall = 0 WHERE id = :id",
            "DELETE FROM feedback WHERE id = :id",
        ):
            with (
                pytest.raises(sa.exc.DBAPIError, match="append-only"),
                db.session.begin_nested(),
            ):
                db.session.execute(sa.text(statement), {"id": feedback.id})


class TestAggregates:
    def test_groups_below_the_minimum_are_not_shown(self, make_user, module):
        trainees = [make_user("trainee") for _ in range(MINIMUM_GROUP)]
        for count, trainee in enumerate(trainees, start=1):
            give_attempt_feedback(
                trainee,
                take_attempt(trainee, module),
                {**SCORES, "overall": count},
                f"Note {count}",
            )
            entry = module_aggregates(trainee.program_id)[module.slug]
            assert entry.quiz.responses == count
            assert entry.quiz.is_shown is (count >= MINIMUM_GROUP)
            assert bool(entry.quiz.comments) is (count >= MINIMUM_GROUP)
        entry = module_aggregates(trainees[0].program_id)[module.slug]
        assert entry.quiz.means["overall"] == pytest.approx(2.0)
        assert entry.quiz.comments == ["Note 1", "Note 2", "Note 3"]

    def test_supervision_feedback_counts_for_each_module_it_rated(
        self, make_user, supervisor, mid_year, module, other_module
    ):
        for _ in range(MINIMUM_GROUP):
            trainee = make_user("trainee")
            assign_supervisor(supervisor, trainee)
            draft_module(supervisor, trainee, mid_year, module)
            draft_module(supervisor, trainee, mid_year, other_module)
            give_sign_off_feedback(trainee, sign(supervisor, trainee, mid_year), SCORES)
        aggregates = module_aggregates(supervisor.program_id)
        assert aggregates[module.slug].supervision.responses == MINIMUM_GROUP
        assert aggregates[other_module.slug].supervision.responses == MINIMUM_GROUP
        assert aggregates[module.slug].quiz.responses == 0

    def test_another_programs_feedback_is_not_counted(self, outsider, director, module):
        give_attempt_feedback(outsider, take_attempt(outsider, module), SCORES)
        assert module_aggregates(director.program_id) == {}


class TestPages:
    def test_the_attempt_result_links_to_the_feedback_form(
        self, client, auth, trainee, module
    ):
        attempt = take_attempt(trainee, module)
        auth.login(trainee)
        page = check_page(
            client.get(f"/modules/{module.slug}/quiz/attempts/{attempt.number}").text
        )
        assert (
            page.find("a", href=f"/feedback/attempts/{attempt.id}").text
            == "Rate this quiz"
        )

    def test_the_trainee_gives_quiz_feedback_once(self, client, auth, trainee, module):
        attempt = take_attempt(trainee, module)
        auth.login(trainee)
        url = f"/feedback/attempts/{attempt.id}"
        page = check_page(client.get(url).text)
        assert len(page.find_all("fieldset", class_="scale")) == 4
        assert client.post(url, data=FORM).status_code == 302
        assert client.post(url, data={**FORM, "overall": "0"}).status_code == 302
        [stored] = db.session.scalars(sa.select(Feedback))
        assert stored.overall == 9
        assert "9 out of 10" in check_page(client.get(url).text).text

    def test_a_missing_scale_rerenders_with_the_input(
        self, client, auth, trainee, module
    ):
        attempt = take_attempt(trainee, module)
        auth.login(trainee)
        response = client.post(
            f"/feedback/attempts/{attempt.id}", data={**FORM, "approach": ""}
        )
        assert response.status_code == 422
        page = check_page(response.text)
        assert "Answer “How well did the approach suit me?” from 0 to 10." in page.text
        assert page.find("input", id="helpful-8").attrs.get("checked") is not None
        assert "The branching item helped." in page.find("textarea", id="comment").text

    def test_supervision_feedback_is_shown_to_the_signing_supervisor(
        self, client, auth, world
    ):
        auth.login(world.trainee)
        url = f"/feedback/sign-offs/{world.sign_off.id}"
        assert (
            client.post(url, data={**FORM, "comment": "Felt heard."}).status_code == 302
        )
        auth.logout()
        auth.login(world.supervisor)
        page = check_page(client.get("/supervision/feedback").text)
        assert world.trainee.name in page.text
        assert "Felt heard." in page.text
        assert (
            "Felt heard."
            in client.get(f"/supervision/sign-offs/{world.sign_off.id}").text
        )

    def test_the_director_sees_totals_that_name_no_trainee(
        self, client, auth, director, make_user, module
    ):
        trainees = [
            make_user("trainee", name=f"Named Person {n}") for n in range(MINIMUM_GROUP)
        ]
        for trainee in trainees:
            give_attempt_feedback(
                trainee,
                take_attempt(trainee, module),
                SCORES,
                f"Comment from {trainee.id}",
            )
        auth.login(director)
        page = check_page(client.get("/program/feedback").text)
        assert module.title in page.find("table").text
        assert "8.0" in page.find("table").text
        assert not any(trainee.name in page.text for trainee in trainees)
        assert not any(trainee.email in page.text for trainee in trainees)
