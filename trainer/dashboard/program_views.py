"""The director's pages that run a program: the dashboard, cohorts and their heat map,
supervision assignments, evaluation periods, minimum levels, and the read-only trainee
records (which a reviewer within their grant reads too). Reviewer access is in
reviewer_access_views.py.

Every object is loaded through the director's own program: any other id is a 404."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role
from trainer.content.schema import RUBRIC_LABELS
from trainer.core.clock import today_in
from trainer.core.extensions import db
from trainer.program.assignments import (
    assign_supervisor,
    end_assignment,
    program_assignments,
    reassign,
)
from trainer.program.catalogue import visible_module, visible_modules
from trainer.program.models import Cohort, EvaluationPeriod, SupervisorAssignment
from trainer.program.periods import (
    close_period,
    create_evaluation_period,
    evaluation_periods,
    minimum_level_history,
    minimum_levels,
    move_period,
    set_minimum_level,
)
from trainer.program.services import (
    ProgramError,
    add_cohort,
    archive_cohort,
    program_cohorts,
    program_members,
    rename_cohort,
)
from trainer.record.access import trainee_or_404
from trainer.record.cohort import ratings_across_periods
from trainer.record.models import OBSERVATION_LABELS
from trainer.record.pages import trainee_view

from . import bp
from .chart import rating_chart
from .forms import (
    ActionForm,
    AssignForm,
    CohortForm,
    MinimumLevelForm,
    MovePeriodForm,
    PeriodForm,
    ReassignForm,
    RenameCohortForm,
)


def _program():
    return current_user.program


def _own(model, object_id: int):
    """The director's program's object, or 404 (missing or another program's alike)."""
    found = db.session.scalar(
        sa.select(model).where(
            model.id == object_id, model.program_id == current_user.program_id
        )
    )
    if found is None:
        abort(404)
    return found


def _member(user_id: int | None, role: Role) -> User | None:
    if user_id is None:
        return None
    return db.session.scalar(
        sa.select(User).where(
            User.id == user_id,
            User.role == role,
            User.program_id == current_user.program_id,
        )
    )


def _today():
    return today_in(_program().timezone)


# --- Dashboard ------------------------------------------------------------------------------


@bp.route("")
@require(Permission.PROGRAM_MANAGE)
def dashboard():
    program = _program()
    cohorts = program_cohorts(program.id)
    counts = dict(
        db.session.execute(
            sa.select(User.cohort_id, sa.func.count(User.id))
            .where(User.program_id == program.id, User.role == Role.TRAINEE)
            .group_by(User.cohort_id)
        ).all()
    )
    return render_template(
        "program/dashboard.html",
        program=program,
        cohorts=cohorts,
        counts=counts,
        periods=evaluation_periods(program.id),
    )


# --- Cohorts --------------------------------------------------------------------------------


def _render_cohorts(form: CohortForm | None = None, status: int = 200):
    return render_template(
        "program/cohorts.html",
        cohorts=program_cohorts(current_user.program_id, archived=True),
        form=form or CohortForm(formdata=None),
        rename_form=RenameCohortForm(formdata=None),
        action_form=ActionForm(formdata=None),
    ), status


@bp.route("/cohorts", methods=["GET", "POST"])
@require(Permission.PROGRAM_MANAGE)
def cohorts():
    if request.method == "GET":
        return _render_cohorts()
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = add_cohort(_program(), form.name.data, actor=current_user)
        except ProgramError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Cohort {cohort.name!r} created.", "success")
            return redirect(url_for("program.cohorts"))
    return _render_cohorts(form, 422)


@bp.route("/cohorts/<int:cohort_id>/rename", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def rename_cohort_view(cohort_id: int):
    cohort = _own(Cohort, cohort_id)
    form = RenameCohortForm()
    if form.validate_on_submit():
        try:
            rename_cohort(cohort, form.name.data, actor=current_user)
        except ProgramError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Cohort renamed {cohort.name!r}.", "success")
            return redirect(url_for("program.cohorts"))
    return render_template("program/rename_cohort.html", cohort=cohort, form=form), 422


@bp.route("/cohorts/<int:cohort_id>/archive", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def archive_cohort_view(cohort_id: int):
    cohort = _own(Cohort, cohort_id)
    if ActionForm().validate_on_submit():
        try:
            archive_cohort(cohort, actor=current_user)
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash(f"Cohort {cohort.name!r} archived.", "success")
    return redirect(url_for("program.cohorts"))


# --- Trainee records (read-only; the director and a reviewer within the grant) -----------


@bp.route("/records")
@require(Permission.PROGRAM_RECORDS_READ)
def records():
    trainees = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.program_id == current_user.program_id, User.role == Role.TRAINEE
            )
            .order_by(User.name, User.id)
        )
    )
    return render_template("program/records.html", trainees=trainees)


@bp.route("/trainees/<int:trainee_id>")
@require(Permission.PROGRAM_RECORDS_READ)
def trainee_record(trainee_id: int):
    trainee = trainee_or_404(trainee_id)
    view = trainee_view(trainee)
    periods = evaluation_periods(trainee.program_id)
    series = ratings_across_periods(view.ratings, periods)
    modules = {m.slug: m for m in visible_modules(trainee)}
    charts = []
    for (slug, competency_id), points in series.items():
        module = modules.get(slug)
        competency = module.competency(competency_id) if module else None
        label = (
            f"{module.title}: {competency.statement}"
            if competency
            else f"{slug}/{competency_id}"
        )
        charts.append((label, points))
    return render_template(
        "program/trainee.html",
        trainee=trainee,
        view=view,
        periods=periods,
        chart=rating_chart(charts, periods) if charts else None,
        charts=charts,
        OBSERVATION_LABELS=OBSERVATION_LABELS,
        RUBRIC_LABELS=RUBRIC_LABELS,
    )


@bp.route("/trainees/<int:trainee_id>/modules/<slug>")
@require(Permission.PROGRAM_RECORDS_READ)
def trainee_module(trainee_id: int, slug: str):
    trainee = trainee_or_404(trainee_id)
    if visible_module(trainee, slug) is None:
        abort(404)
    view = trainee_view(trainee)
    return render_template(
        "program/trainee_module.html",
        trainee=trainee,
        view=view,
        module_record=view.record.modules[slug],
        summary=view.summaries.get(slug),
        OBSERVATION_LABELS=OBSERVATION_LABELS,
        RUBRIC_LABELS=RUBRIC_LABELS,
    )


# --- Supervision assignments ----------------------------------------------------------------


def _assign_choices(form: AssignForm) -> None:
    program_id = current_user.program_id
    form.supervisor.choices = [
        (u.id, u.name) for u in program_members(program_id, Role.SUPERVISOR)
    ]
    form.trainee.choices = [
        (u.id, u.name) for u in program_members(program_id, Role.TRAINEE)
    ]


def _render_assignments(form: AssignForm | None = None, status: int = 200):
    if form is None:
        form = AssignForm(formdata=None)
        _assign_choices(form)
    reassign_form = ReassignForm(formdata=None)
    reassign_form.supervisor.choices = form.supervisor.choices
    people = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.program_id == current_user.program_id)
        )
    }
    return render_template(
        "program/assignments.html",
        assignments=program_assignments(current_user.program_id),
        people=people,
        form=form,
        reassign_form=reassign_form,
        action_form=ActionForm(formdata=None),
    ), status


@bp.route("/assignments", methods=["GET", "POST"])
@require(Permission.PROGRAM_MANAGE)
def assignments():
    if request.method == "GET":
        return _render_assignments()
    form = AssignForm()
    _assign_choices(form)
    if form.validate_on_submit():
        supervisor = _member(form.supervisor.data, Role.SUPERVISOR)
        trainee = _member(form.trainee.data, Role.TRAINEE)
        try:
            assignment = assign_supervisor(supervisor, trainee, actor=current_user)
        except ProgramError as error:
            form.supervisor.errors.append(str(error))
        else:
            flash(
                f"{supervisor.name} now supervises {trainee.name}"
                f" (assignment {assignment.id}).",
                "success",
            )
            return redirect(url_for("program.assignments"))
    return _render_assignments(form, 422)


@bp.route("/assignments/<int:assignment_id>/end", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def end_assignment_view(assignment_id: int):
    assignment = _own(SupervisorAssignment, assignment_id)
    if ActionForm().validate_on_submit():
        try:
            end_assignment(assignment, actor=current_user)
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash(
                "Assignment ended; the supervisor no longer sees the trainee.",
                "success",
            )
    return redirect(url_for("program.assignments"))


@bp.route("/assignments/<int:assignment_id>/reassign", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def reassign_view(assignment_id: int):
    assignment = _own(SupervisorAssignment, assignment_id)
    form = ReassignForm()
    form.supervisor.choices = [
        (u.id, u.name)
        for u in program_members(current_user.program_id, Role.SUPERVISOR)
    ]
    if form.validate_on_submit():
        try:
            reassign(
                assignment,
                _member(form.supervisor.data, Role.SUPERVISOR),
                actor=current_user,
            )
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash("Trainee reassigned.", "success")
            return redirect(url_for("program.assignments"))
    else:
        flash("Choose one of the program's supervisors.", "warning")
    return redirect(url_for("program.assignments"))


# --- Evaluation periods ---------------------------------------------------------------------


def _render_periods(form: PeriodForm | None = None, status: int = 200):
    return render_template(
        "program/periods.html",
        periods=evaluation_periods(current_user.program_id),
        form=form or PeriodForm(formdata=None),
        move_form=MovePeriodForm(formdata=None),
        action_form=ActionForm(formdata=None),
    ), status


@bp.route("/periods", methods=["GET", "POST"])
@require(Permission.PROGRAM_MANAGE)
def periods():
    if request.method == "GET":
        return _render_periods()
    form = PeriodForm()
    if form.validate_on_submit():
        try:
            period = create_evaluation_period(
                _program(),
                form.name.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                actor=current_user,
            )
        except ProgramError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Evaluation period {period.name!r} created.", "success")
            return redirect(url_for("program.periods"))
    return _render_periods(form, 422)


@bp.route("/periods/<int:period_id>/move", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def move_period_view(period_id: int):
    period = _own(EvaluationPeriod, period_id)
    form = MovePeriodForm()
    if form.validate_on_submit():
        try:
            move_period(
                period, -1 if form.direction.data == "up" else 1, actor=current_user
            )
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash(f"{period.name} moved.", "success")
    return redirect(url_for("program.periods"))


@bp.route("/periods/<int:period_id>/close", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def close_period_view(period_id: int):
    period = _own(EvaluationPeriod, period_id)
    if ActionForm().validate_on_submit():
        try:
            close_period(period, actor=current_user)
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash(f"{period.name} closed.", "success")
    return redirect(url_for("program.periods"))


# --- Minimum levels -------------------------------------------------------------------------


def _competency_choices() -> list[tuple[str, str]]:
    return [
        (f"{m.slug}/{c.id}", f"{m.title}: {c.statement}")
        for m in visible_modules(current_user)
        for c in m.meta.competencies
    ]


def _render_levels(form: MinimumLevelForm | None = None, status: int = 200):
    if form is None:
        form = MinimumLevelForm(formdata=None)
        form.competency.choices = _competency_choices()
    program_id = current_user.program_id
    history = minimum_level_history(program_id)
    people = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_({h.changed_by_id for h in history if h.changed_by_id})
            )
        )
    }
    return render_template(
        "program/minimum_levels.html",
        modules=visible_modules(current_user),
        levels=minimum_levels(program_id),
        history=history,
        people=people,
        form=form,
        tz=_program().timezone,
    ), status


@bp.route("/minimum-levels", methods=["GET", "POST"])
@require(Permission.PROGRAM_MANAGE)
def minimum_levels_page():
    if request.method == "GET":
        return _render_levels()
    form = MinimumLevelForm()
    form.competency.choices = _competency_choices()
    if form.validate_on_submit():
        slug, _, competency_id = form.competency.data.partition("/")
        set_minimum_level(
            _program(), slug, competency_id, form.level.data, actor=current_user
        )
        flash(f"Minimum level set to {form.level.data}.", "success")
        return redirect(url_for("program.minimum_levels_page"))
    return _render_levels(form, 422)
