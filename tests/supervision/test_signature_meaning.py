"""A signature says "I observed this practice" only where the ratings rest on direct
observation; otherwise it says what the supervisor did. The meaning is stored per sign-off."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code
from tests.factories.supervision import draft
from tests.pagetools import check_page
from trainer.core.tokens import new_submission_token
from trainer.record.ratings import (
    MEANING_AS_STATED,
    MEANING_MIXED,
    MEANING_NOT_OBSERVED,
    MEANING_REPORTED,
    SIGNATURE_MEANING,
    Observation,
    signature_meaning,
)
from trainer.supervision.signing import sign_period


@pytest.mark.parametrize(
    ("observations", "meaning"),
    [
        ([Observation.IN_ROOM, Observation.LIVE_VIDEO, None], SIGNATURE_MEANING),
        ([Observation.IN_ROOM, Observation.REPORT_ONLY], MEANING_MIXED),
        ([Observation.REPORT_ONLY], MEANING_REPORTED),
        ([Observation.ROLE_PLAY, Observation.REPORT_ONLY], MEANING_NOT_OBSERVED),
        ([None], MEANING_AS_STATED),
    ],
)
def test_the_meaning_follows_the_observations(observations, meaning):
    assert signature_meaning(observations) == meaning


def test_only_direct_observation_says_i_observed():
    for meaning in (MEANING_REPORTED, MEANING_NOT_OBSERVED, MEANING_AS_STATED):
        assert "I observed this practice" not in meaning
    assert "I reviewed the trainee's report of this practice" in MEANING_REPORTED


def test_a_sign_off_resting_partly_on_report_stores_the_mixed_meaning(
    supervisor, trainee, assigned, mid_year, module
):
    first, second = (c.id for c in module.meta.competencies[:2])
    draft(supervisor, trainee, mid_year, module, first, 4, Observation.IN_ROOM)
    draft(supervisor, trainee, mid_year, module, second, 3, Observation.REPORT_ONLY)
    sign_off, _ = sign_period(
        supervisor,
        trainee,
        mid_year,
        password=PASSWORD,
        token=new_submission_token(),
        code=fresh_code(supervisor),
    )
    assert sign_off.meaning == MEANING_MIXED


def test_the_workspace_asks_to_attest_the_meaning_of_its_drafts(
    client, auth, supervisor, trainee, assigned, mid_year, module
):
    first, second = (c.id for c in module.meta.competencies[:2])
    draft(supervisor, trainee, mid_year, module, first, 4, Observation.IN_ROOM)
    draft(supervisor, trainee, mid_year, module, second, 3, Observation.REPORT_ONLY)
    auth.login(supervisor)
    page = check_page(
        client.get(f"/supervision/trainees/{trainee.id}?period={mid_year.id}").text
    )
    assert page.find("label", for_="attest").text == MEANING_MIXED
