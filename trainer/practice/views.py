from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.notifications.models import NotificationKind
from trainer.notifications.services import mark_seen_about
from trainer.program.catalogue import curriculum, visible_modules
from trainer.program.services import program_today
from trainer.record.access import Action, get_or_404
from trainer.record.models import (
    CLINIC_TYPE_LABELS,
    MODALITY_LABELS,
    ClinicType,
    Modality,
    PracticeLog,
)
from trainer.record.queries import trainee_logs
from trainer.record.rules import superseding

from . import bp
from .forms import CorrectionForm, PracticeLogForm
from .services import (
    LogInput,
    UnknownCompetency,
    competency_key,
    correct_log,
    log_chain,
    resolve_competency,
    submit_log,
    superseding_log,
)


def _log_input(form: PracticeLogForm) -> LogInput:
    return LogInput(
        practised_on=form.practised_on.data,
        modality=Modality(form.modality.data),
        clinic_type=ClinicType(form.clinic_type.data),
        what_i_did=form.what_i_did.data,
        client_response=form.client_response.data,
        reflection=form.reflection.data,
        self_rating=int(form.self_rating.data),
        names_confirmed=form.names_confirmed,
    )


def _chosen(key: str | None):
    if not key:
        return None
    try:
        return resolve_competency(current_user, key)
    except UnknownCompetency:
        abort(404)


def _render_index(form: PracticeLogForm, chosen, status: int = 200):
    logs = trainee_logs(current_user.id)
    return render_template(
        "practice/index.html",
        form=form,
        chosen=chosen,
        modules=visible_modules(current_user),
        logs=logs,
        replaced=superseding(logs),
        curriculum=curriculum(),
        MODALITY_LABELS=MODALITY_LABELS,
    ), status


@bp.route("", methods=["GET", "POST"])
@require(Permission.PRACTICE_LOG_WRITE)
def index():
    today = program_today(current_user)
    if request.method == "GET":
        key = request.args.get("competency")
        form = PracticeLogForm(
            formdata=None, today=today, competency=key, token=new_submission_token()
        )
        return _render_index(form, _chosen(key))
    form = PracticeLogForm(today=today)
    chosen = _chosen(form.competency.data)
    if chosen is None or not form.validate_on_submit():
        return _render_index(form, chosen, 422)
    module, competency = chosen
    try:
        log, created = submit_log(
            current_user, module, competency, _log_input(form), token=form.token.data
        )
    except TrainerError as error:
        form.form_errors.append(str(error))
        return _render_index(form, chosen, error.status_code)
    if created:
        flash(
            "Practice log recorded. It cannot be edited; correct it with a new log if needed.",
            "success",
        )
    else:
        flash("This log was already recorded; here it is.", "info")
    return redirect(url_for("practice.log_page", log_id=log.id))


@bp.route("/<int:log_id>")
@require(Permission.PRACTICE_LOG_READ)
def log_page(log_id: int):
    log = get_or_404(PracticeLog, log_id)
    # opened: the notification that announced it has been seen
    mark_seen_about(current_user, NotificationKind.PRACTICE_LOGGED, log.id)
    earlier, later = log_chain(log)
    module = curriculum().get(log.module_slug)
    return render_template(
        "practice/log.html",
        log=log,
        earlier=earlier,
        later=later,
        module=module,
        competency=module.competency(log.competency_id) if module else None,
        trainee=log_trainee(log),
        MODALITY_LABELS=MODALITY_LABELS,
        CLINIC_TYPE_LABELS=CLINIC_TYPE_LABELS,
    )


def log_trainee(log: PracticeLog) -> User | None:
    if log.trainee_id == current_user.id:
        return current_user
    return db.session.get(User, log.trainee_id)


def _prefill(log: PracticeLog) -> dict:
    return {
        "competency": competency_key(log.module_slug, log.competency_id),
        "practised_on": log.practised_on,
        "modality": log.modality.value,
        "clinic_type": log.clinic_type.value,
        "what_i_did": log.what_i_did,
        "client_response": log.client_response,
        "reflection": log.reflection,
        "self_rating": str(log.self_rating),
    }


@bp.route("/<int:log_id>/correct", methods=["GET", "POST"])
@require(Permission.PRACTICE_LOG_WRITE)
def correct(log_id: int):
    original = get_or_404(PracticeLog, log_id, Action.CORRECT)
    later = superseding_log(original)
    if later is not None and request.method == "GET":
        flash(
            "This log has already been corrected; you can correct its latest version.",
            "info",
        )
        return redirect(url_for("practice.log_page", log_id=later.id))
    today = program_today(current_user)
    chosen = _chosen(competency_key(original.module_slug, original.competency_id))
    if request.method == "GET":
        form = CorrectionForm(
            formdata=None,
            today=today,
            data=_prefill(original),
            token=new_submission_token(),
        )
        return render_template(
            "practice/correct.html", form=form, original=original, chosen=chosen
        )
    form = CorrectionForm(today=today)
    form.competency.data = competency_key(original.module_slug, original.competency_id)
    if not form.validate_on_submit():
        return render_template(
            "practice/correct.html", form=form, original=original, chosen=chosen
        ), 422
    try:
        log, created = correct_log(
            current_user,
            original,
            _log_input(form),
            reason=form.reason.data,
            token=form.token.data,
        )
    except TrainerError as error:
        form.form_errors.append(str(error))
        return render_template(
            "practice/correct.html", form=form, original=original, chosen=chosen
        ), error.status_code
    flash(
        "Correction recorded; the original log stays in your record, marked as superseded."
        if created
        else "This correction was already recorded; here it is.",
        "success" if created else "info",
    )
    return redirect(url_for("practice.log_page", log_id=log.id))
