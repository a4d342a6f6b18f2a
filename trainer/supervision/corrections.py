"""Corrections of signed ratings: a new signed rating, under a new signature, that references
the rating it supersedes, with a reason. Both stay in the record; nothing is edited."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.privacy.check import check_deidentified
from trainer.program.catalogue import visible_module
from trainer.program.periods import minimum_level, minimum_levels
from trainer.record.access import Action
from trainer.record.models import SignedRating, SignOff
from trainer.record.queries import period_ratings
from trainer.record.rules import rests_on_direct_observation

from .services import (
    NotAssigned,
    RatingInput,
    SupervisionError,
    check_evidence,
    check_rating,
    require_assigned,
)
from .sign_off_mail import mail_trainee
from .signing import (
    DIRECT_OBSERVATION_MESSAGE,
    DirectObservationRequired,
    authenticate_signer,
    notify_trainee,
    sign_once,
)

logger = logging.getLogger(__name__)


class AlreadyCorrected(SupervisionError):
    status_code = 409


def correction_of(rating: SignedRating) -> SignedRating | None:
    return db.session.scalar(
        sa.select(SignedRating).where(SignedRating.supersedes_id == rating.id)
    )


def _correction(
    signer: User,
    trainee: User,
    original: SignedRating,
    data: RatingInput,
    *,
    reason: str,
) -> SignedRating:
    """The new rating that supersedes ``original``, refused when it is already corrected or the
    period would no longer rest on direct observation."""
    if correction_of(original) is not None:
        raise AlreadyCorrected(
            "This rating has already been corrected; correct its latest version instead."
        )
    module = visible_module(trainee, original.module_slug)
    correction = SignedRating(
        program_id=original.program_id,
        supervisor_id=signer.id,
        trainee_id=trainee.id,
        period_id=original.period_id,
        module_slug=original.module_slug,
        competency_id=original.competency_id,
        level=data.level,
        comment=(data.comment or "").strip(),
        observation=data.observation,
        observed_on=data.observed_on,
        evidence_log_ids=sorted(set(data.evidence_log_ids)),
        evidence_attempt_ids=sorted(set(data.evidence_attempt_ids)),
        content_version=module.version
        if module is not None
        else original.content_version,
        supersedes_id=original.id,
        correction_reason=reason,
        minimum_level=minimum_level(
            minimum_levels(trainee.program_id),
            original.module_slug,
            original.competency_id,
        ),
    )
    others = [
        r for r in period_ratings(trainee.id, original.period_id) if r.id != original.id
    ]
    if not rests_on_direct_observation([correction, *others]):
        raise DirectObservationRequired(DIRECT_OBSERVATION_MESSAGE)
    return correction


def correct_rating(
    signer: User,
    trainee: User,
    original: SignedRating,
    data: RatingInput,
    *,
    reason: str,
    password: str,
    token: str,
    today: date,
    code: str | None = None,
) -> tuple[SignOff, bool]:
    """Sign a new rating that supersedes ``original``, with a reason; returns (sign-off, created)."""
    require_assigned(signer, trainee.id, Action.SIGN)
    if original.trainee_id != trainee.id:
        raise NotAssigned("There is no such rating for this trainee.")
    reason = (reason or "").strip()
    if not reason:
        raise SupervisionError("Say why you are correcting the rating.")
    check_deidentified(reason=reason)
    check_rating(data, today=today)
    check_evidence(trainee, original.module_slug, data)
    period = original.sign_off.period
    authenticate_signer(
        signer, password, trainee=trainee, period=period, code=code, token=token
    )
    lock_chain()
    sign_off, signed, created = sign_once(
        signer,
        trainee,
        period,
        token,
        lambda: [_correction(signer, trainee, original, data, reason=reason)],
        correction=True,
    )
    if not created:
        return sign_off, False
    [correction] = signed
    record(
        "supervision.rating_corrected",
        actor=signer,
        subject=f"signed-rating:{correction.id}",
        payload={
            "sign_off_id": sign_off.id,
            "supersedes": original.id,
            "reason": reason,
            "level": correction.level,
            "previous_level": original.level,
            "meaning": sign_off.meaning,
            "digest": sign_off.ratings_digest,
        },
    )
    notify_trainee(sign_off, 1, period)
    mail_trainee(sign_off, [correction], period)
    logger.info(
        "Signed rating %s corrected by %s as %s", original.id, signer.id, correction.id
    )
    return sign_off, True


def related_ratings(
    ratings: list[SignedRating],
) -> tuple[dict[int, SignedRating], dict[int, SignedRating]]:
    """({rating id: the rating that corrects it}, {rating id: the rating it corrects}), one query."""
    ids = [rating.id for rating in ratings]
    earlier_ids = [
        rating.supersedes_id for rating in ratings if rating.supersedes_id is not None
    ]
    if not ids:
        return {}, {}
    rows = list(
        db.session.scalars(
            sa.select(SignedRating).where(
                sa.or_(
                    SignedRating.supersedes_id.in_(ids),
                    SignedRating.id.in_(earlier_ids or [-1]),
                )
            )
        )
    )
    by_id = {row.id: row for row in rows}
    corrected_by = {row.supersedes_id: row for row in rows if row.supersedes_id in ids}
    corrects = {
        rating.id: by_id[rating.supersedes_id]
        for rating in ratings
        if rating.supersedes_id in by_id
    }
    return corrected_by, corrects
