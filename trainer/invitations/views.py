"""/invitations/<token>: accept an invitation. /password-reset: ask for a link, then choose a
new password. Used, expired, withdrawn or tampered links get a page that says so."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.account_views import after_password
from trainer.auth.passwords import PasswordPolicyError
from trainer.auth.services import AuthError
from trainer.core.access import public
from trainer.core.extensions import limiter

from . import bp, reset_bp, services
from .forms import AcceptInvitationForm, ChoosePasswordForm, ResetRequestForm
from .reset import request_reset, reset_from_token, reset_password
from .services import ROLE_PHRASES, InvitationError, LinkProblem, invitation_from_token


def _link_problem(problem: LinkProblem, what: str):
    return render_template(
        "invitations/link_problem.html", problem=problem, what=what
    ), problem.status


@bp.route("/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    invitation, problem = invitation_from_token(token)
    if problem is not None:
        return _link_problem(problem, "invitation")
    if current_user.is_authenticated:
        return render_template("invitations/signed_in.html", invitation=invitation), 409
    form = AcceptInvitationForm(email=invitation.email)
    if request.method == "GET" and invitation.name:
        form.name.data = invitation.name

    def page(status: int):
        return render_template(
            "invitations/accept.html",
            form=form,
            invitation=invitation,
            role_phrase=ROLE_PHRASES[invitation.role],
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        user = services.accept(
            invitation, name=form.name.data, password=form.password.data
        )
    except (InvitationError, AuthError) as error:
        form.name.errors.append(str(error))
        return page(422)
    flash(f"Welcome to {invitation.program.name}.", "success")
    return after_password(user, remember=False, next_url=None)


def _reset_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_LIMIT", "5 per minute;30 per hour")


@reset_bp.route("", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def ask():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_reset(form.email.data, address=request.remote_addr)
        return render_template("invitations/reset_sent.html", email=form.email.data)
    status = 422 if request.method == "POST" else 200
    return render_template("invitations/reset_ask.html", form=form), status


@reset_bp.route("/<token>", methods=["GET", "POST"])
@public
def choose(token: str):
    reset, problem = reset_from_token(token)
    if problem is not None:
        return _link_problem(problem, "password reset")
    form = ChoosePasswordForm()

    def page(status: int):
        return render_template(
            "invitations/reset_choose.html", form=form, user=reset.user
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        reset_password(reset, form.password.data)
    except PasswordPolicyError as error:
        form.password.errors.append(str(error))
        return page(422)
    flash(
        "Your password is changed and every other session has ended. Sign in with the new password.",
        "success",
    )
    return redirect(url_for("auth.login"))
