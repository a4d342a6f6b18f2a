"""The director's program settings: the evidence framework the catalogue follows and whether
promising modules count towards the program's requirements."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.content.schema import FRAMEWORK_LABELS
from trainer.program.catalogue import frameworks_with_content
from trainer.program.services import (
    ProgramError,
    check_framework,
    update_program_settings,
)

from . import bp
from .settings_forms import ProgramSettingsForm


def _unavailable() -> list[str]:
    """Why each framework without content is not offered, in the service's words."""
    available = frameworks_with_content()
    reasons = []
    for framework in FRAMEWORK_LABELS:
        if framework not in available:
            try:
                check_framework(framework)
            except ProgramError as error:
                reasons.append(str(error))
    return reasons


@bp.route("/settings", methods=["GET", "POST"])
@require(Permission.PROGRAM_SETTINGS_MANAGE)
def settings():
    program = current_user.program
    form = ProgramSettingsForm(
        framework=program.framework,
        is_promising_required=program.is_promising_required,
    )
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render(form, program), 422
        update_program_settings(
            program,
            framework=form.framework.data,
            is_promising_required=form.is_promising_required.data,
            by=current_user,
        )
        flash("Program settings saved.", "success")
        return redirect(url_for("program.settings"))
    return _render(form, program)


def _render(form, program):
    return render_template(
        "program/settings.html",
        form=form,
        program=program,
        unavailable=_unavailable(),
    )
