"""The unseen-notification count every page's navigation shows."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from trainer.auth.permissions import Permission, has_permission

from .services import unseen_count


def register_template_helpers(app: Flask) -> None:
    app.context_processor(_notification_count)


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
