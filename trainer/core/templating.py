"""Helpers available in every template. Areas add their own globals (``auth`` the ``can``
check, ``content`` the label tables) through ``add_template_globals``."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from trainer.core.clock import local_time, long_date


def safe_user():
    """The signed-in user, or None; never fails, so error pages render without a database."""
    try:
        return current_user if current_user.is_authenticated else None
    except SQLAlchemyError:
        return None


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["long_date"] = long_date

    @app.context_processor
    def _globals():
        return {
            "current_user": current_user,  # the lazy proxy: loaded only if a template reads it
            "nav_user": safe_user(),
        }
