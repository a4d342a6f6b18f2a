"""The director's program pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.feedback.models import FEEDBACK_SCALES
from trainer.feedback.services import MINIMUM_GROUP, module_aggregates
from trainer.program.catalogue import curriculum

from . import bp


@bp.route("/feedback")
@require(Permission.PROGRAM_FEEDBACK_READ)
def feedback():
    aggregates = module_aggregates(current_user.program_id)
    modules = [module for module in curriculum() if module.slug in aggregates]
    return render_template(
        "program/feedback.html",
        aggregates=aggregates,
        modules=modules,
        MINIMUM_GROUP=MINIMUM_GROUP,
        FEEDBACK_SCALES=FEEDBACK_SCALES,
    )
