"""Competency status: verified when the latest signed rating of every competency of a module is
at or above the program's minimum level and at least one rests on direct observation."""

from __future__ import annotations

import pytest

from tests.factories.second_factor import fresh_code
from tests.factories.supervision import (
    draft,
    draft_module,
    log_practice,
    rating,
    sign,
    take_attempt,
    verify,
)
from trainer.core.tokens import new_submission_token
from trainer.program.periods import set_minimum_level
from trainer.program.services import program_today
from trainer.record.models import Observation
from trainer.record.pages import trainee_record, verified_modules
from trainer.record.queries import attempt_summaries
from trainer.record.records import module_statuses
from trainer.record.rules import ModuleStatus
from trainer.supervision.corrections import correct_rating
from trainer.supervision.signing import sign_off_ratings


def status_of(trainee, slug):
    return module_statuses(
        trainee, attempt_summaries(trainee), verified_modules(trainee)
    )[slug]


class TestVerified:
    def test_every_competency_at_the_default_minimum_with_direct_observation_verifies(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        verify(supervisor, trainee, mid_year, module, level=4)
        assert verified_modules(trainee) == {module.slug}
        assert status_of(trainee, module.slug) is ModuleStatus.COMPETENCY_VERIFIED

    def test_one_competency_below_the_default_minimum_does_not(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        take_attempt(trainee, module)
        last = module.meta.competencies[-1].id
        draft_module(supervisor, trainee, mid_year, module, 4, overrides={last: 3})
        sign(supervisor, trainee, mid_year)
        assert verified_modules(trainee) == set()
        record = trainee_record(trainee).modules[module.slug]
        [gap] = record.missing()
        assert "rated 3 (Developing); the minimum is 4" in gap
        assert status_of(trainee, module.slug) is ModuleStatus.KNOWLEDGE_DEMONSTRATED

    @pytest.mark.parametrize(
        ("minimum", "level", "verified"),
        [(3, 3, True), (3, 2, False), (5, 4, False), (5, 5, True)],
    )
    def test_the_programs_minimum_level_is_the_boundary(
        self,
        supervisor,
        trainee,
        assigned,
        mid_year,
        module,
        program,
        minimum,
        level,
        verified,
    ):
        for competency in module.meta.competencies:
            set_minimum_level(program, module.slug, competency.id, minimum)
        take_attempt(trainee, module)
        draft_module(supervisor, trainee, mid_year, module, level)
        sign(supervisor, trainee, mid_year)
        assert (module.slug in verified_modules(trainee)) is verified

    def test_a_competency_never_rated_keeps_the_module_unverified(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        take_attempt(trainee, module)
        for competency in module.meta.competencies[:-1]:
            draft(supervisor, trainee, mid_year, module, competency.id, 5)
        sign(supervisor, trainee, mid_year)
        record = trainee_record(trainee).modules[module.slug]
        assert not record.is_verified
        assert record.missing() == [
            f"{module.meta.competencies[-1].statement} — no signed rating yet"
        ]

    def test_latest_ratings_resting_only_on_indirect_observation_do_not_verify(
        self, supervisor, trainee, assigned, periods, module, other_module
    ):
        mid_year, end_of_year = periods
        take_attempt(trainee, module)
        first = module.meta.competencies[0].id
        draft_module(supervisor, trainee, mid_year, module, 4, Observation.ROLE_PLAY)
        draft(supervisor, trainee, mid_year, module, first, 4, Observation.IN_ROOM)
        sign(supervisor, trainee, mid_year)
        assert verified_modules(trainee) == {module.slug}
        # End-of-year rates the one directly observed competency again, from a role-play; the
        # period rests on direct observation through another module.
        draft(supervisor, trainee, end_of_year, module, first, 5, Observation.ROLE_PLAY)
        draft(
            supervisor,
            trainee,
            end_of_year,
            other_module,
            other_module.meta.competencies[0].id,
            3,
        )
        sign(supervisor, trainee, end_of_year)
        record = trainee_record(trainee).modules[module.slug]
        assert all(item.is_met for item in record.competencies)
        assert not record.has_direct_observation
        assert record.missing() == [
            "At least one of the latest ratings must rest on direct observation."
        ]
        assert verified_modules(trainee) == set()

    def test_every_competency_takes_its_rating_from_the_latest_period(
        self, supervisor, trainee, assigned, periods, module
    ):
        mid_year, end_of_year = periods
        take_attempt(trainee, module)
        draft_module(supervisor, trainee, mid_year, module, 3, Observation.IN_ROOM)
        sign(supervisor, trainee, mid_year)
        draft_module(supervisor, trainee, end_of_year, module, 4, Observation.ROLE_PLAY)
        draft(
            supervisor,
            trainee,
            end_of_year,
            module,
            module.meta.competencies[0].id,
            2,
            Observation.AUDIO_RECORDING,
        )
        sign(supervisor, trainee, end_of_year)
        # end-of-year is the latest evaluation of every competency; only the first rests on
        # direct observation, and it is below the minimum.
        record = trainee_record(trainee).modules[module.slug]
        assert not record.is_verified
        assert record.competencies[0].rating.level == 2
        assert all(c.rating.period_id == end_of_year.id for c in record.competencies)

    def test_the_latest_period_counts_not_the_best(
        self, supervisor, trainee, assigned, periods, module
    ):
        mid_year, end_of_year = periods
        verify(supervisor, trainee, mid_year, module, level=5)
        assert verified_modules(trainee) == {module.slug}
        draft_module(supervisor, trainee, end_of_year, module, 3)
        sign(supervisor, trainee, end_of_year)
        assert verified_modules(trainee) == set()

    def test_no_opportunity_to_observe_neither_verifies_nor_erases_an_earlier_rating(
        self, supervisor, trainee, assigned, periods, module
    ):
        mid_year, end_of_year = periods
        verify(supervisor, trainee, mid_year, module, level=4)
        first = module.meta.competencies[0].id
        draft(supervisor, trainee, end_of_year, module, first, None, None)
        draft(
            supervisor,
            trainee,
            end_of_year,
            module,
            module.meta.competencies[1].id,
            4,
            Observation.LIVE_VIDEO,
        )
        sign(supervisor, trainee, end_of_year)
        assert verified_modules(trainee) == {module.slug}
        record = trainee_record(trainee).modules[module.slug]
        assert record.competencies[0].rating.period_id == mid_year.id

    def test_a_competency_rated_only_no_opportunity_says_so(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            None,
            None,
        )
        draft(supervisor, trainee, mid_year, module, module.meta.competencies[1].id, 4)
        sign(supervisor, trainee, mid_year)
        record = trainee_record(trainee).modules[module.slug]
        assert "only “no opportunity to observe” so far" in record.missing()[0]

    def test_a_correction_replaces_the_rating_it_supersedes(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        sign_off = verify(supervisor, trainee, mid_year, module, level=4)
        original = sign_off_ratings(sign_off)[1]
        correct_rating(
            supervisor,
            trainee,
            original,
            rating(supervisor, 2, Observation.VIDEO_RECORDING),
            reason="Re-watched the recording.",
            password="correct-horse-battery",
            code=fresh_code(supervisor),
            token=new_submission_token(),
            today=program_today(supervisor),
        )
        assert verified_modules(trainee) == set()
        record = trainee_record(trainee).modules[module.slug]
        assert record.competencies[1].rating.supersedes_id == original.id

    def test_verified_without_a_passed_quiz_is_not_the_status(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module, 5)
        sign(supervisor, trainee, mid_year)
        assert verified_modules(trainee) == {module.slug}
        assert status_of(trainee, module.slug) is ModuleStatus.NOT_STARTED


class TestTwoPerspectives:
    def test_a_difference_of_two_levels_is_marked(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        first, second = module.meta.competencies[0].id, module.meta.competencies[1].id
        log_practice(trainee, module, first, self_rating=5)
        log_practice(trainee, module, second, self_rating=4)
        draft(supervisor, trainee, mid_year, module, first, 3)
        draft(supervisor, trainee, mid_year, module, second, 3)
        sign(supervisor, trainee, mid_year)
        items = trainee_record(trainee).modules[module.slug].competencies
        assert (items[0].difference, items[0].is_divergent) == (2, True)
        assert (items[1].difference, items[1].is_divergent) == (1, False)
        assert items[2].difference is None

    def test_the_latest_current_log_is_the_self_rating(self, trainee, module):
        first = module.meta.competencies[0].id
        log_practice(trainee, module, first, self_rating=2)
        log_practice(trainee, module, first, self_rating=5)
        item = trainee_record(trainee).modules[module.slug].competencies[0]
        assert item.self_rating == 5
