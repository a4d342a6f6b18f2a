"""The trainee's home opens with "What to do next": signed evaluations to acknowledge, a quiz
to resume, the next module in catalogue order, practice to log in the current period; in
words, and in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.supervision import log_practice, take_attempt, verify
from tests.learning.conftest import SLUG
from tests.pagetools import check_page
from trainer.learning import quizflow
from trainer.learning.services import catalogue, save_progress
from trainer.program.periods import create_evaluation_period
from trainer.program.services import program_today


def steps_on(client) -> list[str]:
    response = client.get("/modules")
    assert response.status_code == 200
    page = check_page(response.text)
    sections = page.find_all("div", aria_labelledby="next-steps-heading")
    if not sections:
        return []
    return [li.text for li in sections[0].find_all("li")]


def first_module(trainee):
    return catalogue(trainee)[0].modules[0]


def test_a_new_trainee_is_told_to_open_the_first_module_of_the_catalogue(
    signed_in, trainee
):
    first = first_module(trainee)
    [step] = steps_on(signed_in)
    assert f"Next module: \u201c{first.title}\u201d" in step
    assert "Read it, then take its scenario quiz." in step
    html = signed_in.get("/modules").text
    assert check_page(html).find("h2", id="next-steps-heading").text == (
        "What to do next"
    )
    assert html.index("next-steps-heading") < html.index(
        'id="band-'
    )  # it opens the page


def test_a_passed_module_moves_the_next_step_on(signed_in, trainee):
    order = [m for band in catalogue(trainee) for m in band.modules]
    take_attempt(trainee, order[0], right=True)
    [step] = steps_on(signed_in)
    assert order[1].title in step


def test_a_failed_quiz_says_to_retake_it(signed_in, trainee):
    first = first_module(trainee)
    take_attempt(trainee, first, right=False)
    [step] = steps_on(signed_in)
    assert first.title in step
    assert "retake it" in step


def test_a_quiz_in_progress_is_offered_to_resume(signed_in, trainee, curriculum):
    empathy = curriculum.get(SLUG)
    save_progress(trainee, quizflow.start(empathy, 1, trainee_id=trainee.id))
    steps = steps_on(signed_in)
    assert steps[0].startswith(f"You began the quiz of \u201c{empathy.title}\u201d")
    assert "Resume the quiz of" in steps[0]
    assert all(f"Next module: \u201c{empathy.title}" not in s for s in steps)


def test_a_signed_evaluation_comes_first_and_links_to_progress(
    client, auth, trainee, supervisor, assigned, mid_year, curriculum
):
    verify(supervisor, trainee, mid_year, curriculum.get(SLUG))
    auth.login(trainee)
    steps = steps_on(client)
    assert steps[0].startswith(
        f"{supervisor.name} signed your Mid-year evaluation. Read it and acknowledge it."
    )
    page = check_page(client.get("/modules").text)
    section = page.find("div", aria_labelledby="next-steps-heading")
    assert section.find("a").attrs["href"] == "/progress"


def test_practice_to_log_in_the_current_period(signed_in, trainee, program, curriculum):
    today = program_today(trainee)
    period = create_evaluation_period(
        program,
        "Spring",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
    )
    empathy = curriculum.get(SLUG)
    take_attempt(trainee, empathy, right=True)
    first, second = empathy.meta.competencies[:2]
    log_practice(trainee, empathy, first.id)
    steps = steps_on(signed_in)
    [practice] = [s for s in steps if "Log practice" in s]
    assert f"Nothing is logged yet in {period.name}" in practice
    assert second.statement in practice
    assert first.statement not in practice


def test_no_current_period_means_no_practice_step(signed_in, trainee, curriculum):
    take_attempt(trainee, curriculum.get(SLUG), right=True)
    assert not [s for s in steps_on(signed_in) if "Log practice" in s]


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_other_roles_see_no_next_steps_on_the_catalogue(persona, request, client, auth):
    auth.login(request.getfixturevalue(persona))
    response = client.get("/modules")
    if response.status_code == 200:
        assert "What to do next" not in response.text


def test_the_home_issues_a_fixed_number_of_queries(
    signed_in,
    trainee,
    program,
    supervisor,
    assigned,
    mid_year,
    curriculum,
    count_queries,
):
    def measure() -> int:
        with count_queries() as statements:
            assert signed_in.get("/modules").status_code == 200
        return len(statements)

    today = program_today(trainee)
    create_evaluation_period(
        program,
        "Spring",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
    )
    modules = [m for band in catalogue(trainee) for m in band.modules]
    take_attempt(trainee, modules[0], right=True)
    verify(supervisor, trainee, mid_year, modules[0])
    small = measure()
    assert measure() == small
    for module in modules[1:6]:
        take_attempt(trainee, module, right=True)
        for competency in module.meta.competencies:
            log_practice(trainee, module, competency.id)
        save_progress(trainee, quizflow.start(module, 2, trainee_id=trainee.id))
    verify(supervisor, trainee, mid_year, modules[1])
    assert measure() == small
