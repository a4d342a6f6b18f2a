"""Practice logs: a trainee's de-identified evidence of applying a competency, with a
self-rating. Logs are immutable; a correction is a new log that supersedes the old one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.permissions import Permission, has_permission
from trainer.content.loader import Module
from trainer.content.schema import Competency
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.unit_of_work import create_once
from trainer.notifications.models import NotificationKind
from trainer.notifications.services import notify
from trainer.privacy.check import check_deidentified
from trainer.privacy.deidentify import find_identifiers
from trainer.program.assignments import supervisor_ids_of
from trainer.program.catalogue import visible_module
from trainer.record.models import ClinicType, Modality, PracticeLog

logger = logging.getLogger(__name__)


class PracticeError(TrainerError):
    pass


class UnknownCompetency(PracticeError):
    status_code = 404


class AlreadyCorrected(PracticeError):
    status_code = 409


@dataclass(frozen=True)
class LogInput:
    practised_on: date
    modality: Modality
    clinic_type: ClinicType
    what_i_did: str
    client_response: str
    reflection: str
    self_rating: int
    #: the trainee confirmed that no word marked as a possible name is a person's name
    names_confirmed: bool = False

    def texts(self) -> dict[str, str]:
        return {
            "what_i_did": self.what_i_did,
            "client_response": self.client_response,
            "reflection": self.reflection,
        }


def _names_confirmed(data: LogInput, *more_texts: str) -> bool:
    """Whether the log went through with possible names its writer confirmed are not names
    (recorded on the audit event as a yes or no, never the words)."""
    texts = [*data.texts().values(), *more_texts]
    return data.names_confirmed and any(
        finding.possible for text in texts for finding in find_identifiers(text or "")
    )


def competency_key(module_slug: str, competency_id: str) -> str:
    return f"{module_slug}/{competency_id}"


def resolve_competency(trainee: User, key: str) -> tuple[Module, Competency]:
    """The module and competency named ``<slug>/<competency id>``, if the trainee can see it."""
    slug, _, competency_id = (key or "").partition("/")
    module = visible_module(trainee, slug)
    competency = module.competency(competency_id) if module is not None else None
    if module is None or competency is None:
        raise UnknownCompetency("Choose a competency from the list.")
    return module, competency


def _find_by_token(trainee: User, token: str) -> PracticeLog | None:
    return db.session.scalar(
        sa.select(PracticeLog).where(
            PracticeLog.trainee_id == trainee.id, PracticeLog.submission_token == token
        )
    )


def _new_log(
    trainee: User, module: Module, competency: Competency, data: LogInput, token: str
) -> PracticeLog:
    if not has_permission(trainee.role, Permission.PRACTICE_LOG_WRITE):
        raise PracticeError("Only trainees log practice.")
    if not 1 <= data.self_rating <= 5:
        raise PracticeError("Rate yourself on the rubric, from 1 to 5.")
    check_deidentified(refuse_possible_names=not data.names_confirmed, **data.texts())
    return PracticeLog(
        trainee_id=trainee.id,
        program_id=trainee.program_id,
        module_slug=module.slug,
        competency_id=competency.id,
        content_version=module.version,
        practised_on=data.practised_on,
        modality=data.modality,
        clinic_type=data.clinic_type,
        what_i_did=data.what_i_did.strip(),
        client_response=data.client_response.strip(),
        reflection=data.reflection.strip(),
        self_rating=data.self_rating,
        submission_token=token,
    )


def _notify_supervisors(
    trainee: User, log: PracticeLog, module: Module, competency_statement: str
) -> None:
    verb = "corrected a practice log" if log.supersedes_id else "logged practice"
    notify(
        supervisor_ids_of(trainee),
        program_id=trainee.program_id,
        kind=NotificationKind.PRACTICE_LOGGED,
        object_id=log.id,
        message=f"{trainee.name} {verb}: {module.title} — {competency_statement}",
    )


def submit_log(
    trainee: User, module: Module, competency: Competency, data: LogInput, *, token: str
) -> tuple[PracticeLog, bool]:
    """Record a practice log; returns (log, created). The same form submitted twice records once."""
    lock_chain()
    log, created = create_once(
        lambda: _new_log(trainee, module, competency, data, token),
        lambda: _find_by_token(trainee, token),
    )
    if not created:
        return log, False
    record(
        "practice.logged",
        actor=trainee,
        subject=f"practice-log:{log.id}",
        payload={
            "module": module.slug,
            "competency": competency.id,
            "practised_on": log.practised_on.isoformat(),
            "self_rating": log.self_rating,
            "version": module.version,
            "possible_names_confirmed": _names_confirmed(data),
        },
    )
    _notify_supervisors(trainee, log, module, competency.statement)
    logger.info(
        "Practice log %s recorded by %s for %s/%s",
        log.id,
        trainee.id,
        module.slug,
        competency.id,
    )
    return log, True


def superseding_log(original: PracticeLog) -> PracticeLog | None:
    return db.session.scalar(
        sa.select(PracticeLog).where(PracticeLog.supersedes_id == original.id)
    )


def _correction(
    trainee: User, original: PracticeLog, data: LogInput, *, reason: str, token: str
) -> PracticeLog:
    if superseding_log(original) is not None:
        raise AlreadyCorrected(
            "This log has already been corrected; correct its latest version instead."
        )
    reason = (reason or "").strip()
    if not reason:
        raise PracticeError("Say why you are correcting the log.")
    check_deidentified(refuse_possible_names=not data.names_confirmed, reason=reason)
    module, competency = resolve_competency(
        trainee, competency_key(original.module_slug, original.competency_id)
    )
    log = _new_log(trainee, module, competency, data, token)
    log.supersedes_id = original.id
    log.correction_reason = reason
    return log


def correct_log(
    trainee: User, original: PracticeLog, data: LogInput, *, reason: str, token: str
) -> tuple[PracticeLog, bool]:
    """Record a new log that supersedes ``original``, with a reason; returns (log, created)."""
    if original.trainee_id != trainee.id:
        raise UnknownCompetency("There is no such practice log.")
    lock_chain()
    log, created = create_once(
        lambda: _correction(trainee, original, data, reason=reason, token=token),
        lambda: _find_by_token(trainee, token),
    )
    if not created:
        return log, False
    module, competency = resolve_competency(
        trainee, competency_key(log.module_slug, log.competency_id)
    )
    record(
        "practice.corrected",
        actor=trainee,
        subject=f"practice-log:{log.id}",
        payload={
            "supersedes": original.id,
            "reason": log.correction_reason,
            "self_rating": log.self_rating,
            "possible_names_confirmed": _names_confirmed(data, reason),
        },
    )
    _notify_supervisors(trainee, log, module, competency.statement)
    logger.info(
        "Practice log %s corrected by %s as log %s", original.id, trainee.id, log.id
    )
    return log, True


def log_chain(log: PracticeLog) -> tuple[PracticeLog | None, PracticeLog | None]:
    """(the log this one corrects, the log that corrects this one), in one query."""
    rows = list(
        db.session.scalars(
            sa.select(PracticeLog).where(
                PracticeLog.trainee_id == log.trainee_id,
                sa.or_(
                    PracticeLog.id == log.supersedes_id,
                    PracticeLog.supersedes_id == log.id,
                ),
            )
        )
    )
    earlier = next((row for row in rows if row.id == log.supersedes_id), None)
    later = next((row for row in rows if row.supersedes_id == log.id), None)
    return earlier, later
