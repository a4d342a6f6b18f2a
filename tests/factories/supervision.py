"""Builders and fixtures for practice and supervision tests: assignments, evaluation periods,
practice logs, attempts, draft and signed ratings, made through the real services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code
from tests.learning.quiztaker import answered
from trainer.auth.second_factor import is_enrolled
from trainer.content.loader import Module
from trainer.core.tokens import new_submission_token
from trainer.feedback.services import give_attempt_feedback
from trainer.learning.services import submit_attempt
from trainer.practice.services import LogInput, submit_log
from trainer.program.assignments import assign_supervisor
from trainer.program.periods import create_evaluation_period
from trainer.program.services import program_today
from trainer.record.models import ClinicType, Modality, Observation
from trainer.supervision.services import RatingInput, save_draft
from trainer.supervision.signing import sign_off_ratings, sign_period

SLUG = "empathy"


def log_input(trainee, **overrides) -> LogInput:
    values = {
        "practised_on": program_today(trainee) - timedelta(days=1),
        "modality": Modality.INDIVIDUAL,
        "clinic_type": ClinicType.OUTPATIENT,
        "what_i_did": "Reflected the feeling under the client's complaint about work.",
        "client_response": "The client paused, then said it was loneliness more than anger.",
        "reflection": "I waited longer before reflecting; next time I will check the meaning sooner.",
        "self_rating": 4,
    }
    values.update(overrides)
    return LogInput(**values)


def log_practice(
    trainee, module: Module, competency_id: str | None = None, **overrides
):
    competency = (
        module.competency(competency_id)
        if competency_id
        else module.meta.competencies[0]
    )
    log, _created = submit_log(
        trainee,
        module,
        competency,
        log_input(trainee, **overrides),
        token=new_submission_token(),
    )
    return log


def take_attempt(trainee, module: Module, *, right: bool = True, number: int = 1):
    attempt, _created = submit_attempt(
        trainee, module, answered(module, right=right, number=number)
    )
    return attempt


def rating(
    supervisor,
    level: int | None = 4,
    observation: Observation | None = Observation.IN_ROOM,
    **extra,
):
    observed = extra.pop("observed_on", program_today(supervisor) - timedelta(days=1))
    if level is None and observation is None:
        observed = None
    return RatingInput(
        level=level, observation=observation, observed_on=observed, **extra
    )


def draft(
    supervisor,
    trainee,
    period,
    module: Module,
    competency_id: str,
    level=4,
    observation=Observation.IN_ROOM,
    **extra,
):
    return save_draft(
        supervisor,
        trainee,
        period,
        module,
        module.competency(competency_id),
        rating(supervisor, level, observation, **extra),
        today=program_today(supervisor),
    )


def draft_module(
    supervisor,
    trainee,
    period,
    module: Module,
    level=4,
    observation=Observation.IN_ROOM,
    overrides=None,
):
    """A draft for every competency of the module (``overrides``: {competency id: level})."""
    overrides = overrides or {}
    return [
        draft(
            supervisor,
            trainee,
            period,
            module,
            c.id,
            overrides.get(c.id, level),
            observation,
        )
        for c in module.meta.competencies
    ]


def sign(supervisor, trainee, period, password: str = PASSWORD):
    """Sign as the supervisor would, with a fresh code from their second factor."""
    sign_off, _created = sign_period(
        supervisor,
        trainee,
        period,
        password=password,
        token=new_submission_token(),
        code=fresh_code(supervisor) if is_enrolled(supervisor) else None,
    )
    return sign_off


def verify(supervisor, trainee, period, module: Module, level: int = 4):
    """Pass the quiz, rate every competency from direct observation and sign."""
    take_attempt(trainee, module, right=True)
    draft_module(supervisor, trainee, period, module, level)
    return sign(supervisor, trainee, period)


@pytest.fixture
def curriculum(app):
    return app.extensions["curriculum"]


@pytest.fixture
def module(curriculum):
    return curriculum.get(SLUG)


@pytest.fixture
def other_module(curriculum):
    return next(m for m in curriculum if m.slug != SLUG)


@pytest.fixture
def periods(program):
    return [
        create_evaluation_period(program, "Mid-year"),
        create_evaluation_period(program, "End-of-year"),
    ]


@pytest.fixture
def mid_year(periods):
    return periods[0]


@pytest.fixture
def assigned(supervisor, trainee):
    return assign_supervisor(supervisor, trainee)


@pytest.fixture
def other_trainee(make_user):
    """A trainee of the same program whom the supervisor does not supervise."""
    return make_user("trainee", name="Uma Unassigned")


@pytest.fixture
def other_supervisor(make_user):
    return make_user("supervisor", name="Oscar Other")


class World:
    """Two trainees of one program: ``trainee`` supervised by ``supervisor``, ``other_trainee``
    by ``other_supervisor``; each with a log, a passed attempt, a draft and a signed sign-off."""

    def __init__(self, **people):
        self.__dict__.update(people)


@pytest.fixture
def world(
    trainee,
    other_trainee,
    supervisor,
    other_supervisor,
    director,
    periods,
    module,
    assigned,
):
    assign_supervisor(other_supervisor, other_trainee)
    mid_year, end_of_year = periods
    built = {}
    for who, boss in ((trainee, supervisor), (other_trainee, other_supervisor)):
        log = log_practice(who, module)
        attempt = take_attempt(who, module)
        draft_module(boss, who, mid_year, module)
        sign_off = sign(boss, who, mid_year)
        drafted = draft(
            boss, who, end_of_year, module, module.meta.competencies[0].id, 3
        )
        give_attempt_feedback(
            who, attempt, {"helpful": 7, "fit_to_goals": 6, "approach": 8, "overall": 7}
        )
        built[who.id] = (log, attempt, sign_off, drafted)
    mine, theirs = built[trainee.id], built[other_trainee.id]
    return World(
        trainee=trainee,
        other_trainee=other_trainee,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        director=director,
        mid_year=mid_year,
        end_of_year=end_of_year,
        module=module,
        log=mine[0],
        attempt=mine[1],
        sign_off=mine[2],
        draft=mine[3],
        rating=sign_off_ratings(mine[2])[0],
        other_log=theirs[0],
        other_attempt=theirs[1],
        other_sign_off=theirs[2],
        other_draft=theirs[3],
        other_rating=sign_off_ratings(theirs[2])[0],
    )
