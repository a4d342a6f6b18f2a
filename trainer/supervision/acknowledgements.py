"""The trainee's acknowledgement of a sign-off, with an optional written response that stays
with the record. Immutable, once per sign-off."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.unit_of_work import create_once
from trainer.privacy.check import check_deidentified
from trainer.record.models import Acknowledgement, SignOff

from .services import NotAssigned

logger = logging.getLogger(__name__)


def acknowledgement_of(sign_off_id: int) -> Acknowledgement | None:
    return db.session.scalar(
        sa.select(Acknowledgement).where(Acknowledgement.sign_off_id == sign_off_id)
    )


def acknowledge(
    trainee: User, sign_off: SignOff, response: str = ""
) -> tuple[Acknowledgement, bool]:
    """The trainee acknowledges the evaluation, with an optional written response; once per sign-off."""
    if sign_off.trainee_id != trainee.id:
        raise NotAssigned("There is no such evaluation of yours.")
    response = (response or "").strip()
    check_deidentified(response=response)
    lock_chain()
    acknowledgement, created = create_once(
        lambda: Acknowledgement(
            sign_off_id=sign_off.id, trainee_id=trainee.id, response=response
        ),
        lambda: acknowledgement_of(sign_off.id),
    )
    if not created:
        return acknowledgement, False
    record(
        "supervision.acknowledged",
        actor=trainee,
        subject=f"sign-off:{sign_off.id}",
        payload={
            "acknowledgement_id": acknowledgement.id,
            "has_response": bool(response),
        },
    )
    logger.info("Sign-off %s acknowledged by %s", sign_off.id, trainee.id)
    return acknowledgement, True
