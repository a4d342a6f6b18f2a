"""Electronic sign-off: the supervisor re-enters their password and signs a period's draft
ratings, which become immutable signed ratings in the same transaction. Corrections are new
signed ratings, under a new signature, that reference the rating they supersede. The trainee
acknowledges a sign-off and may attach a written response."""

from __future__ import annotations

import hashlib
import logging

import rfc8785
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.second_factor import is_enrolled, verify_second_factor
from trainer.auth.services import check_password
from trainer.core.models import utcnow
from trainer.extensions import db
from trainer.learning.services import visible_module
from trainer.program.models import EvaluationPeriod

from .models import (
    SIGNATURE_MEANING,
    DraftRating,
    NotificationKind,
    SignedRating,
    SignOff,
)
from .notifications import notify
from .services import (
    AlreadySigned,
    NotAssigned,
    SupervisionError,
    require_assigned,
)

logger = logging.getLogger(__name__)


class WrongPassword(SupervisionError):
    """The re-entered password is not the signer's; nothing was signed."""

    status_code = 422


class NothingToSign(SupervisionError):
    status_code = 409


class DirectObservationRequired(SupervisionError):
    status_code = 422


DIRECT_OBSERVATION_MESSAGE = (
    "Not signed: accreditation requires each evaluation period to rest partly on direct observation. "
    "Rate at least one competency from observation in the room or through a one-way mirror, live video, "
    "or a video or audio recording, then sign again."
)


class WrongCode(WrongPassword):
    """The signer has a second factor and the code is missing or wrong; nothing was signed."""


def authenticate_signer(
    signer: User,
    password: str,
    *,
    trainee: User,
    period: EvaluationPeriod,
    code: str | None = None,
    token: str | None = None,
) -> None:
    """The password, and the code of a signer with a second factor. A resubmission of a
    signature already made (same token: a double click) needs no new code, since a code is
    accepted once; it returns the existing signature and signs nothing new."""
    if not check_password(signer, password or ""):
        record(
            "supervision.signature_failed",
            actor=signer,
            subject=f"user:{trainee.id}",
            payload={"period_id": period.id},
        )
        logger.info("Signature by %s refused: wrong password", signer.id)
        raise WrongPassword(
            "The password is not right, so nothing was signed. Your drafts are kept; try again."
        )
    resubmitted = token is not None and find_by_token(signer, token) is not None
    if (
        is_enrolled(signer)
        and not resubmitted
        and not verify_second_factor(signer, code, purpose="signature")
    ):
        record(
            "supervision.signature_failed",
            actor=signer,
            subject=f"user:{trainee.id}",
            payload={"period_id": period.id, "reason": "second factor"},
        )
        logger.info("Signature by %s refused: wrong second-factor code", signer.id)
        raise WrongCode(
            "The code from your authenticator app is not right (or was already used), so "
            "nothing was signed. Enter the code your app shows now."
        )


def find_by_token(signer: User, token: str) -> SignOff | None:
    return db.session.scalar(
        sa.select(SignOff).where(
            SignOff.signer_id == signer.id, SignOff.submission_token == token
        )
    )


def period_ratings(trainee_id: int, period_id: int) -> list[SignedRating]:
    """The period's signed ratings of the trainee that no correction has superseded."""
    newer = aliased(SignedRating)
    return list(
        db.session.scalars(
            sa.select(SignedRating)
            .outerjoin(newer, newer.supersedes_id == SignedRating.id)
            .where(
                SignedRating.trainee_id == trainee_id,
                SignedRating.period_id == period_id,
                newer.id.is_(None),
            )
        )
    )


def digest(ratings: list[SignedRating]) -> str:
    """SHA-256 of the RFC 8785 JSON of the ratings a signature covers."""
    return hashlib.sha256(
        rfc8785.dumps([rating.canonical() for rating in ratings])
    ).hexdigest()


def new_sign_off(
    signer: User,
    trainee: User,
    period: EvaluationPeriod,
    token: str,
    *,
    correction: bool,
) -> SignOff:
    return SignOff(
        program_id=trainee.program_id,
        trainee_id=trainee.id,
        period_id=period.id,
        signer_id=signer.id,
        signer_name=signer.name,
        signed_at=utcnow(),
        meaning=SIGNATURE_MEANING,
        is_correction=correction,
        ratings_digest="",
        submission_token=token,
    )


def store_sign_off(
    sign_off: SignOff, ratings: list[SignedRating], signer: User, token: str
) -> SignOff | None:
    """Insert the sign-off and its ratings; None when a concurrent submit of the token won."""
    sign_off.ratings_digest = digest(ratings)
    db.session.add(sign_off)
    try:
        with db.session.begin_nested():
            db.session.flush()
            for rating in ratings:
                rating.sign_off_id = sign_off.id
                db.session.add(rating)
            db.session.flush()
    except IntegrityError:
        if find_by_token(signer, token) is None:
            raise
        return None
    return sign_off


def _signed_copy(draft: DraftRating) -> SignedRating:
    return SignedRating(
        program_id=draft.program_id,
        supervisor_id=draft.supervisor_id,
        trainee_id=draft.trainee_id,
        period_id=draft.period_id,
        module_slug=draft.module_slug,
        competency_id=draft.competency_id,
        level=draft.level,
        comment=draft.comment,
        observation=draft.observation,
        observed_on=draft.observed_on,
        evidence_log_ids=list(draft.evidence_log_ids),
        evidence_attempt_ids=list(draft.evidence_attempt_ids),
        content_version=draft.content_version,
    )


def notify_trainee(sign_off: SignOff, count: int, period: EvaluationPeriod) -> None:
    what = (
        "a corrected rating"
        if sign_off.is_correction
        else f"{count} rating{'s' if count != 1 else ''}"
    )
    notify(
        [sign_off.trainee_id],
        program_id=sign_off.program_id,
        kind=NotificationKind.RATINGS_SIGNED,
        object_id=sign_off.id,
        message=f"{sign_off.signer_name} signed {what} for {period.name}.",
    )


def _content_order(trainee: User, draft: DraftRating) -> tuple:
    """Catalogue order of the module, then the module's own order of its competencies."""
    module = visible_module(trainee, draft.module_slug)
    if module is None:
        return (1, draft.module_slug, 0, draft.competency_id)
    ids = [competency.id for competency in module.meta.competencies]
    position = (
        ids.index(draft.competency_id) if draft.competency_id in ids else len(ids)
    )
    return (0, module.meta.order, module.slug, position)


def sign_period(
    signer: User,
    trainee: User,
    period: EvaluationPeriod,
    *,
    password: str,
    token: str,
    code: str | None = None,
) -> tuple[SignOff, bool]:
    """Sign the supervisor's drafts of ``period`` for ``trainee``; returns (sign-off, created).

    Refused with the drafts kept: a wrong password (WrongPassword, recorded in the audit log),
    no drafts, or a period whose ratings would not rest on any direct observation.
    """
    require_assigned(signer, trainee.id)
    if period.program_id != trainee.program_id:
        raise NotAssigned("There is no such evaluation period in this program.")
    authenticate_signer(
        signer, password, trainee=trainee, period=period, code=code, token=token
    )
    lock_chain()
    existing = find_by_token(signer, token)
    if existing is not None:
        return existing, False
    drafts = list(
        db.session.scalars(
            sa.select(DraftRating)
            .where(
                DraftRating.supervisor_id == signer.id,
                DraftRating.trainee_id == trainee.id,
                DraftRating.period_id == period.id,
            )
            .order_by(DraftRating.module_slug, DraftRating.competency_id)
        )
    )
    if not drafts:
        raise NothingToSign(f"There are no draft ratings for {period.name} to sign.")
    drafts.sort(key=lambda draft: _content_order(trainee, draft))
    already = period_ratings(trainee.id, period.id)
    signed_keys = {(rating.module_slug, rating.competency_id) for rating in already}
    for draft in drafts:
        if (draft.module_slug, draft.competency_id) in signed_keys:
            raise AlreadySigned(
                f"{draft.module_slug}/{draft.competency_id} is already signed for {period.name}; "
                "discard that draft and correct the signed rating instead."
            )
    if not any(d.is_direct for d in drafts) and not any(r.is_direct for r in already):
        raise DirectObservationRequired(DIRECT_OBSERVATION_MESSAGE)
    ratings = [_signed_copy(draft) for draft in drafts]
    sign_off = store_sign_off(
        new_sign_off(signer, trainee, period, token, correction=False),
        ratings,
        signer,
        token,
    )
    if sign_off is None:
        return find_by_token(signer, token), False
    for draft in drafts:
        db.session.delete(draft)
    db.session.flush()
    record(
        "supervision.signed",
        actor=signer,
        subject=f"sign-off:{sign_off.id}",
        payload={
            "trainee_id": trainee.id,
            "period_id": period.id,
            "meaning": sign_off.meaning,
            "ratings": [rating.id for rating in ratings],
            "digest": sign_off.ratings_digest,
        },
    )
    notify_trainee(sign_off, len(ratings), period)
    logger.info("Ratings %s signed by %s", [r.id for r in ratings], signer.id)
    return sign_off, True


def sign_off_ratings(sign_off: SignOff) -> list[SignedRating]:
    return list(
        db.session.scalars(
            sa.select(SignedRating)
            .where(SignedRating.sign_off_id == sign_off.id)
            .order_by(SignedRating.id)
        )
    )
