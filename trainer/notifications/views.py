"""The notifications page, and the unseen count every page's navigation shows."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission

from . import bp
from .forms import MarkSeenForm
from .services import mark_all_seen, recent_notifications


@bp.route("")
@require(Permission.NOTIFICATIONS_READ)
def index():
    return render_template(
        "notifications/index.html",
        notifications=recent_notifications(current_user),
        form=MarkSeenForm(formdata=None),
    )


@bp.route("/seen", methods=["POST"])
@require(Permission.NOTIFICATIONS_READ)
def mark_seen():
    form = MarkSeenForm()
    if not form.validate_on_submit():
        abort(400)
    count = mark_all_seen(current_user)
    flash(
        f"{count} notification{'s' if count != 1 else ''} marked as seen."
        if count
        else "Nothing new.",
        "success",
    )
    return redirect(url_for("notifications.index"))
