"""The signed record: sign-off pages, acknowledgements, corrections, attempts seen by the
supervisor, feedback on supervisions and notifications."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission
from trainer.content.render import render_inline
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.core.unit_of_work import keep_despite_error
from trainer.feedback.models import FEEDBACK_SCALES
from trainer.feedback.services import feedback_on_sign_off, supervisor_feedback
from trainer.learning import quizflow
from trainer.learning.services import module_of_attempt
from trainer.notifications.models import NotificationKind
from trainer.notifications.services import mark_seen_about
from trainer.program.catalogue import curriculum, visible_module
from trainer.program.services import program_today
from trainer.record.access import Action, get_or_404, permits, trainee_or_404
from trainer.record.models import (
    MODALITY_LABELS,
    OBSERVATION_LABELS,
    Attempt,
    ContentVersion,
    PracticeLog,
    SignedRating,
    SignOff,
)
from trainer.record.queries import trainee_attempts, trainee_logs
from trainer.record.rules import superseding

from . import bp
from .acknowledgements import acknowledge, acknowledgement_of
from .corrections import correct_rating, correction_of, related_ratings
from .forms import NO_OPPORTUNITY, AcknowledgeForm, CorrectRatingForm, signature_field
from .signing import WrongPassword, sign_off_ratings
from .views import signature_rate_limit


def _evidence_of(ratings: list[SignedRating]) -> dict:
    """The logs, attempts and content versions the ratings name, so the page can say what
    they are (a date, a module, a score) instead of showing their ids: three queries."""
    log_ids = {log_id for rating in ratings for log_id in rating.evidence_log_ids}
    attempt_ids = {a_id for rating in ratings for a_id in rating.evidence_attempt_ids}
    versions = {rating.content_version for rating in ratings}
    return {
        "logs": {
            log.id: log
            for log in db.session.scalars(
                sa.select(PracticeLog).where(PracticeLog.id.in_(log_ids))
            )
        }
        if log_ids
        else {},
        "attempts": {
            attempt.id: attempt
            for attempt in db.session.scalars(
                sa.select(Attempt).where(Attempt.id.in_(attempt_ids))
            )
        }
        if attempt_ids
        else {},
        "versions": {
            version.version: version
            for version in db.session.scalars(
                sa.select(ContentVersion).where(ContentVersion.version.in_(versions))
            )
        }
        if versions
        else {},
    }


def _render_sign_off(
    sign_off, ack_form: AcknowledgeForm | None = None, status: int = 200
):
    ratings = sign_off_ratings(sign_off)
    corrected_by, corrects = related_ratings(ratings)
    is_trainee = sign_off.trainee_id == current_user.id
    return render_template(
        "supervision/sign_off.html",
        sign_off=sign_off,
        ratings=ratings,
        corrected_by=corrected_by,
        corrects=corrects,
        evidence=_evidence_of(ratings),
        trainee=current_user
        if is_trainee
        else db.session.get(User, sign_off.trainee_id),
        is_trainee=is_trainee,
        acknowledgement=acknowledgement_of(sign_off.id),
        feedback=feedback_on_sign_off(sign_off.id)
        if permits(current_user, sign_off, Action.READ_FEEDBACK)
        else None,
        ack_form=ack_form or AcknowledgeForm(formdata=None),
        curriculum=curriculum(),
        OBSERVATION_LABELS=OBSERVATION_LABELS,
        MODALITY_LABELS=MODALITY_LABELS,
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    ), status


def _sign_off_or_404(sign_off_id: int, action: Action = Action.READ):
    return get_or_404(SignOff, sign_off_id, action)


@bp.route("/sign-offs/<int:sign_off_id>")
@require(Permission.SUPERVISION_RECORD_READ)
def sign_off_page(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id)
    # opened: the notification that announced it has been seen
    mark_seen_about(current_user, NotificationKind.RATINGS_SIGNED, sign_off.id)
    return _render_sign_off(sign_off)


@bp.route("/sign-offs/<int:sign_off_id>/acknowledge", methods=["POST"])
@require(Permission.SUPERVISION_RECORD_ACKNOWLEDGE)
def acknowledge_sign_off(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id, Action.ACKNOWLEDGE)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return _render_sign_off(sign_off, form, 422)
    try:
        _acknowledgement, created = acknowledge(
            current_user, sign_off, form.response.data or ""
        )
    except TrainerError as error:
        form.response.errors = [str(error)]
        return _render_sign_off(sign_off, form, error.status_code)
    if created:
        flash("Acknowledged. Your response stays with the record.", "success")
    else:
        flash("You had already acknowledged this evaluation.", "info")
    return redirect(url_for("supervision.sign_off_page", sign_off_id=sign_off.id))


def _correction_form(
    original: SignedRating, trainee: User, formdata=None
) -> CorrectRatingForm:
    data = {
        "level": str(original.level) if original.level is not None else NO_OPPORTUNITY,
        "observation": original.observation.value if original.observation else "",
        "observed_on": original.observed_on,
        "comment": original.comment,
        "evidence_logs": list(original.evidence_log_ids),
        "evidence_attempts": list(original.evidence_attempt_ids),
    }
    form = CorrectRatingForm(
        formdata=formdata, data=data, today=program_today(current_user)
    )
    if formdata is None:
        form.token.data = new_submission_token()
    logs = trainee_logs(trainee.id, module_slug=original.module_slug)
    replaced = superseding(logs)
    form.evidence_logs.choices = [
        (log.id, f"Log of {log.practised_on:%d %b %Y}, self-rating {log.self_rating}")
        for log in logs
        if log.competency_id == original.competency_id
        and (log.id not in replaced or log.id in original.evidence_log_ids)
    ]
    form.evidence_attempts.choices = [
        (
            a.id,
            f"Attempt {a.number}: {a.score:g}%, {'passed' if a.is_passed else 'not passed'}",
        )
        for a in trainee_attempts(trainee.id, module_slug=original.module_slug)
    ]
    return form


def _render_correction(original, trainee, form, status: int = 200):
    module = visible_module(trainee, original.module_slug)
    return render_template(
        "supervision/correct_rating.html",
        original=original,
        trainee=trainee,
        module=module,
        competency=module.competency(original.competency_id) if module else None,
        form=form,
        OBSERVATION_LABELS=OBSERVATION_LABELS,
    ), status


@bp.route("/ratings/<int:rating_id>/correct", methods=["GET", "POST"])
@require(Permission.SUPERVISION_RATING_SIGN)
@signature_rate_limit
def correct(rating_id: int):
    original = get_or_404(SignedRating, rating_id, Action.CORRECT)
    trainee = trainee_or_404(original.trainee_id, Action.SIGN)
    newer = correction_of(original)
    if newer is not None and request.method == "GET":
        flash(
            "This rating has already been corrected; you can correct its latest version.",
            "info",
        )
        return redirect(
            url_for("supervision.sign_off_page", sign_off_id=newer.sign_off_id)
        )
    if request.method == "GET":
        return _render_correction(
            original, trainee, _correction_form(original, trainee)
        )
    form = _correction_form(original, trainee, formdata=request.form)
    if not form.validate_on_submit():
        return _render_correction(original, trainee, form, 422)
    try:
        sign_off, created = correct_rating(
            current_user,
            trainee,
            original,
            form.rating(),
            reason=form.reason.data,
            password=form.password.data,
            code=form.code.data,
            token=form.token.data,
            today=program_today(current_user),
        )
    except WrongPassword as error:
        keep_despite_error()  # the failed signature stays on record
        g.signature_failed = True
        signature_field(form, error).errors.append(str(error))
        return _render_correction(original, trainee, form, error.status_code)
    except TrainerError as error:
        form.form_errors.append(str(error))
        return _render_correction(original, trainee, form, error.status_code)
    flash(
        "Correction signed; the earlier rating stays in the record, marked as superseded."
        if created
        else "This correction was already signed; here it is.",
        "success" if created else "info",
    )
    return redirect(url_for("supervision.sign_off_page", sign_off_id=sign_off.id))


@bp.route("/trainees/<int:trainee_id>/attempts/<int:attempt_id>")
@require(Permission.SUPERVISION_TRAINEE_READ)
def attempt_page(trainee_id: int, attempt_id: int):
    trainee = trainee_or_404(trainee_id)
    attempt = get_or_404(Attempt, attempt_id)
    if attempt.trainee_id != trainee.id:
        abort(404)
    module = module_of_attempt(attempt)
    current = curriculum().get(attempt.module_slug)
    return render_template(
        "supervision/attempt.html",
        trainee=trainee,
        attempt=attempt,
        module=module,
        current_version=current.version if current else None,
        quizflow=quizflow,
        render_inline=render_inline,
    )


@bp.route("/feedback")
@require(Permission.SUPERVISION_FEEDBACK_READ)
def feedback_page():
    return render_template(
        "supervision/feedback.html",
        rows=supervisor_feedback(current_user),
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    )
