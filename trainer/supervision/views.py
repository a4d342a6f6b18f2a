"""The supervisor's workspace: assigned trainees, their record and signing a period's drafts
(the rating sheet where drafts are written is rating_views.py)."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.core.errors import TrainerError
from trainer.core.extensions import limiter
from trainer.core.requests import database_id
from trainer.core.tokens import new_submission_token
from trainer.core.unit_of_work import keep_despite_error
from trainer.program.assignments import assigned_trainees
from trainer.program.periods import evaluation_periods
from trainer.program.services import program_today
from trainer.record.access import Action, trainee_or_404
from trainer.record.models import (
    OBSERVATION_LABELS,
    signature_meaning,
)
from trainer.record.pages import trainee_summaries, workspace

from . import bp
from .forms import (
    PeriodChoiceForm,
    SignForm,
    signature_field,
)
from .services import default_period, period_of_program
from .signing import WrongPassword, sign_period


def signature_limit() -> str:
    return current_app.config["SIGNATURE_LIMIT_PER_USER"]


def signer_key() -> str:
    return f"signature:{current_user.get_id()}"


def signature_failed(_response) -> bool:
    """Only failed signatures count towards the limit."""
    return bool(g.get("signature_failed"))


#: applied to every view that takes a signature: repeated wrong passwords are refused for a while
signature_rate_limit = limiter.limit(
    signature_limit,
    key_func=signer_key,
    methods=["POST"],
    deduct_when=signature_failed,
    error_message="Too many failed signatures.",
)


def periods_and_choice():
    periods = evaluation_periods(current_user.program_id)
    requested = request.args.get("period", type=database_id)
    chosen = (
        next((p for p in periods if p.id == requested), None) if requested else None
    )
    if requested and chosen is None:
        abort(404)
    return periods, chosen or default_period(periods, program_today(current_user))


@bp.route("")
@require(Permission.SUPERVISION_TRAINEE_READ)
def index():
    trainees = assigned_trainees(current_user)
    return render_template(
        "supervision/index.html", summaries=trainee_summaries(current_user, trainees)
    )


def render_workspace(
    trainee, periods, period, sign_form: SignForm | None = None, status: int = 200
):
    space = workspace(current_user, trainee, periods, period)
    if sign_form is None:
        sign_form = SignForm(
            formdata=None,
            period=period.id if period else "",
            token=new_submission_token(),
        )
    chooser = PeriodChoiceForm(formdata=None, period=period.id if period else None)
    chooser.period.choices = [(p.id, p.name) for p in periods]
    return render_template(
        "supervision/workspace.html",
        space=space,
        view=space.view,
        trainee=trainee,
        sign_form=sign_form,
        chooser=chooser,
        OBSERVATION_LABELS=OBSERVATION_LABELS,
        meaning=signature_meaning(
            draft.observation for draft in (space.period_drafts or [])
        ),
    ), status


@bp.route("/trainees/<int:trainee_id>")
@require(Permission.SUPERVISION_TRAINEE_READ)
def trainee_page(trainee_id: int):
    trainee = trainee_or_404(trainee_id)
    periods, period = periods_and_choice()
    return render_workspace(trainee, periods, period)


@bp.route("/trainees/<int:trainee_id>/sign", methods=["POST"])
@require(Permission.SUPERVISION_RATING_SIGN)
@signature_rate_limit
def sign(trainee_id: int):
    trainee = trainee_or_404(trainee_id, Action.SIGN)
    periods = evaluation_periods(trainee.program_id)
    form = SignForm()
    period_id = request.form.get("period", type=database_id)
    if period_id is None:
        abort(400)
    period = period_of_program(trainee.program_id, period_id)
    if period is None:
        abort(404)
    if not form.validate_on_submit():
        return render_workspace(trainee, periods, period, form, 422)
    try:
        sign_off, created = sign_period(
            current_user,
            trainee,
            period,
            password=form.password.data,
            code=form.code.data,
            token=form.token.data,
        )
    except WrongPassword as error:
        keep_despite_error()  # the failed signature stays on record
        g.signature_failed = True
        signature_field(form, error).errors.append(str(error))
        return render_workspace(trainee, periods, period, form, error.status_code)
    except TrainerError as error:
        form.form_errors.append(str(error))
        return render_workspace(trainee, periods, period, form, error.status_code)
    if created:
        flash(
            f"Signed: the ratings for {period.name} are now part of {trainee.name}'s record.",
            "success",
        )
    else:
        flash("These ratings were already signed; here is the signature.", "info")
    return redirect(url_for("supervision.sign_off_page", sign_off_id=sign_off.id))
