"""The trainee's e-mail when an evaluation of theirs is signed: queued in the transaction of the
signature (so it is sent only if the signature commits), unless they turned it off on /account.

It says who signed, when, for which period, each module and competency with its level in words,
what the signature means, and links to the sign-off page where the trainee acknowledges it.
Nothing anyone typed (comments, correction reasons, practice logs) goes into the message."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from trainer.auth.models import User
from trainer.content.schema import RUBRIC_LABELS
from trainer.core.clock import local_time
from trainer.core.extensions import db
from trainer.mail.models import MailMessage
from trainer.mail.services import absolute_url, queue_mail
from trainer.program.catalogue import curriculum
from trainer.program.models import EvaluationPeriod
from trainer.record.models import SignedRating, SignOff

logger = logging.getLogger(__name__)

NO_OPPORTUNITY = "No opportunity to observe"


@dataclass(frozen=True)
class RatingLine:
    module: str
    competency: str
    level: str


def rating_line(rating: SignedRating) -> RatingLine:
    module = curriculum().get(rating.module_slug)
    competency = module.competency(rating.competency_id) if module is not None else None
    return RatingLine(
        module=module.title if module is not None else rating.module_slug,
        competency=competency.statement
        if competency is not None
        else rating.competency_id,
        level=f"{rating.level} {RUBRIC_LABELS[rating.level]}"
        if rating.level is not None
        else NO_OPPORTUNITY,
    )


def mail_trainee(
    sign_off: SignOff, ratings: list[SignedRating], period: EvaluationPeriod
) -> MailMessage | None:
    """Queue the trainee's message about a new sign-off (flushes), or None when they turned
    it off or cannot sign in."""
    trainee = db.session.get(User, sign_off.trainee_id)
    if trainee is None or not trainee.is_active or not trainee.has_sign_off_mail:
        return None
    count = len(ratings)
    what = (
        "a corrected rating"
        if sign_off.is_correction
        else f"{count} rating{'s' if count != 1 else ''}"
    )
    timezone = trainee.program.timezone if trainee.program else None
    message = queue_mail(
        trainee.email,
        f"Your evaluation for {period.name} was signed",
        "evaluation_signed",
        kind="evaluation-signed",
        program_id=sign_off.program_id,
        name=trainee.name,
        signer=sign_off.signer_name,
        what=what,
        period=period.name,
        signed_at=local_time(sign_off.signed_at, timezone),
        ratings=[rating_line(rating) for rating in ratings],
        meaning=sign_off.meaning,
        link=absolute_url("supervision.sign_off_page", sign_off_id=sign_off.id),
        account_link=absolute_url("auth.account"),
    )
    logger.info("Mail %s queued for sign-off %s", message.id, sign_off.id)
    return message
