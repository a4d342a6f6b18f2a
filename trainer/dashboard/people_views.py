"""/program/people: the director's list of the program's members and invitations; invite one
person or many (CSV); resend and revoke invitations; deactivate and reactivate members."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role
from trainer.auth.sessions import UserSession
from trainer.core.extensions import db
from trainer.invitations.bulk import ImportRefused, decode, invite_many
from trainer.invitations.models import Invitation
from trainer.invitations.services import InvitationError, invite, resend, revoke
from trainer.mail.services import undelivered
from trainer.program.membership import deactivate_member, reactivate_member
from trainer.program.models import Cohort
from trainer.program.services import ProgramError

from . import bp
from .people_forms import ImportPeopleForm, InvitePersonForm, PersonActionForm

#: at most this many bytes are read from an uploaded file
UPLOAD_LIMIT = 400_000


def _cohorts() -> list[Cohort]:
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .where(Cohort.program_id == current_user.program_id)
            .order_by(Cohort.name)
        )
    )


def _members():
    """(user, last sign-in) for every member of the program, in one query."""
    last = (
        sa.select(UserSession.user_id, sa.func.max(UserSession.created_at).label("at"))
        .group_by(UserSession.user_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(User, last.c.at)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.program_id == current_user.program_id)
        .order_by(User.role, User.name, User.id)
    ).all()


def _open_invitations() -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.program_id == current_user.program_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.email)
        )
    )


def _page(invite_form=None, import_form=None, result=None, status: int = 200):
    cohorts = _cohorts()
    return render_template(
        "program/people.html",
        members=_members(),
        invitations=_open_invitations(),
        invite_form=invite_form or InvitePersonForm(cohorts=cohorts, formdata=None),
        import_form=import_form or ImportPeopleForm(formdata=None),
        result=result,
        undelivered=undelivered(current_user.program_id),
        zone=current_user.program.timezone,
    ), status


@bp.route("/people")
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def people():
    return _page()


@bp.route("/people/invite", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def invite_person():
    cohorts = _cohorts()
    form = InvitePersonForm(cohorts=cohorts)
    if not form.validate_on_submit():
        return _page(invite_form=form, status=422)
    cohort = next((c for c in cohorts if str(c.id) == form.cohort.data), None)
    try:
        invite(
            current_user.program,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            cohort=cohort,
            by=current_user,
        )
    except InvitationError as error:
        target = form.cohort if "cohort" in str(error).lower() else form.email
        target.errors.append(str(error))
        return _page(invite_form=form, status=422)
    flash(f"{form.email.data} is invited as a {form.role.data}.", "success")
    return redirect(url_for("program.people"))


@bp.route("/people/import", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def import_people():
    form = ImportPeopleForm()
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    upload = request.files.get("upload")
    try:
        if upload is not None and upload.filename:
            text = decode(upload.stream.read(UPLOAD_LIMIT + 1)[: UPLOAD_LIMIT + 1])
            if len(text.encode()) > UPLOAD_LIMIT:
                raise ImportRefused(
                    "The file is too large; split it into several imports."
                )
        else:
            text = form.rows.data or ""
        if not text.strip():
            raise ImportRefused("Paste at least one row, or choose a CSV file.")
        result = invite_many(current_user.program, text, _cohorts(), by=current_user)
    except ImportRefused as error:
        (
            form.upload if upload is not None and upload.filename else form.rows
        ).errors.append(str(error))
        return _page(import_form=form, status=422)
    if not result.errors:
        flash(f"{len(result.invited)} invitation(s) sent.", "success")
        return redirect(url_for("program.people"))
    # the good rows are invited (this answer commits them); the box keeps the rows to fix
    form.rows.data = result.failed_text
    status = 200 if result.invited else 422
    return _page(import_form=form, result=result, status=status)


def _invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.program_id == current_user.program_id,
        )
    )
    if invitation is None:
        abort(404)
    return invitation


def _member_or_404(user_id: int) -> User:
    user = db.session.scalar(
        sa.select(User).where(
            User.id == user_id, User.program_id == current_user.program_id
        )
    )
    if user is None:
        abort(404)
    return user


def _checked() -> None:
    if not PersonActionForm().validate_on_submit():
        abort(400, "The form expired. Go back, reload the page and try again.")


@bp.route("/people/invitations/<int:invitation_id>/resend", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def resend_person_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    _checked()
    try:
        resend(invitation, by=current_user)
    except InvitationError as error:
        abort(409, str(error))
    flash(
        f"The invitation of {invitation.email} is sent again with a new link.",
        "success",
    )
    return redirect(url_for("program.people"))


@bp.route("/people/invitations/<int:invitation_id>/revoke", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def revoke_person_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    _checked()
    try:
        revoke(invitation, by=current_user)
    except InvitationError as error:
        abort(409, str(error))
    flash(f"The invitation of {invitation.email} is withdrawn.", "success")
    return redirect(url_for("program.people"))


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def deactivate_person(user_id: int):
    user = _member_or_404(user_id)
    _checked()
    try:
        deactivate_member(user, by=current_user)
    except ProgramError as error:
        flash(f"Not deactivated: {error}", "error")
        return redirect(url_for("program.people"))
    flash(
        f"{user.name} is deactivated and signed out everywhere; their records stay.",
        "success",
    )
    return redirect(url_for("program.people"))


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
@require(Permission.PROGRAM_PEOPLE_MANAGE)
def reactivate_person(user_id: int):
    user = _member_or_404(user_id)
    _checked()
    try:
        reactivate_member(user, by=current_user)
    except ProgramError as error:
        flash(f"Not reactivated: {error}", "error")
        return redirect(url_for("program.people"))
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("program.people"))
