"""Practice logs through the services: recorded once, audited, de-identified, immutable, and
corrected only by a new log that supersedes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories.supervision import log_input, log_practice
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.notifications.models import Notification, NotificationKind
from trainer.practice.services import (
    AlreadyCorrected,
    PracticeError,
    UnknownCompetency,
    correct_log,
    log_chain,
    resolve_competency,
    submit_log,
)
from trainer.privacy.check import IdentifierFound
from trainer.record import access
from trainer.record.models import PracticeLog
from trainer.record.queries import trainee_logs
from trainer.record.rules import latest_self_ratings


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))
    )


class TestSubmitLog:
    def test_it_records_the_log_with_its_content_version_and_an_audit_event(
        self, trainee, module
    ):
        competency = module.meta.competencies[1]
        log, created = submit_log(
            trainee, module, competency, log_input(trainee, self_rating=3), token="t-1"
        )
        assert created
        assert (log.module_slug, log.competency_id, log.self_rating) == (
            module.slug,
            competency.id,
            3,
        )
        assert log.content_version == module.version
        assert log.program_id == trainee.program_id
        [event] = events("practice.logged")
        assert event.subject == f"practice-log:{log.id}"
        assert event.program_id == trainee.program_id
        assert event.payload["self_rating"] == 3

    def test_the_same_token_records_once(self, trainee, module):
        competency = module.meta.competencies[0]
        first, created = submit_log(
            trainee, module, competency, log_input(trainee), token="same"
        )
        again, created_again = submit_log(
            trainee, module, competency, log_input(trainee), token="same"
        )
        assert created
        assert not created_again
        assert again.id == first.id
        assert len(trainee_logs(trainee.id)) == 1
        assert len(events("practice.logged")) == 1

    def test_it_refuses_text_that_identifies_someone(self, trainee, module):
        data = log_input(
            trainee, client_response="She gave me her number, 555-123-4567."
        )
        with pytest.raises(IdentifierFound, match="phone number “555-123-4567”"):
            submit_log(
                trainee,
                module,
                module.meta.competencies[0],
                data,
                token=new_submission_token(),
            )
        assert trainee_logs(trainee.id) == []

    def test_only_trainees_log_practice(self, supervisor, module):
        with pytest.raises(PracticeError):
            submit_log(
                supervisor,
                module,
                module.meta.competencies[0],
                log_input(supervisor),
                token="x",
            )

    def test_it_notifies_the_assigned_supervisors_only(
        self, trainee, supervisor, other_supervisor, assigned, module
    ):
        log = log_practice(trainee, module)
        notes = list(db.session.scalars(sa.select(Notification)))
        assert [(n.user_id, n.kind, n.object_id) for n in notes] == [
            (supervisor.id, NotificationKind.PRACTICE_LOGGED, log.id)
        ]
        assert trainee.name in notes[0].message

    def test_an_unknown_competency_is_refused(self, trainee, module):
        with pytest.raises(UnknownCompetency):
            resolve_competency(trainee, f"{module.slug}/no-such-competency")
        with pytest.raises(UnknownCompetency):
            resolve_competency(trainee, "no-such-module/x")
        assert (
            resolve_competency(
                trainee, f"{module.slug}/{module.meta.competencies[0].id}"
            )[0]
            is module
        )


class TestCorrections:
    def test_a_correction_is_a_new_log_that_supersedes_with_a_reason(
        self, trainee, module
    ):
        original = log_practice(trainee, module, self_rating=5)
        correction, created = correct_log(
            trainee,
            original,
            log_input(trainee, self_rating=3),
            reason="I rated too high.",
            token="c-1",
        )
        assert created
        assert correction.id != original.id
        assert (correction.supersedes_id, correction.correction_reason) == (
            original.id,
            "I rated too high.",
        )
        assert db.session.get(PracticeLog, original.id).self_rating == 5
        assert log_chain(original) == (None, correction)
        assert log_chain(correction) == (original, None)
        [event] = events("practice.corrected")
        assert event.payload["supersedes"] == original.id

    def test_the_latest_self_rating_comes_from_the_correction(self, trainee, module):
        original = log_practice(trainee, module, self_rating=5)
        correct_log(
            trainee,
            original,
            log_input(trainee, self_rating=2),
            reason="Too generous.",
            token="c",
        )
        latest = latest_self_ratings(trainee_logs(trainee.id))
        assert latest[(module.slug, original.competency_id)].self_rating == 2

    def test_a_log_is_corrected_once_then_its_correction_is(self, trainee, module):
        original = log_practice(trainee, module)
        correction, _ = correct_log(
            trainee, original, log_input(trainee), reason="Fix.", token="c-1"
        )
        with pytest.raises(AlreadyCorrected):
            correct_log(
                trainee, original, log_input(trainee), reason="Again.", token="c-2"
            )
        second, created = correct_log(
            trainee, correction, log_input(trainee), reason="Fix again.", token="c-3"
        )
        assert created
        assert second.supersedes_id == correction.id

    def test_a_resubmitted_correction_records_once(self, trainee, module):
        original = log_practice(trainee, module)
        first, _ = correct_log(
            trainee, original, log_input(trainee), reason="Fix.", token="c-1"
        )
        again, created = correct_log(
            trainee, original, log_input(trainee), reason="Fix.", token="c-1"
        )
        assert not created
        assert again.id == first.id

    def test_a_correction_needs_a_reason_without_identifiers(self, trainee, module):
        original = log_practice(trainee, module)
        with pytest.raises(PracticeError, match="Say why"):
            correct_log(trainee, original, log_input(trainee), reason="  ", token="c-1")
        with pytest.raises(IdentifierFound):
            correct_log(
                trainee,
                original,
                log_input(trainee),
                reason="Wrong MRN 1234567",
                token="c-2",
            )

    def test_another_trainee_cannot_correct_my_log(
        self, trainee, other_trainee, module
    ):
        original = log_practice(trainee, module)
        with pytest.raises(UnknownCompetency):
            correct_log(
                other_trainee,
                original,
                log_input(other_trainee),
                reason="Mine now",
                token="x",
            )


class TestWhoReadsALog:
    def test_the_trainee_the_assigned_supervisor_and_the_programs_director_only(
        self,
        trainee,
        other_trainee,
        supervisor,
        other_supervisor,
        director,
        assigned,
        module,
    ):
        log = log_practice(trainee, module)
        assert access.get(PracticeLog, log.id, trainee) is log
        assert access.get(PracticeLog, log.id, supervisor) is log
        assert access.get(PracticeLog, log.id, other_trainee) is None
        assert access.get(PracticeLog, log.id, other_supervisor) is None
        # the program's director reads it (read-only: correcting stays the trainee's)
        assert access.get(PracticeLog, log.id, director) is log
        assert access.get(PracticeLog, log.id, director, access.Action.CORRECT) is None

    def test_no_one_reads_across_programs(self, outsider, module, trainee):
        log = log_practice(trainee, module)
        assert access.get(PracticeLog, log.id, outsider) is None


class TestImmutability:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE practice_logs SET reflection = 'rewritten' WHERE id = :id",
            "DELETE FROM practice_logs WHERE id = :id",
        ],
    )
    def test_the_database_refuses_to_change_a_log(self, trainee, module, statement):
        log = log_practice(trainee, module)
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            db.session.begin_nested(),
        ):
            db.session.execute(sa.text(statement), {"id": log.id})
        assert (
            db.session.scalar(
                sa.select(PracticeLog.reflection).where(PracticeLog.id == log.id)
            )
            == log.reflection
        )
