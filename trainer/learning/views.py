from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission, Role
from trainer.content.render import render_inline
from trainer.core.errors import TrainerError
from trainer.core.unit_of_work import discard_changes
from trainer.program.catalogue import required_slugs, visible_module
from trainer.record.pages import progress_record, verified_modules
from trainer.record.queries import attempt_summaries
from trainer.record.records import module_statuses
from trainer.record.rules import module_totals

from . import bp, progress_bp, quizflow
from .forms import AnswerForm, StartQuizForm, SubmitAttemptForm
from .next_steps import next_steps
from .services import (
    attempt_history,
    catalogue,
    get_attempt,
    latest_attempts,
    module_of_attempt,
    next_attempt_number,
    save_progress,
    saved_progress,
    submit_attempt,
)


def get_module_or_404(slug: str):
    module = visible_module(current_user, slug)
    if module is None:
        abort(404)
    return module


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.route("", endpoint="catalogue")
@require(Permission.LEARNING_MODULE_READ)
def catalogue_page():
    bands = catalogue(current_user)
    summaries = attempt_summaries(current_user)
    statuses = module_statuses(current_user, summaries, verified_modules(current_user))
    order = [module for band in bands for module in band.modules]
    return render_template(
        "learning/catalogue.html",
        bands=bands,
        next_steps=next_steps(current_user, order, statuses)
        if current_user.role is Role.TRAINEE
        else [],
        statuses=statuses,
        summaries=summaries,
        required=required_slugs(current_user),
    )


@bp.route("/<slug>")
@require(Permission.LEARNING_MODULE_READ)
def module_page(slug: str):
    module = get_module_or_404(slug)
    return render_template(
        "learning/module.html", module=module, render_inline=render_inline
    )


@bp.route("/<slug>/quiz")
@require(Permission.LEARNING_QUIZ_TAKE)
def take_quiz(slug: str):
    """The quiz's start page; a quiz begun and not submitted is offered to resume, or, when
    the module's content has changed since it was begun, to start again (saying why)."""
    module = get_module_or_404(slug)
    number = next_attempt_number(current_user, slug)
    progress = quizflow.start(module, number, trainee_id=current_user.id)
    form = StartQuizForm(state=quizflow.encode(progress, _secret()))
    saved = saved_progress(current_user, slug)
    resume = outdated = None
    if saved is not None and saved.number == number:
        if saved.version == module.version:
            resume = quizflow.current_step(module, saved), saved
        else:
            outdated = saved
    history = attempt_history(current_user, slug)
    return render_template(
        "learning/quiz_start.html",
        module=module,
        form=form,
        history=history,
        resume=resume,
        outdated=outdated,
        answered_count=quizflow.answered_count,
    )


def _render_step(module, progress, form, status=200):
    step = quizflow.current_step(module, progress)
    if step is None:
        submit_form = SubmitAttemptForm(
            formdata=None, state=quizflow.encode(progress, _secret())
        )
        return render_template(
            "learning/quiz_submit.html",
            module=module,
            form=submit_form,
            progress=progress,
        ), status
    form.state.data = quizflow.encode(progress, _secret())
    return render_template(
        "learning/quiz_step.html",
        module=module,
        form=form,
        step=step,
        render_inline=render_inline,
    ), status


def _to_step(slug: str):
    return redirect(url_for("learning.show_step", slug=slug))


@bp.route("/<slug>/quiz/step")
@require(Permission.LEARNING_QUIZ_TAKE)
def show_step(slug: str):
    """Where the trainee is in the quiz they began (every step's POST redirects here, so
    Back and Refresh show a page, never the browser's "Confirm form resubmission")."""
    module = get_module_or_404(slug)
    progress = saved_progress(current_user, slug)
    if progress is None or progress.version != module.version:
        return redirect(url_for("learning.take_quiz", slug=slug))
    return _render_step(module, progress, AnswerForm(formdata=None))


@bp.route("/<slug>/quiz/step", methods=["POST"])
@require(Permission.LEARNING_QUIZ_TAKE)
def answer_step(slug: str):
    module = get_module_or_404(slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        progress = quizflow.decode(
            form.state.data, _secret(), module, trainee_id=current_user.id
        )
    except quizflow.ProgressInvalid as error:
        flash(str(error), "warning")
        return redirect(url_for("learning.take_quiz", slug=slug))
    saved = saved_progress(current_user, slug)
    if (
        saved is not None
        and saved.seed == progress.seed
        and quizflow.answered_count(saved) > quizflow.answered_count(progress)
    ):
        # a page from before (Back, or a second tab): that step is answered already
        flash(
            "You had already answered that item, so nothing changed; here is where you are.",
            "info",
        )
        return _to_step(slug)
    try:
        step = quizflow.current_step(module, progress)
        chosen = form.chosen.data or []
        quizflow.apply_answer(
            module, progress, step.option_ids(chosen) if step else chosen
        )
    except quizflow.AnswerInvalid as error:
        form.chosen.errors = [str(error)]
        return _render_step(module, progress, form, status=422)
    save_progress(current_user, progress)
    return _to_step(slug)


@bp.route("/<slug>/quiz/begin", methods=["POST"])
@require(Permission.LEARNING_QUIZ_TAKE)
def begin_quiz(slug: str):
    module = get_module_or_404(slug)
    form = StartQuizForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        progress = quizflow.decode(
            form.state.data, _secret(), module, trainee_id=current_user.id
        )
    except quizflow.ProgressInvalid as error:
        flash(str(error), "warning")
        return redirect(url_for("learning.take_quiz", slug=slug))
    save_progress(current_user, progress)
    return _to_step(slug)


@bp.route("/<slug>/quiz/submit", methods=["POST"])
@require(Permission.LEARNING_QUIZ_TAKE)
def submit_quiz(slug: str):
    module = get_module_or_404(slug)
    form = SubmitAttemptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        progress = quizflow.decode(
            form.state.data, _secret(), module, trainee_id=current_user.id
        )
        attempt, created = submit_attempt(current_user, module, progress)
    except TrainerError as error:
        discard_changes()
        flash(str(error), "warning")
        return redirect(url_for("learning.take_quiz", slug=slug))
    if created:
        flash(f"Attempt {attempt.number} recorded: {attempt.score:g}%.", "success")
    else:
        flash(f"Attempt {attempt.number} was already recorded; here it is.", "info")
    return redirect(
        url_for("learning.attempt_result", slug=slug, number=attempt.number)
    )


@bp.route("/<slug>/quiz/attempts/<int:number>")
@require(Permission.LEARNING_QUIZ_TAKE)
def attempt_result(slug: str, number: int):
    get_module_or_404(slug)
    attempt = get_attempt(current_user, slug, number)
    if attempt is None:
        abort(404)
    module = module_of_attempt(attempt)
    history = attempt_history(current_user, slug)
    return render_template(
        "learning/attempt_result.html",
        module=module,
        attempt=attempt,
        history=history,
        current_version=get_module_or_404(slug).version,
        quizflow=quizflow,
        render_inline=render_inline,
    )


@progress_bp.route("", endpoint="index")
@require(Permission.LEARNING_PROGRESS_READ)
def progress_page():
    bands = catalogue(current_user)
    summaries = attempt_summaries(current_user)
    skill = progress_record(current_user)
    statuses = module_statuses(current_user, summaries, skill.record.verified)
    required = skill.record.required
    return render_template(
        "learning/progress.html",
        bands=bands,
        statuses=statuses,
        required=required,
        totals=module_totals(statuses, required),
        summaries=summaries,
        latest=latest_attempts(current_user),
        skill=skill,
    )
