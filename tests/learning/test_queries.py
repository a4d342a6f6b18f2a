"""Each page of the trainee's journey issues the same number of SQL queries whatever the
number of attempts and users: measured at a small and at a large data size."""

from __future__ import annotations

import pytest

from tests.learning.conftest import SLUG
from tests.learning.quiztaker import QuizTaker, answered, choose
from tests.pagetools import form_value
from trainer.learning.services import next_attempt_number, submit_attempt

QUIZ = f"/modules/{SLUG}/quiz"


def add_attempts(trainee, modules, count: int) -> None:
    """``count`` more attempts by ``trainee``, spread over the modules, passed and failed."""
    for n in range(count):
        module = modules[n % len(modules)]
        progress = answered(
            module, right=n % 3 == 0, number=next_attempt_number(trainee, module.slug)
        )
        submit_attempt(trainee, module, progress)


def prepare(page: str, client):
    """What it takes to reach the page; returns the request to measure."""
    taker = QuizTaker(client, SLUG)
    if page == "quiz begin":
        start_state = taker.start()
        return lambda: taker.begin(start_state)
    if page == "quiz step":
        state = form_value(
            taker.begin(taker.start()).text, "state", action=f"{QUIZ}/step"
        )
        chosen = choose(taker.module, taker.progress(state), right=True)
        return lambda: taker.answer(state, chosen)
    url = {
        "catalogue": "/modules",
        "module": f"/modules/{SLUG}",
        "quiz start": QUIZ,
        "attempt result": f"{QUIZ}/attempts/1",
        "progress": "/progress",
    }[page]
    return lambda: client.get(url)


def measure(page: str, client, count_queries) -> int:
    """The number of SQL statements of one request of the page."""
    request = prepare(page, client)
    with count_queries() as statements:
        response = request()
    assert response.status_code == 200, f"{page}: {response.status}"
    assert statements, f"{page}: no query counted (the user is loaded on every page)"
    return len(statements)


PAGES = [
    "catalogue",
    "module",
    "quiz start",
    "quiz begin",
    "quiz step",
    "attempt result",
    "progress",
]


@pytest.mark.parametrize("page", PAGES)
def test_page_issues_a_constant_number_of_queries(
    page, signed_in, trainee, make_user, curriculum, count_queries
):
    modules = list(curriculum)
    empathy = curriculum.get(SLUG)
    submit_attempt(trainee, empathy, answered(empathy, right=False, number=1))
    peer = make_user("trainee")
    add_attempts(peer, modules, 1)
    small = measure(page, signed_in, count_queries)
    assert measure(page, signed_in, count_queries) == small, (
        f"{page}: not even stable at one size"
    )

    add_attempts(trainee, modules, 29)
    for _ in range(38):
        add_attempts(make_user("trainee"), modules, 1)
    for _ in range(3):
        make_user("supervisor")
    large = measure(page, signed_in, count_queries)
    assert large == small, (
        f"{page}: {small} queries with 1 attempt and 2 users, {large} with 30 and 40"
    )
