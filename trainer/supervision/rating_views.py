"""The rating sheet: a supervisor drafts a rating per competency of a module (one at a time
or all at once) and discards drafts; signing them is on the workspace (views.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.content.schema import RUBRIC_LABELS
from trainer.core.errors import TrainerError
from trainer.core.requests import database_id
from trainer.program.catalogue import visible_module
from trainer.program.periods import evaluation_periods
from trainer.program.services import program_today
from trainer.record.access import Action, get_or_404, trainee_or_404
from trainer.record.models import OBSERVATION_LABELS, DraftRating
from trainer.record.pages import module_sheet

from . import bp
from .forms import (
    NO_OPPORTUNITY,
    CompetencyDraftForm,
    DiscardDraftForm,
    DraftForm,
    DraftsForm,
    PeriodChoiceForm,
)
from .services import discard_draft, save_draft, save_drafts
from .views import periods_and_choice


def _draft_form(
    competency,
    period,
    draft: DraftRating | None,
    logs,
    attempts,
    formdata=None,
    form_class=CompetencyDraftForm,
):
    data = {"period": period.id}
    if draft is not None:
        data.update(
            level=str(draft.level) if draft.level is not None else NO_OPPORTUNITY,
            observation=draft.observation.value if draft.observation else "",
            observed_on=draft.observed_on,
            comment=draft.comment,
            evidence_logs=list(draft.evidence_log_ids),
            evidence_attempts=list(draft.evidence_attempt_ids),
        )
    form = form_class(
        formdata=formdata,
        prefix=competency.id,
        data=data,
        today=program_today(current_user),
    )
    form.evidence_logs.choices = [
        (log.id, f"Log of {log.practised_on:%d %b %Y}, self-rating {log.self_rating}")
        for log in logs
    ]
    form.evidence_attempts.choices = [
        (
            attempt.id,
            f"Attempt {attempt.number}: {attempt.score:g}%, {'passed' if attempt.is_passed else 'not passed'}",
        )
        for attempt in attempts
    ]
    return form


def render_module(
    trainee,
    module,
    period,
    periods,
    bound: dict | None = None,
    status: int = 200,
    page_form: DraftsForm | None = None,
):
    """The rating page of one module: one form holding the draft of every competency not yet
    signed for the period, saved together so that nothing typed in one is lost by another."""
    sheet = module_sheet(current_user, trainee, module, period)
    forms = {}
    if period is not None:
        for competency in module.meta.competencies:
            if competency.id in sheet.signed:
                continue
            forms[competency.id] = (bound or {}).get(competency.id) or _draft_form(
                competency,
                period,
                sheet.drafts.get(competency.id),
                sheet.current_logs(competency.id),
                sheet.attempts,
            )
    chooser = PeriodChoiceForm(formdata=None, period=period.id if period else None)
    chooser.period.choices = [(p.id, p.name) for p in periods]
    return render_template(
        "supervision/rate_module.html",
        trainee=trainee,
        sheet=sheet,
        module=module,
        period=period,
        chooser=chooser,
        forms=forms,
        page_form=page_form
        or DraftsForm(formdata=None, period=period.id if period else ""),
        discard_form=DiscardDraftForm(formdata=None),
        RUBRIC_LABELS=RUBRIC_LABELS,
        OBSERVATION_LABELS=OBSERVATION_LABELS,
    ), status


def _module_or_404(trainee, slug: str):
    module = visible_module(trainee, slug)
    if module is None:
        abort(404)
    return module


@bp.route("/trainees/<int:trainee_id>/modules/<slug>")
@require(Permission.SUPERVISION_RATING_WRITE)
def rate_module(trainee_id: int, slug: str):
    trainee = trainee_or_404(trainee_id, Action.RATE)
    module = _module_or_404(trainee, slug)
    periods, period = periods_and_choice()
    return render_module(trainee, module, period, periods)


@bp.route(
    "/trainees/<int:trainee_id>/modules/<slug>/competencies/<competency_id>/draft",
    methods=["POST"],
)
@require(Permission.SUPERVISION_RATING_WRITE)
def save_draft_rating(trainee_id: int, slug: str, competency_id: str):
    trainee = trainee_or_404(trainee_id, Action.RATE)
    module = _module_or_404(trainee, slug)
    competency = module.competency(competency_id)
    if competency is None:
        abort(404)
    periods = evaluation_periods(trainee.program_id)
    period_id = request.form.get(f"{competency.id}-period", type=database_id)
    if period_id is None:
        abort(400)
    period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        abort(404)
    sheet = module_sheet(current_user, trainee, module, period)
    form = _draft_form(
        competency,
        period,
        None,
        sheet.current_logs(competency.id),
        sheet.attempts,
        formdata=request.form,
        form_class=DraftForm,
    )
    if not form.validate_on_submit():
        return render_module(
            trainee, module, period, periods, bound={competency.id: form}, status=422
        )
    try:
        save_draft(
            current_user,
            trainee,
            period,
            module,
            competency,
            form.rating(),
            today=program_today(current_user),
        )
    except TrainerError as error:
        form.form_errors.append(str(error))
        return render_module(
            trainee,
            module,
            period,
            periods,
            bound={competency.id: form},
            status=error.status_code,
        )
    flash(f"Draft saved: {competency.statement}", "success")
    return redirect(
        url_for(
            "supervision.rate_module",
            trainee_id=trainee.id,
            slug=module.slug,
            period=period.id,
        )
        + f"#competency-{competency.id}"
    )


@bp.route("/trainees/<int:trainee_id>/modules/<slug>/drafts", methods=["POST"])
@require(Permission.SUPERVISION_RATING_WRITE)
def save_drafts_of_module(trainee_id: int, slug: str):
    """The rating page's one form: saves the draft of every competency that has something
    chosen or typed. When one is refused, none is saved and the page comes back with
    everything typed in every competency, and the message under the one refused."""
    trainee = trainee_or_404(trainee_id, Action.RATE)
    module = _module_or_404(trainee, slug)
    periods = evaluation_periods(trainee.program_id)
    page_form = DraftsForm()
    period_id = request.form.get("period", type=database_id)
    if period_id is None:
        abort(400)
    period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        abort(404)
    if not page_form.validate_on_submit():
        abort(400)
    sheet = module_sheet(current_user, trainee, module, period)
    forms = {
        competency.id: _draft_form(
            competency,
            period,
            None,
            sheet.current_logs(competency.id),
            sheet.attempts,
            formdata=request.form,
        )
        for competency in module.meta.competencies
        if competency.id not in sheet.signed
    }
    touched = {cid: form for cid, form in forms.items() if form.is_touched()}
    invalid = [cid for cid, form in touched.items() if not form.validate()]
    if invalid:
        page_form.form_errors.append(
            "Nothing was saved yet: "
            + (
                "one competency needs"
                if len(invalid) == 1
                else f"{len(invalid)} competencies need"
            )
            + " a correction, shown below it. Everything you typed is still here."
        )
        return render_module(
            trainee,
            module,
            period,
            periods,
            bound=forms,
            status=422,
            page_form=page_form,
        )
    if not touched:
        flash("Nothing to save: no competency has a level or a comment yet.", "info")
        return redirect(
            url_for(
                "supervision.rate_module",
                trainee_id=trainee.id,
                slug=module.slug,
                period=period.id,
            )
        )
    entries = [(module.competency(cid), form.rating()) for cid, form in touched.items()]
    try:
        saved = save_drafts(
            current_user,
            trainee,
            period,
            module,
            entries,
            today=program_today(current_user),
        )
    except TrainerError as error:
        page_form.form_errors.append(str(error))
        return render_module(
            trainee,
            module,
            period,
            periods,
            bound=forms,
            status=error.status_code,
            page_form=page_form,
        )
    count = len(saved)
    if count:
        flash(
            f"Saved {count} draft{'' if count == 1 else 's'} for {period.name}; "
            "they stay drafts until you sign them.",
            "success",
        )
    else:
        flash("Your drafts were already saved as they are.", "info")
    return redirect(
        url_for(
            "supervision.rate_module",
            trainee_id=trainee.id,
            slug=module.slug,
            period=period.id,
        )
    )


@bp.route("/drafts/<int:draft_id>/discard", methods=["POST"])
@require(Permission.SUPERVISION_RATING_WRITE)
def discard_draft_rating(draft_id: int):
    draft = get_or_404(DraftRating, draft_id, Action.RATE)
    form = DiscardDraftForm()
    if not form.validate_on_submit():
        abort(400)
    target = url_for(
        "supervision.rate_module",
        trainee_id=draft.trainee_id,
        slug=draft.module_slug,
        period=draft.period_id,
    )
    discard_draft(current_user, draft)
    flash("Draft discarded.", "success")
    return redirect(target)
