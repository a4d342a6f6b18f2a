"""Helpers available in every template."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from trainer.auth.permissions import Permission, has_permission
from trainer.content.schema import (
    FRAMEWORK_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PROFESSION_WIDE_LABELS,
    RUBRIC_LABELS,
)
from trainer.core.clock import local_time


def _safe_user():
    """The signed-in user, or None; never fails, so error pages render without a database."""
    try:
        return current_user if current_user.is_authenticated else None
    except SQLAlchemyError:
        return None


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time

    @app.context_processor
    def _globals():
        user = _safe_user()
        return {
            "current_user": current_user,  # the lazy proxy: loaded only if a template reads it
            "nav_user": user,
            "can": (
                lambda permission: (
                    user is not None and has_permission(user.role, permission)
                )
            ),
            "Permission": Permission,
            "KIND_LABELS": KIND_LABELS,
            "LEVEL_LABELS": LEVEL_LABELS,
            "FRAMEWORK_LABELS": FRAMEWORK_LABELS,
            "PROFESSION_WIDE_LABELS": PROFESSION_WIDE_LABELS,
            "RUBRIC_LABELS": RUBRIC_LABELS,
        }
