"""Electronic sign-off: password re-entered, drafts become immutable signed ratings in one
transaction, the direct-observation rule, corrections that supersede, acknowledgements."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code
from tests.factories.supervision import (
    draft,
    draft_module,
    log_practice,
    rating,
    sign,
)
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.notifications.models import Notification, NotificationKind
from trainer.program.services import program_today
from trainer.record.models import (
    SIGNATURE_MEANING,
    DraftRating,
    Observation,
    SignedRating,
    SignOff,
)
from trainer.supervision.corrections import (
    AlreadyCorrected,
    correct_rating,
    related_ratings,
)
from trainer.supervision.services import AlreadySigned, NotAssigned
from trainer.supervision.signing import (
    DirectObservationRequired,
    NothingToSign,
    WrongPassword,
    digest,
    sign_off_ratings,
    sign_period,
)


def actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq))
    )


def drafts_of(supervisor) -> list[DraftRating]:
    return list(
        db.session.scalars(
            sa.select(DraftRating).where(DraftRating.supervisor_id == supervisor.id)
        )
    )


def correct(
    supervisor,
    trainee,
    original,
    level=3,
    observation=Observation.IN_ROOM,
    password=PASSWORD,
    token=None,
):
    return correct_rating(
        supervisor,
        trainee,
        original,
        rating(supervisor, level, observation, comment="On reflection."),
        reason="Re-watched the recording.",
        password=password,
        token=token or new_submission_token(),
        today=program_today(supervisor),
        code=fresh_code(supervisor),
    )


class TestSign:
    def test_the_right_password_signs_the_drafts_as_immutable_ratings(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        log = log_practice(trainee, module)
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            4,
            evidence_log_ids=[log.id],
        )
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[1].id,
            None,
            None,
        )
        sign_off, created = sign_period(
            supervisor,
            trainee,
            mid_year,
            password=PASSWORD,
            token="tok",
            code=fresh_code(supervisor),
        )
        assert created
        assert (sign_off.signer_id, sign_off.signer_name) == (
            supervisor.id,
            supervisor.name,
        )
        assert sign_off.meaning == SIGNATURE_MEANING
        assert sign_off.signed_at.tzinfo is not None
        ratings = sign_off_ratings(sign_off)
        assert [(r.competency_id, r.level) for r in ratings] == [
            (module.meta.competencies[0].id, 4),
            (module.meta.competencies[1].id, None),
        ]
        assert ratings[0].evidence_log_ids == [log.id]
        assert sign_off.ratings_digest == digest(ratings)
        assert drafts_of(supervisor) == []
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "supervision.signed")
        )
        assert event.payload["ratings"] == [r.id for r in ratings]
        assert event.payload["meaning"] == SIGNATURE_MEANING
        assert event.program_id == trainee.program_id

    def test_a_wrong_password_signs_nothing_keeps_the_drafts_and_is_recorded(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        with pytest.raises(WrongPassword, match="drafts are kept"):
            sign_period(
                supervisor, trainee, mid_year, password="not-my-password", token="tok"
            )
        assert len(drafts_of(supervisor)) == len(module.meta.competencies)
        assert db.session.scalar(sa.select(sa.func.count(SignOff.id))) == 0
        assert actions()[-1] == "supervision.signature_failed"

    def test_the_period_must_rest_on_direct_observation(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module, 4, Observation.REPORT_ONLY)
        with pytest.raises(DirectObservationRequired, match="direct observation"):
            sign(supervisor, trainee, mid_year)
        assert len(drafts_of(supervisor)) == len(module.meta.competencies)
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            4,
            Observation.VIDEO_RECORDING,
        )
        assert sign(supervisor, trainee, mid_year) is not None

    def test_no_opportunity_to_observe_is_not_direct_observation(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            None,
            Observation.IN_ROOM,
        )
        with pytest.raises(DirectObservationRequired):
            sign(supervisor, trainee, mid_year)

    def test_an_earlier_direct_observation_in_the_same_period_counts(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            4,
            Observation.IN_ROOM,
        )
        sign(supervisor, trainee, mid_year)
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[1].id,
            4,
            Observation.ROLE_PLAY,
        )
        assert sign(supervisor, trainee, mid_year) is not None

    def test_another_periods_direct_observation_does_not_count(
        self, supervisor, trainee, assigned, periods, module
    ):
        mid_year, end_of_year = periods
        draft(
            supervisor,
            trainee,
            mid_year,
            module,
            module.meta.competencies[0].id,
            4,
            Observation.IN_ROOM,
        )
        sign(supervisor, trainee, mid_year)
        draft(
            supervisor,
            trainee,
            end_of_year,
            module,
            module.meta.competencies[1].id,
            4,
            Observation.ROLE_PLAY,
        )
        with pytest.raises(DirectObservationRequired):
            sign(supervisor, trainee, end_of_year)

    def test_nothing_to_sign(self, supervisor, trainee, assigned, mid_year):
        with pytest.raises(NothingToSign):
            sign(supervisor, trainee, mid_year)

    def test_a_resubmitted_signature_signs_once(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        first, created = sign_period(
            supervisor,
            trainee,
            mid_year,
            password=PASSWORD,
            token="same",
            code=fresh_code(supervisor),
        )
        again, created_again = sign_period(
            supervisor,
            trainee,
            mid_year,
            password=PASSWORD,
            token="same",
            code=fresh_code(supervisor),
        )
        assert created
        assert not created_again
        assert again.id == first.id
        assert actions().count("supervision.signed") == 1

    def test_only_an_assigned_supervisor_signs(
        self, other_supervisor, trainee, mid_year
    ):
        with pytest.raises(NotAssigned):
            sign(other_supervisor, trainee, mid_year)

    def test_a_signed_competency_cannot_be_drafted_again_in_the_period(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        first = module.meta.competencies[0].id
        draft(supervisor, trainee, mid_year, module, first, 4)
        sign(supervisor, trainee, mid_year)
        with pytest.raises(AlreadySigned, match="correct the signed rating"):
            draft(supervisor, trainee, mid_year, module, first, 5)

    def test_the_trainee_is_notified(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        sign_off = sign(supervisor, trainee, mid_year)
        [note] = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == trainee.id)
        )
        assert (note.kind, note.object_id) == (
            NotificationKind.RATINGS_SIGNED,
            sign_off.id,
        )
        assert "Mid-year" in note.message


class TestCorrections:
    def test_a_correction_supersedes_and_both_stay(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module, 4)
        sign_off = sign(supervisor, trainee, mid_year)
        original = sign_off_ratings(sign_off)[0]
        correction_sign_off, created = correct(supervisor, trainee, original, level=3)
        assert created
        assert correction_sign_off.is_correction
        [correction] = sign_off_ratings(correction_sign_off)
        assert (correction.supersedes_id, correction.level) == (original.id, 3)
        assert correction.correction_reason == "Re-watched the recording."
        assert db.session.get(SignedRating, original.id).level == 4
        corrected_by, _corrects = related_ratings(sign_off_ratings(sign_off))
        assert corrected_by[original.id].id == correction.id
        assert related_ratings([correction])[1][correction.id].id == original.id
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "supervision.rating_corrected"
            )
        )
        assert event.payload["supersedes"] == original.id
        assert event.payload["previous_level"] == 4

    def test_a_rating_is_corrected_once(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        original = sign_off_ratings(sign(supervisor, trainee, mid_year))[0]
        correct(supervisor, trainee, original)
        with pytest.raises(AlreadyCorrected):
            correct(supervisor, trainee, original)

    def test_a_correction_needs_the_password(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        original = sign_off_ratings(sign(supervisor, trainee, mid_year))[0]
        with pytest.raises(WrongPassword):
            correct(supervisor, trainee, original, password="wrong-password-here")
        assert (
            db.session.scalar(
                sa.select(sa.func.count(SignedRating.id)).where(
                    SignedRating.supersedes_id.is_not(None)
                )
            )
            == 0
        )

    def test_a_correction_cannot_remove_the_periods_only_direct_observation(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        first = module.meta.competencies[0].id
        draft_module(supervisor, trainee, mid_year, module, 4, Observation.ROLE_PLAY)
        draft(supervisor, trainee, mid_year, module, first, 4, Observation.IN_ROOM)
        ratings = sign_off_ratings(sign(supervisor, trainee, mid_year))
        direct = next(r for r in ratings if r.competency_id == first)
        with pytest.raises(DirectObservationRequired):
            correct(supervisor, trainee, direct, 4, Observation.REPORT_ONLY)
        indirect = next(r for r in ratings if r.competency_id != first)
        assert correct(supervisor, trainee, indirect, 3, Observation.REPORT_ONLY)[1]

    def test_a_resubmitted_correction_signs_once(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        original = sign_off_ratings(sign(supervisor, trainee, mid_year))[0]
        first, _ = correct(supervisor, trainee, original, token="same")
        again, created = correct(supervisor, trainee, original, token="same")
        assert not created
        assert again.id == first.id
