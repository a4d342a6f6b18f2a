"""The notifications page, and the unseen count every page's navigation shows."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission, has_permission

from . import bp
from .forms import MarkSeenForm
from .services import mark_all_seen, recent_notifications, unseen_count


@bp.app_context_processor
def _notification_count():
    """``notification_count()`` for the navigation: one COUNT, run only when a page asks and only
    for roles that receive notifications; it never fails (error pages render without a database)."""

    def count() -> int:
        if "notification_count" not in g:
            try:
                user = current_user if current_user.is_authenticated else None
                allowed = user is not None and has_permission(
                    user.role, Permission.NOTIFICATIONS_READ
                )
                g.notification_count = unseen_count(user) if allowed else 0
            except SQLAlchemyError:
                g.notification_count = 0
        return g.notification_count

    return {"notification_count": count}


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
