"""The admin console: create a program and invite its directors; deactivate and reactivate
any account; see mail that could not be delivered."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role
from trainer.core.extensions import db
from trainer.invitations.models import Invitation
from trainer.invitations.services import InvitationError, invite, resend, revoke
from trainer.mail.services import undelivered
from trainer.program.membership import deactivate_member, reactivate_member
from trainer.program.models import Program
from trainer.program.services import ProgramError, create_program

from . import bp
from .forms import ActionForm, CreateProgramForm, InviteDirectorForm

ACCOUNT_LIMIT = 500


def _programs():
    directors = (
        sa.select(User.program_id, sa.func.count().label("n"))
        .where(User.role == Role.DIRECTOR, User.is_enabled.is_(True))
        .group_by(User.program_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(Program, sa.func.coalesce(directors.c.n, 0))
        .outerjoin(directors, directors.c.program_id == Program.id)
        .order_by(Program.name)
    ).all()


def _accounts(query: str):
    statement = sa.select(User).order_by(User.email).limit(ACCOUNT_LIMIT)
    if query:
        like = "%" + query.lower().replace("%", "").replace("_", "") + "%"
        statement = statement.where(
            sa.or_(User.email.like(like), sa.func.lower(User.name).like(like))
        )
    return list(db.session.scalars(statement))


def _console(form: CreateProgramForm, status: int = 200):
    query = (request.args.get("q") or "")[:100].strip()
    return render_template(
        "admin/console.html",
        form=form,
        programs=_programs(),
        accounts=_accounts(query),
        query=query,
        limit=ACCOUNT_LIMIT,
        undelivered=undelivered(),
        action_form=ActionForm(),
    ), status


@bp.route("")
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def console():
    return _console(CreateProgramForm())


@bp.route("/programs", methods=["POST"])
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def create_program_view():
    form = CreateProgramForm()
    if not form.validate_on_submit():
        return _console(form, 422)
    program = create_program(
        form.name.data,
        framework=form.framework.data,
        timezone=form.timezone.data,
        actor=current_user,
    )
    try:
        invite(
            program,
            email=form.director_email.data,
            name=form.director_name.data,
            role=Role.DIRECTOR,
            by=current_user,
        )
    except InvitationError as error:
        form.director_email.errors.append(str(error))
        return _console(form, 422)  # nothing is kept: the program is not created either
    flash(
        f"{program.name} is created and {form.director_email.data} is invited as its director.",
        "success",
    )
    return redirect(url_for("admin.program_page", program_id=program.id))


def _program_or_404(program_id: int) -> Program:
    program = db.session.get(Program, program_id)
    if program is None:
        abort(404)
    return program


def _program_page(program: Program, form: InviteDirectorForm, status: int = 200):
    directors = list(
        db.session.scalars(
            sa.select(User)
            .where(User.program_id == program.id, User.role == Role.DIRECTOR)
            .order_by(User.name)
        )
    )
    invitations = list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.program_id == program.id,
                Invitation.role == Role.DIRECTOR,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.email)
        )
    )
    return render_template(
        "admin/program.html",
        program=program,
        directors=directors,
        invitations=invitations,
        form=form,
        action_form=ActionForm(),
    ), status


@bp.route("/programs/<int:program_id>")
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def program_page(program_id: int):
    return _program_page(_program_or_404(program_id), InviteDirectorForm())


@bp.route("/programs/<int:program_id>/directors", methods=["POST"])
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def invite_director(program_id: int):
    program = _program_or_404(program_id)
    form = InviteDirectorForm()
    if not form.validate_on_submit():
        return _program_page(program, form, 422)
    try:
        invite(
            program,
            email=form.director_email.data,
            name=form.director_name.data,
            role=Role.DIRECTOR,
            by=current_user,
        )
    except InvitationError as error:
        form.director_email.errors.append(str(error))
        return _program_page(program, form, 422)
    flash(f"{form.director_email.data} is invited as a director.", "success")
    return redirect(url_for("admin.program_page", program_id=program.id))


def _director_invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.role is not Role.DIRECTOR:
        abort(404)
    return invitation


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Go back, reload the page and try again.")


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def resend_invitation(invitation_id: int):
    invitation = _director_invitation_or_404(invitation_id)
    _checked_action()
    try:
        resend(invitation, by=current_user)
    except InvitationError as error:
        abort(409, str(error))
    flash(
        f"The invitation of {invitation.email} is sent again with a new link.",
        "success",
    )
    return redirect(url_for("admin.program_page", program_id=invitation.program_id))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@require(Permission.ADMIN_PROGRAMS_MANAGE)
def revoke_invitation(invitation_id: int):
    invitation = _director_invitation_or_404(invitation_id)
    _checked_action()
    try:
        revoke(invitation, by=current_user)
    except InvitationError as error:
        abort(409, str(error))
    flash(f"The invitation of {invitation.email} is withdrawn.", "success")
    return redirect(url_for("admin.program_page", program_id=invitation.program_id))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back():
    return redirect(url_for("admin.console", q=request.form.get("q") or None))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require(Permission.ADMIN_ACCOUNTS_MANAGE)
def deactivate(user_id: int):
    user = _user_or_404(user_id)
    _checked_action()
    try:
        deactivate_member(user, by=current_user)
    except ProgramError as error:
        flash(f"Not deactivated: {error}", "error")
        return _back()
    flash(
        f"{user.name} ({user.email}) is deactivated and signed out everywhere.",
        "success",
    )
    return _back()


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@require(Permission.ADMIN_ACCOUNTS_MANAGE)
def reactivate(user_id: int):
    user = _user_or_404(user_id)
    _checked_action()
    try:
        reactivate_member(user, by=current_user)
    except ProgramError as error:
        flash(f"Not reactivated: {error}", "error")
        return _back()
    flash(f"{user.name} ({user.email}) can sign in again.", "success")
    return _back()
