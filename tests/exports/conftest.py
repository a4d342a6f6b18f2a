"""A hand-built cohort for the export tests, made through the real services:

- Tess (``trainee``): empathy quiz passed; mid-year every competency rated 4 in the room and
  signed (met), acknowledged with a response; one rating later corrected to 2 (not met);
- Uma (``second``): mid-year empathy rated 4 everywhere from report only (every competency met,
  but no direct observation in the module), another module's competency rated 5 in the room;
- the mid-year period ended in the past (closed); the end-of-year period is open.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code
from tests.factories.supervision import (  # noqa: F401
    curriculum,
    draft,
    draft_module,
    log_practice,
    module,
    other_module,
    rating,
    sign,
    take_attempt,
)
from trainer.core.tokens import new_submission_token
from trainer.program.assignments import assign_supervisor
from trainer.program.periods import create_evaluation_period
from trainer.program.services import program_today
from trainer.record.models import Observation
from trainer.record.queries import trainee_ratings
from trainer.supervision.acknowledgements import acknowledge
from trainer.supervision.corrections import correct_rating


class Cohort:
    def __init__(self, **parts):
        self.__dict__.update(parts)


@pytest.fixture
def cohort(program, trainee, supervisor, director, make_user, module, other_module):  # noqa: F811
    today = program_today(trainee)
    mid_year = create_evaluation_period(
        program,
        "Mid-year",
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=1),
    )
    end_of_year = create_evaluation_period(
        program, "End-of-year", starts_on=today, ends_on=today + timedelta(days=180)
    )
    second = make_user("trainee", name="Uma Second")
    assign_supervisor(supervisor, trainee)
    assign_supervisor(supervisor, second)
    log_practice(trainee, module, practised_on=today - timedelta(days=3), self_rating=5)
    take_attempt(trainee, module, right=False)
    take_attempt(trainee, module, right=True, number=2)
    draft_module(supervisor, trainee, mid_year, module, 4, Observation.IN_ROOM)
    sign_off = sign(supervisor, trainee, mid_year)
    acknowledge(trainee, sign_off, "I agree; I am working on pacing.")
    original = trainee_ratings(trainee.id)[0]
    correct_rating(
        supervisor,
        trainee,
        original,
        rating(supervisor, 2, Observation.VIDEO_RECORDING),
        reason="Rated the wrong session.",
        password=PASSWORD,
        token=new_submission_token(),
        today=today,
        code=fresh_code(supervisor),
    )
    draft_module(supervisor, second, mid_year, module, 4, Observation.REPORT_ONLY)
    other = other_module.meta.competencies[0].id
    draft(supervisor, second, mid_year, other_module, other, 5, Observation.IN_ROOM)
    sign(supervisor, second, mid_year)
    return Cohort(
        program=program,
        cohort=program.cohorts[0],
        trainee=trainee,
        second=second,
        supervisor=supervisor,
        director=director,
        module=module,
        other_module=other_module,
        mid_year=mid_year,
        end_of_year=end_of_year,
        original=original,
    )
