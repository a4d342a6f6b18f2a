"""The ``can(permission)`` check templates use to show only what the user may do."""

from __future__ import annotations

from flask import Flask

from trainer.core.templating import safe_user

from .permissions import Permission, has_permission


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _permissions():
        user = safe_user()
        return {
            "can": (
                lambda permission: (
                    user is not None and has_permission(user.role, permission)
                )
            ),
            "Permission": Permission,
        }
