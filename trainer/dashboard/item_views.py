"""The director's item analysis of the quizzes taken in the program (read-only)."""

from __future__ import annotations

from itertools import groupby

from flask import render_template
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.learning.item_analysis import (
    EASY_FACILITY,
    FLAG_TITLES,
    MIN_ATTEMPTS_FOR_DISTRACTORS,
    item_analysis,
)

from . import bp


@bp.route("/items")
@require(Permission.PROGRAM_ITEMS_READ)
def item_analysis_page():
    stats = item_analysis(current_user.program_id)
    versions = [
        (key, list(items))
        for key, items in groupby(stats, key=lambda s: (s.slug, s.version))
    ]
    return render_template(
        "program/items.html",
        versions=versions,
        FLAG_TITLES=FLAG_TITLES,
        EASY_FACILITY=EASY_FACILITY,
        MIN_ATTEMPTS=MIN_ATTEMPTS_FOR_DISTRACTORS,
    )
