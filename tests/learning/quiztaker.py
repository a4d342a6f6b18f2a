"""Takes a quiz through the test client the way the pages do: start, begin, one step at a
time (the form field ``chosen`` carries the page's opaque values of the options, ``state``
the encrypted progress), then submit. Answers are chosen right or wrong, by option id, from
the module read from the curriculum, and sent as the values the step's page gives them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from tests.pagetools import check_page, form_value
from trainer.content.loader import Module
from trainer.content.schema import MultipleItem, Quality
from trainer.core.extensions import db
from trainer.learning import quizflow
from trainer.learning.quizflow import Progress
from trainer.record.models import Attempt


def choose(module: Module, progress: Progress, *, right: bool) -> list[str]:
    """The option ids that answer the current step rightly (full credit) or wrongly."""
    step = quizflow.current_step(module, progress)
    assert step is not None, "every item is answered already"
    if step.point is not None:
        wanted = Quality.BEST if right else Quality.POOR
        options = [o for o in step.point.options if o.quality is wanted] or [
            o for o in step.point.options if o.quality is not Quality.BEST
        ]
        return [options[0].id]
    item = step.item
    keyed = [option.id for option in item.options if option.correct]
    if right:
        return keyed
    unkeyed = [option.id for option in item.options if not option.correct]
    if isinstance(item, MultipleItem):
        wanted_count = len(keyed) if item.select == "all" else item.select
        return (unkeyed + keyed)[:wanted_count]
    return unkeyed[:1]


def answered(
    module: Module, *, right: bool, number: int = 1, trainee_id: int = 0
) -> Progress:
    """A complete progress answered right or wrong, built without HTTP (for data set-up)."""
    progress = quizflow.start(module, number, trainee_id=trainee_id)
    while not quizflow.is_complete(module, progress):
        quizflow.apply_answer(module, progress, choose(module, progress, right=right))
    return progress


class QuizTaker:
    def __init__(self, client, slug: str):
        self.client = client
        self.slug = slug
        self.base = f"/modules/{slug}/quiz"

    @property
    def module(self) -> Module:
        return current_app.extensions["curriculum"].get(self.slug)

    def progress(self, state: str) -> Progress:
        """What a state token carries (read without the owner check, for assertions)."""
        return quizflow.load_state(state, current_app.config["SECRET_KEY"])

    def values(self, state: str, chosen: list[str]) -> list[str]:
        """The values the step's page gives the options ``chosen`` (by id); anything that
        is not an option of the current step is sent as it is."""
        try:
            step = quizflow.current_step(self.module, self.progress(state))
        except quizflow.ProgressInvalid:
            return chosen
        if step is None:
            return chosen
        by_id = {option.id: value for value, option in step.choices}
        return [by_id.get(choice, choice) for choice in chosen]

    def start(self) -> str:
        """Open the quiz page; the state its start form carries."""
        response = self.client.get(self.base)
        assert response.status_code == 200, response.status
        return form_value(response.text, "state", action=f"{self.base}/begin")

    def follow(self, response):
        """Each step answers with a redirect to the step page (POST/redirect/GET); follow it
        as the browser does. Other redirects (back to the start page) are returned."""
        if response.status_code == 302 and response.headers["Location"] == (
            f"{self.base}/step"
        ):
            return self.client.get(response.headers["Location"])
        return response

    def begin(self, state: str):
        return self.follow(
            self.client.post(f"{self.base}/begin", data={"state": state})
        )

    def answer(self, state: str, chosen: list[str]):
        return self.follow(
            self.client.post(
                f"{self.base}/step",
                data={"state": state, "chosen": self.values(state, chosen)},
            )
        )

    def answer_all(self, state: str, *, right: bool) -> tuple[str, list[str]]:
        """Begin and answer every step; returns the submit form's state and the states of
        every step page on the way (for going Back)."""
        response = self.begin(state)
        steps: list[str] = []
        for _ in range(200):
            assert response.status_code == 200, response.status
            if f'action="{self.base}/submit"' in response.text:
                return form_value(
                    response.text, "state", action=f"{self.base}/submit"
                ), steps
            state = form_value(response.text, "state", action=f"{self.base}/step")
            steps.append(state)
            response = self.answer(
                state, choose(self.module, self.progress(state), right=right)
            )
        raise AssertionError("the quiz never reached its submit page")

    def submit(self, state: str):
        return self.client.post(f"{self.base}/submit", data={"state": state})

    def take(self, *, right: bool):
        """Start, answer every step and submit; returns the submit response (a redirect to
        the attempt's page)."""
        submit_state, _ = self.answer_all(self.start(), right=right)
        response = self.submit(submit_state)
        assert response.status_code == 302, response.status
        return response


# Reading what was recorded and shown


def attempts_of(user) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.trainee_id == user.id)
            .order_by(Attempt.number)
        )
    )


def flashes(html: str) -> list[str]:
    return [alert.text for alert in check_page(html).find_all(class_="alert")]


def verdict(html: str) -> str:
    """The result summary of an attempt page ("Passed: ..." or "Not passed: ...")."""
    alerts = check_page(html).find("main").find_all(class_="alert")
    return next(
        alert.text
        for alert in alerts
        if alert.text.startswith(("Passed", "Not passed"))
    )


def item_section(html: str, item_id: str):
    return check_page(html).find("section", aria_labelledby=f"item-{item_id}")
