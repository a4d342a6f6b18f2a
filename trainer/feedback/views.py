"""Feedback pages: the trainee rates a quiz attempt or a supervision; the director reads the
program's aggregates per module."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.core.errors import TrainerError
from trainer.feedback.models import FEEDBACK_SCALES
from trainer.program.catalogue import curriculum
from trainer.record.access import Action, get_or_404
from trainer.record.models import Attempt, SignOff

from . import bp
from .forms import FeedbackForm
from .services import (
    feedback_on_attempt,
    feedback_on_sign_off,
    give_attempt_feedback,
    give_sign_off_feedback,
)


def _feedback_page(subject: str, existing, give, *, title: str, back: str):
    """GET shows the form (or the feedback already given); POST records it once."""
    form = FeedbackForm()
    if request.method == "GET":
        return _render(form, existing, title, back, subject)
    if existing is not None:
        flash("Your feedback was already recorded.", "info")
        return redirect(request.path)
    if not form.validate_on_submit():
        return _render(form, None, title, back, subject), 422
    try:
        _feedback, created = give(form.scores(), form.comment.data or "")
    except TrainerError as error:
        form.form_errors.append(str(error))
        return _render(form, None, title, back, subject), error.status_code
    if created:
        flash("Thank you: your feedback is recorded.", "success")
    else:
        flash("Your feedback was already recorded.", "info")
    return redirect(request.path)


def _render(form, existing, title, back, subject):
    return render_template(
        "feedback/form.html",
        form=form,
        existing=existing,
        title=title,
        back=back,
        subject=subject,
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    )


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@require(Permission.PRACTICE_FEEDBACK_GIVE)
def attempt_feedback(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id, Action.GIVE_FEEDBACK)
    module = curriculum().get(attempt.module_slug)
    title = (
        f"Attempt {attempt.number}: {module.title if module else attempt.module_slug}"
    )
    return _feedback_page(
        "attempt",
        feedback_on_attempt(attempt.id),
        lambda scores, comment: give_attempt_feedback(
            current_user, attempt, scores, comment
        ),
        title=title,
        back=url_for(
            "learning.attempt_result", slug=attempt.module_slug, number=attempt.number
        ),
    )


@bp.route("/sign-offs/<int:sign_off_id>", methods=["GET", "POST"])
@require(Permission.PRACTICE_FEEDBACK_GIVE)
def sign_off_feedback(sign_off_id: int):
    sign_off = get_or_404(SignOff, sign_off_id, Action.GIVE_FEEDBACK)
    title = f"Supervision with {sign_off.signer_name}, {sign_off.period.name}"
    return _feedback_page(
        "sign-off",
        feedback_on_sign_off(sign_off.id),
        lambda scores, comment: give_sign_off_feedback(
            current_user, sign_off, scores, comment
        ),
        title=title,
        back=url_for("supervision.sign_off_page", sign_off_id=sign_off.id),
    )
