"""Practice and supervision pages issue the same number of SQL queries whatever the number of
logs, attempts, ratings, sign-offs, notifications, feedback or trainees."""

from __future__ import annotations

import itertools

import pytest

from tests.factories.supervision import draft, log_practice, sign, take_attempt
from trainer.feedback.services import give_attempt_feedback, give_sign_off_feedback
from trainer.learning.services import next_attempt_number
from trainer.program.assignments import assign_supervisor
from trainer.record.models import Observation
from trainer.record.queries import current_signed
from trainer.supervision.acknowledgements import acknowledge
from trainer.supervision.signing import sign_off_ratings

SCORES = {"helpful": 8, "fit_to_goals": 6, "approach": 7, "overall": 9}


def grow(supervisor, trainee, periods, modules, make_user, rounds: int) -> None:
    """More of everything: logs, attempts with feedback, signed ratings with acknowledgements
    and feedback, drafts, notifications, and another assigned trainee with the same."""
    pairs = itertools.cycle([(m, c.id) for m in modules for c in m.meta.competencies])
    for _ in range(rounds):
        someone = make_user("trainee")
        assign_supervisor(supervisor, someone)
        for who in (trainee, someone):
            for module in modules:
                log_practice(who, module, self_rating=2)
                attempt = take_attempt(
                    who,
                    module,
                    right=True,
                    number=next_attempt_number(who, module.slug),
                )
                give_attempt_feedback(who, attempt, SCORES, "Useful.")
            for period in periods:
                module, competency = next(pairs)
                if _signed(who, period, module, competency):
                    continue
                draft(
                    supervisor, who, period, module, competency, 4, Observation.IN_ROOM
                )
                sign_off = sign(supervisor, who, period)
                acknowledge(who, sign_off, "Noted.")
                give_sign_off_feedback(who, sign_off, SCORES)
        module, competency = next(pairs)
        if not _signed(trainee, periods[-1], module, competency):
            draft(
                supervisor,
                trainee,
                periods[-1],
                module,
                competency,
                3,
                Observation.ROLE_PLAY,
            )


def _signed(trainee, period, module, competency) -> bool:
    return current_signed(trainee.id, period.id, module.slug, competency) is not None


PAGES = {
    "trainee": [
        "/practice",
        "/practice?competency={module}/{competency}",
        "/practice/{log}",
        "/progress",
        "/modules",
        "/notifications",
        "/supervision/sign-offs/{sign_off}",
        "/feedback/sign-offs/{sign_off}",
    ],
    "supervisor": [
        "/supervision",
        "/supervision/trainees/{trainee}",
        "/supervision/trainees/{trainee}/modules/{module}",
        "/supervision/sign-offs/{sign_off}",
        "/supervision/ratings/{rating}/correct",
        "/supervision/feedback",
        "/notifications",
        "/practice/{log}",
    ],
    "director": ["/program/feedback"],
}


@pytest.mark.parametrize(
    ("role", "url"),
    [(role, url) for role, urls in PAGES.items() for url in urls],
    ids=lambda v: str(v),
)
def test_queries_do_not_grow_with_the_data(
    role,
    url,
    client,
    auth,
    supervisor,
    trainee,
    director,
    assigned,
    periods,
    module,
    other_module,
    make_user,
    count_queries,
):
    log = log_practice(trainee, module)
    take_attempt(trainee, module)
    draft(supervisor, trainee, periods[0], module, module.meta.competencies[0].id, 4)
    sign_off = sign(supervisor, trainee, periods[0])
    values = {
        "module": module.slug,
        "competency": module.meta.competencies[0].id,
        "trainee": trainee.id,
        "log": log.id,
        "sign_off": sign_off.id,
        "rating": sign_off_ratings(sign_off)[0].id,
    }
    target = url.format(**values)
    auth.login(
        {"trainee": trainee, "supervisor": supervisor, "director": director}[role]
    )

    def measure() -> int:
        client.get(target)  # warm caches (curriculum, parsed content) before counting
        with count_queries() as queries:
            response = client.get(target)
        assert response.status_code == 200, f"{target}: {response.status}"
        return len(queries)

    small = measure()
    grow(supervisor, trainee, periods, [module, other_module], make_user, rounds=3)
    large = measure()
    assert small == large, (
        f"{target}: {small} queries with little data, {large} with more"
    )
