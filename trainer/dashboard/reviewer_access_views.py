"""/program/reviewers: reviewer access. The director grants, extends and revokes a program
reviewer's read-only access until a date, or invites someone without an account as a reviewer
with the grant's end, and withdraws such an invitation. Any other program's id is a 404."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.invitations.models import Invitation
from trainer.invitations.reviewers import invite_reviewer, pending_reviewer_invitations
from trainer.invitations.services import InvitationError, revoke
from trainer.program.reviewer_access import (
    grant_reviewer_access,
    revoke_reviewer_access,
)
from trainer.program.services import ProgramError, program_members

from . import bp
from .forms import ActionForm, InviteReviewerForm, ReviewerAccessForm

#: the invitation form's fields are prefixed: both forms have an "until" field
INVITE_PREFIX = "invite"


def _program():
    return current_user.program


def _reviewer_or_404(user_id: int) -> User:
    reviewer = db.session.scalar(
        sa.select(User).where(
            User.id == user_id,
            User.role == Role.REVIEWER,
            User.program_id == current_user.program_id,
        )
    )
    if reviewer is None:
        abort(404)
    return reviewer


def _reviewer_choices(form: ReviewerAccessForm, reviewers: list[User]) -> None:
    form.reviewer.choices = [(u.id, f"{u.name} ({u.email})") for u in reviewers]


def _render(
    form: ReviewerAccessForm | None = None,
    invite_form: InviteReviewerForm | None = None,
    status: int = 200,
):
    reviewers = program_members(current_user.program_id, Role.REVIEWER)
    if form is None:
        form = ReviewerAccessForm(formdata=None)
        _reviewer_choices(form, reviewers)
    return render_template(
        "program/reviewers.html",
        reviewers=reviewers,
        invitations=pending_reviewer_invitations(current_user.program_id),
        now=utcnow(),
        form=form,
        invite_form=invite_form
        or InviteReviewerForm(formdata=None, prefix=INVITE_PREFIX),
        action_form=ActionForm(formdata=None),
        tz=_program().timezone,
    ), status


@bp.route("/reviewers", methods=["GET", "POST"])
@require(Permission.PROGRAM_MANAGE)
def reviewers():
    """Grant or extend an existing reviewer's access (GET shows the page)."""
    form = ReviewerAccessForm()
    _reviewer_choices(form, program_members(current_user.program_id, Role.REVIEWER))
    if not form.is_submitted():
        return _render()
    if form.validate_on_submit():
        reviewer = _reviewer_or_404(form.reviewer.data)
        try:
            grant_reviewer_access(
                _program(), reviewer, form.until.data, actor=current_user
            )
        except ProgramError as error:
            form.until.errors.append(str(error))
        else:
            flash(
                f"{reviewer.name} may read the program until {form.until.data}.",
                "success",
            )
            return redirect(url_for("program.reviewers"))
    return _render(form, status=422)


@bp.route("/reviewers/invite", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def invite_reviewer_page():
    """Reviewer access for someone new: an invitation whose account reads until the date."""
    form = InviteReviewerForm(prefix=INVITE_PREFIX)
    if form.validate_on_submit():
        try:
            invite_reviewer(
                _program(),
                email=form.email.data,
                name=form.name.data,
                until=form.until.data,
                by=current_user,
            )
        except ProgramError as error:
            form.until.errors.append(str(error))
        except InvitationError as error:
            form.email.errors.append(str(error))
        else:
            flash(
                f"{form.email.data} is invited as a reviewer; once they accept, they may "
                f"read the program until {form.until.data}.",
                "success",
            )
            return redirect(url_for("program.reviewers"))
    return _render(invite_form=form, status=422)


@bp.route("/reviewers/<int:reviewer_id>/revoke", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def revoke_reviewer(reviewer_id: int):
    reviewer = _reviewer_or_404(reviewer_id)
    if ActionForm().validate_on_submit():
        try:
            revoke_reviewer_access(_program(), reviewer, actor=current_user)
        except ProgramError as error:
            flash(str(error), "warning")
        else:
            flash(f"{reviewer.name}'s access is revoked.", "success")
    return redirect(url_for("program.reviewers"))


@bp.route("/reviewers/invitations/<int:invitation_id>/revoke", methods=["POST"])
@require(Permission.PROGRAM_MANAGE)
def revoke_reviewer_invitation(invitation_id: int):
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.program_id == current_user.program_id,
            Invitation.role == Role.REVIEWER,
        )
    )
    if invitation is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            revoke(invitation, by=current_user)
        except InvitationError as error:
            flash(str(error), "warning")
        else:
            flash(f"The invitation of {invitation.email} is withdrawn.", "success")
    return redirect(url_for("program.reviewers"))
