"""Electronic sign-off: the supervisor re-enters their password and signs a period's draft
ratings, which become immutable signed ratings in the same transaction. Corrections are new
signed ratings, under a new signature, that reference the rating they supersede. The trainee
acknowledges a sign-off and may attach a written response."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import rfc8785
import sqlalchemy as sa

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.second_factor import is_enrolled, verify_second_factor
from trainer.auth.services import check_password
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.core.unit_of_work import create_once
from trainer.notifications.models import NotificationKind
from trainer.notifications.services import notify
from trainer.program.catalogue import competency_key
from trainer.program.models import EvaluationPeriod
from trainer.program.periods import minimum_level, minimum_levels
from trainer.record.access import Action
from trainer.record.models import (
    DraftRating,
    SignedRating,
    SignOff,
    signature_meaning,
)
from trainer.record.queries import period_ratings
from trainer.record.rules import rests_on_direct_observation

from .services import AlreadySigned, NotAssigned, SupervisionError, require_assigned
from .sign_off_mail import mail_trainee

logger = logging.getLogger(__name__)


class WrongPassword(SupervisionError):
    """The re-entered password is not the signer's; nothing was signed."""

    status_code = 422


class NothingToSign(SupervisionError):
    status_code = 409


class DirectObservationRequired(SupervisionError):
    status_code = 422


DIRECT_OBSERVATION_MESSAGE = (
    "The ratings were not signed, because accreditation requires each evaluation period to rest partly on direct observation. "
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
    meaning: str,
) -> SignOff:
    return SignOff(
        program_id=trainee.program_id,
        trainee_id=trainee.id,
        period_id=period.id,
        signer_id=signer.id,
        signer_name=signer.name,
        signed_at=utcnow(),
        meaning=meaning,
        is_correction=correction,
        ratings_digest="",
        submission_token=token,
    )


def sign_once(
    signer: User,
    trainee: User,
    period: EvaluationPeriod,
    token: str,
    ratings: Callable[[], list[SignedRating]],
    *,
    correction: bool,
) -> tuple[SignOff, list[SignedRating], bool]:
    """Sign the ratings ``ratings`` builds under a new sign-off, once per form token; returns
    (sign-off, its new ratings, created). A resubmitted or concurrent form with the same token
    gets the sign-off already recorded, and ``ratings`` is not called."""
    signed: list[SignedRating] = []

    def build() -> SignOff:
        signed.extend(ratings())
        sign_off = new_sign_off(
            signer,
            trainee,
            period,
            token,
            correction=correction,
            # what the signature attests follows how the signed ratings were observed
            meaning=signature_meaning(rating.observation for rating in signed),
        )
        sign_off.ratings_digest = digest(signed)
        return sign_off

    sign_off, created = create_once(build, lambda: find_by_token(signer, token))
    if created:
        for rating in signed:
            rating.sign_off_id = sign_off.id
            db.session.add(rating)
        db.session.flush()
    return sign_off, signed, created


def _signed_copy(
    draft: DraftRating, levels: dict[tuple[str, str], int]
) -> SignedRating:
    """The signed rating of ``draft``, keeping the minimum level in force now."""
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
        minimum_level=minimum_level(levels, draft.module_slug, draft.competency_id),
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


def drafts_to_sign(
    signer: User, trainee: User, period: EvaluationPeriod
) -> list[DraftRating]:
    """The signer's drafts of the period in content order, refused when there are none, when
    one is already signed, or when the period would not rest on direct observation."""
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
    drafts.sort(
        key=lambda draft: competency_key(draft.module_slug, draft.competency_id)
    )
    already = period_ratings(trainee.id, period.id)
    signed_keys = {(rating.module_slug, rating.competency_id) for rating in already}
    for draft in drafts:
        if (draft.module_slug, draft.competency_id) in signed_keys:
            raise AlreadySigned(
                f"{draft.module_slug}/{draft.competency_id} is already signed for {period.name}; "
                "discard that draft and correct the signed rating instead."
            )
    if not rests_on_direct_observation(already, drafts):
        raise DirectObservationRequired(DIRECT_OBSERVATION_MESSAGE)
    return drafts


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
    require_assigned(signer, trainee.id, Action.SIGN)
    if period.program_id != trainee.program_id:
        raise NotAssigned("There is no such evaluation period in this program.")
    authenticate_signer(
        signer, password, trainee=trainee, period=period, code=code, token=token
    )
    lock_chain()
    drafts: list[DraftRating] = []

    def ratings() -> list[SignedRating]:
        drafts.extend(drafts_to_sign(signer, trainee, period))
        levels = minimum_levels(trainee.program_id)
        return [_signed_copy(draft, levels) for draft in drafts]

    sign_off, ratings_signed, created = sign_once(
        signer, trainee, period, token, ratings, correction=False
    )
    if not created:
        return sign_off, False
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
            "ratings": [rating.id for rating in ratings_signed],
            "digest": sign_off.ratings_digest,
        },
    )
    notify_trainee(sign_off, len(ratings_signed), period)
    mail_trainee(sign_off, ratings_signed, period)
    logger.info("Ratings %s signed by %s", [r.id for r in ratings_signed], signer.id)
    return sign_off, True


def sign_off_ratings(sign_off: SignOff) -> list[SignedRating]:
    return list(
        db.session.scalars(
            sa.select(SignedRating)
            .where(SignedRating.sign_off_id == sign_off.id)
            .order_by(SignedRating.id)
        )
    )
