"""The signed record: sign-off pages, acknowledgements, corrections, attempts seen by the
supervisor, feedback on supervisions and notifications."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role, has_permission
from trainer.content.render import render_inline
from trainer.core.models import TrainerError
from trainer.extensions import db
from trainer.learning import quizflow
from trainer.learning.services import curriculum, module_of_attempt, visible_module
from trainer.practice.feedback import feedback_on_sign_off, supervisor_feedback
from trainer.practice.models import FEEDBACK_SCALES
from trainer.practice.services import (
    new_submission_token,
    program_today,
    superseded_by,
    trainee_logs,
)

from . import bp
from .acknowledgements import acknowledge, acknowledgement_of
from .corrections import correct_rating, related_ratings, superseding
from .forms import (
    NO_OPPORTUNITY,
    AcknowledgeForm,
    CorrectRatingForm,
    MarkSeenForm,
    signature_field,
)
from .models import OBSERVATION_LABELS, SignedRating
from .notifications import mark_all_seen, recent_notifications, unseen_count
from .services import attempt_for_supervisor, rating_for_supervisor, sign_off_for
from .signing import WrongPassword, sign_off_ratings
from .views import assigned_trainee_or_404, signature_rate_limit
from .workspace import trainee_attempts


@bp.app_context_processor
def _supervision_globals():
    """``notification_count()`` for the navigation: one COUNT, run only when a page asks and only
    for roles that receive notifications; it never fails (error pages render without a database).
    Also the observation labels, which the trainee's /progress shows."""

    def count() -> int:
        if "notification_count" not in g:
            try:
                user = current_user if current_user.is_authenticated else None
                allowed = user is not None and has_permission(
                    user.role, Permission.NOTIFICATIONS_READ
                )
                g.notification_count = unseen_count(user) if allowed else 0
            except SQLAlchemyError:
                g.notification_count = 0
        return g.notification_count

    return {"notification_count": count, "OBSERVATION_LABELS": OBSERVATION_LABELS}


def _render_sign_off(
    sign_off, ack_form: AcknowledgeForm | None = None, status: int = 200
):
    ratings = sign_off_ratings(sign_off)
    corrected_by, corrects = related_ratings(ratings)
    is_trainee = current_user.role is Role.TRAINEE
    return render_template(
        "supervision/sign_off.html",
        sign_off=sign_off,
        ratings=ratings,
        corrected_by=corrected_by,
        corrects=corrects,
        trainee=current_user
        if is_trainee
        else db.session.get(User, sign_off.trainee_id),
        is_trainee=is_trainee,
        acknowledgement=acknowledgement_of(sign_off.id),
        feedback=feedback_on_sign_off(sign_off.id)
        if is_trainee or sign_off.signer_id == current_user.id
        else None,
        ack_form=ack_form or AcknowledgeForm(formdata=None),
        curriculum=curriculum(),
        OBSERVATION_LABELS=OBSERVATION_LABELS,
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    ), status


def _sign_off_or_404(sign_off_id: int):
    sign_off = sign_off_for(current_user, sign_off_id)
    if sign_off is None:
        abort(404)
    return sign_off


@bp.route("/supervision/sign-offs/<int:sign_off_id>")
@require(Permission.SUPERVISION_RECORD_READ)
def sign_off_page(sign_off_id: int):
    return _render_sign_off(_sign_off_or_404(sign_off_id))


@bp.route("/supervision/sign-offs/<int:sign_off_id>/acknowledge", methods=["POST"])
@require(Permission.SUPERVISION_RECORD_ACKNOWLEDGE)
def acknowledge_sign_off(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return _render_sign_off(sign_off, form, 422)
    try:
        _acknowledgement, created = acknowledge(
            current_user, sign_off, form.response.data or ""
        )
    except TrainerError as error:
        db.session.rollback()
        form.response.errors = [str(error)]
        return _render_sign_off(sign_off, form, error.status_code)
    db.session.commit()
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
    replaced = superseded_by(logs)
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


@bp.route("/supervision/ratings/<int:rating_id>/correct", methods=["GET", "POST"])
@require(Permission.SUPERVISION_RATING_SIGN)
@signature_rate_limit
def correct(rating_id: int):
    original = rating_for_supervisor(current_user, rating_id)
    if original is None:
        abort(404)
    trainee = assigned_trainee_or_404(original.trainee_id)
    newer = superseding(original)
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
        db.session.commit()  # the failed signature stays on record
        g.signature_failed = True
        signature_field(form, error).errors.append(str(error))
        return _render_correction(original, trainee, form, error.status_code)
    except TrainerError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _render_correction(original, trainee, form, error.status_code)
    db.session.commit()
    flash(
        "Correction signed; the earlier rating stays in the record, marked as superseded."
        if created
        else "This correction was already signed; here it is.",
        "success" if created else "info",
    )
    return redirect(url_for("supervision.sign_off_page", sign_off_id=sign_off.id))


@bp.route("/supervision/trainees/<int:trainee_id>/attempts/<int:attempt_id>")
@require(Permission.SUPERVISION_TRAINEE_READ)
def attempt_page(trainee_id: int, attempt_id: int):
    trainee = assigned_trainee_or_404(trainee_id)
    attempt = attempt_for_supervisor(current_user, trainee, attempt_id)
    if attempt is None:
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


@bp.route("/supervision/feedback")
@require(Permission.SUPERVISION_FEEDBACK_READ)
def feedback_page():
    return render_template(
        "supervision/feedback.html",
        rows=supervisor_feedback(current_user),
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    )


@bp.route("/notifications")
@require(Permission.NOTIFICATIONS_READ)
def notifications():
    return render_template(
        "supervision/notifications.html",
        notifications=recent_notifications(current_user),
        form=MarkSeenForm(formdata=None),
    )


@bp.route("/notifications/seen", methods=["POST"])
@require(Permission.NOTIFICATIONS_READ)
def mark_notifications_seen():
    form = MarkSeenForm()
    if not form.validate_on_submit():
        abort(400)
    count = mark_all_seen(current_user)
    db.session.commit()
    flash(
        f"{count} notification{'s' if count != 1 else ''} marked as seen."
        if count
        else "Nothing new.",
        "success",
    )
    return redirect(url_for("supervision.notifications"))
