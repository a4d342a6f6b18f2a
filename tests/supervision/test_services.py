"""Assignments, evaluation periods, minimum levels, draft ratings and the access loaders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories.supervision import draft, log_practice, rating, take_attempt
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.program.assignments import (
    NotSameProgram,
    assign_supervisor,
    assigned_trainee,
    assigned_trainees,
)
from trainer.program.models import DEFAULT_MINIMUM_LEVEL, EvaluationPeriod
from trainer.program.periods import (
    create_evaluation_period,
    minimum_level,
    minimum_levels,
    set_minimum_level,
)
from trainer.program.services import ProgramError, program_today
from trainer.record import access
from trainer.record.access import Action
from trainer.record.models import (
    Attempt,
    DraftRating,
    Observation,
    SignedRating,
    SignOff,
)
from trainer.supervision.services import (
    NotAssigned,
    RatingIncomplete,
    default_period,
    discard_draft,
    save_draft,
)
from trainer.supervision.signing import sign_off_ratings


def last_event() -> AuditEvent:
    return db.session.scalar(
        sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
    )


class TestAssignments:
    def test_assigning_is_audited_and_idempotent(self, supervisor, trainee):
        first = assign_supervisor(supervisor, trainee)
        assert last_event().action == "program.supervisor_assigned"
        assert assign_supervisor(supervisor, trainee).id == first.id
        assert assigned_trainees(supervisor) == [trainee]
        assert assigned_trainee(supervisor, trainee.id) is trainee

    def test_only_a_supervisor_to_a_trainee_of_the_same_program(
        self, supervisor, trainee, director, outsider
    ):
        with pytest.raises(ProgramError):
            assign_supervisor(director, trainee)
        with pytest.raises(NotSameProgram):
            assign_supervisor(supervisor, outsider)

    def test_an_unassigned_trainee_is_not_found(
        self, supervisor, other_trainee, assigned
    ):
        assert assigned_trainee(supervisor, other_trainee.id) is None


class TestPeriodsAndMinimumLevels:
    def test_periods_are_ordered_and_named_once(self, program):
        mid = create_evaluation_period(program, "Mid-year")
        end = create_evaluation_period(
            program,
            "End-of-year",
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 6, 30),
        )
        assert (mid.position, end.position) == (1, 2)
        assert last_event().action == "program.period_created"
        with pytest.raises(ProgramError):
            create_evaluation_period(program, "Mid-year")
        with pytest.raises(ProgramError):
            create_evaluation_period(
                program,
                "Backwards",
                starts_on=date(2027, 6, 1),
                ends_on=date(2027, 5, 1),
            )

    def test_the_workspace_opens_on_the_period_containing_today(self, program):
        mid = create_evaluation_period(
            program, "Mid-year", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 31)
        )
        end = create_evaluation_period(
            program,
            "End-of-year",
            starts_on=date(2027, 6, 1),
            ends_on=date(2027, 6, 30),
        )
        periods = [mid, end]
        assert default_period(periods, date(2027, 6, 15)) is end
        assert default_period(periods, date(2027, 3, 1)) is mid
        assert default_period([], date(2027, 3, 1)) is None
        undated = EvaluationPeriod(name="Any", position=3)
        assert default_period([undated], date(2027, 3, 1)) is undated

    def test_minimum_levels_default_to_4_and_are_set_per_competency(
        self, program, module
    ):
        competency = module.meta.competencies[0].id
        assert (
            minimum_level(minimum_levels(program.id), module.slug, competency)
            == DEFAULT_MINIMUM_LEVEL
            == 4
        )
        set_minimum_level(program, module.slug, competency, 3)
        set_minimum_level(program, module.slug, competency, 5)
        assert minimum_levels(program.id) == {(module.slug, competency): 5}
        assert last_event().payload == {
            "module": module.slug,
            "competency": competency,
            "level": 5,
            "previous": 3,
        }
        with pytest.raises(ProgramError):
            set_minimum_level(program, module.slug, competency, 6)


class TestDrafts:
    def test_a_draft_is_audited_on_every_save(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        saved = draft(
            supervisor, trainee, mid_year, module, module.meta.competencies[0].id, 3
        )
        event = last_event()
        assert (event.action, event.subject) == (
            "supervision.draft_saved",
            f"draft-rating:{saved.id}",
        )
        assert event.payload["level"] == 3
        assert event.program_id == trainee.program_id

    def test_a_level_needs_an_observation_and_a_date(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        competency = module.meta.competencies[0]
        today = program_today(supervisor)
        for incomplete in (
            rating(supervisor, 4, None),
            rating(supervisor, 4, Observation.IN_ROOM, observed_on=None),
        ):
            with pytest.raises(RatingIncomplete):
                save_draft(
                    supervisor,
                    trainee,
                    mid_year,
                    module,
                    competency,
                    incomplete,
                    today=today,
                )
        future = rating(
            supervisor, 4, Observation.IN_ROOM, observed_on=today + timedelta(days=1)
        )
        with pytest.raises(RatingIncomplete, match="future"):
            save_draft(
                supervisor, trainee, mid_year, module, competency, future, today=today
            )

    def test_evidence_links_must_be_the_trainees_own_for_the_module(
        self,
        supervisor,
        trainee,
        other_trainee,
        assigned,
        mid_year,
        module,
        other_module,
    ):
        competency = module.meta.competencies[0]
        mine = log_practice(trainee, module)
        theirs = log_practice(other_trainee, module)
        elsewhere = log_practice(trainee, other_module)
        attempt = take_attempt(trainee, module)
        today = program_today(supervisor)
        ok = rating(
            supervisor, evidence_log_ids=[mine.id], evidence_attempt_ids=[attempt.id]
        )
        assert save_draft(
            supervisor, trainee, mid_year, module, competency, ok, today=today
        ).evidence_log_ids == [mine.id]
        for log in (theirs, elsewhere):
            with pytest.raises(RatingIncomplete):
                save_draft(
                    supervisor,
                    trainee,
                    mid_year,
                    module,
                    competency,
                    rating(supervisor, evidence_log_ids=[log.id]),
                    today=today,
                )
        other_attempt = take_attempt(other_trainee, module)
        with pytest.raises(RatingIncomplete):
            save_draft(
                supervisor,
                trainee,
                mid_year,
                module,
                competency,
                rating(supervisor, evidence_attempt_ids=[other_attempt.id]),
                today=today,
            )

    def test_only_an_assigned_supervisor_drafts(
        self, other_supervisor, trainee, mid_year, module
    ):
        with pytest.raises(NotAssigned):
            draft(
                other_supervisor,
                trainee,
                mid_year,
                module,
                module.meta.competencies[0].id,
            )

    def test_a_period_of_another_program_is_refused(
        self, supervisor, trainee, assigned, other_program, module
    ):
        foreign = create_evaluation_period(other_program, "Elsewhere")
        with pytest.raises(NotAssigned):
            draft(supervisor, trainee, foreign, module, module.meta.competencies[0].id)

    def test_discarding_is_audited(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        saved = draft(
            supervisor, trainee, mid_year, module, module.meta.competencies[0].id
        )
        discard_draft(supervisor, saved)
        assert db.session.scalars(sa.select(DraftRating)).all() == []
        assert last_event().action == "supervision.draft_discarded"


class TestLoaders:
    def test_each_loader_returns_only_what_the_user_may_see(self, world, make_user):
        w = world
        assert access.get(SignOff, w.sign_off.id, w.trainee) is w.sign_off
        assert access.get(SignOff, w.sign_off.id, w.supervisor) is w.sign_off
        assert access.get(SignOff, w.other_sign_off.id, w.trainee) is None
        assert access.get(SignOff, w.other_sign_off.id, w.supervisor) is None
        # the program's director reads every sign-off of the program, and signs none
        assert access.get(SignOff, w.sign_off.id, w.director) is w.sign_off
        assert (
            access.get(SignOff, w.sign_off.id, w.director, Action.ACKNOWLEDGE) is None
        )
        assert access.get(SignedRating, w.rating.id, w.director, Action.CORRECT) is None
        assert (
            access.get(SignedRating, w.rating.id, w.supervisor, Action.CORRECT)
            is w.rating
        )
        assert (
            access.get(SignedRating, w.other_rating.id, w.supervisor, Action.CORRECT)
            is None
        )
        assert access.get(DraftRating, w.draft.id, w.supervisor, Action.RATE) is w.draft
        assert (
            access.get(DraftRating, w.other_draft.id, w.supervisor, Action.RATE) is None
        )
        assert access.get(Attempt, w.attempt.id, w.supervisor) is w.attempt
        assert access.get(Attempt, w.other_attempt.id, w.supervisor) is None
        assert access.get(Attempt, w.other_attempt.id, w.supervisor) is None

    def test_a_co_supervisor_sees_the_record_but_not_the_others_drafts(
        self, world, make_user
    ):
        co = make_user("supervisor")
        assign_supervisor(co, world.trainee)
        assert access.get(SignOff, world.sign_off.id, co) is world.sign_off
        assert access.get(DraftRating, world.draft.id, co, Action.RATE) is None
        assert sign_off_ratings(world.sign_off)[0].supervisor_id == world.supervisor.id
