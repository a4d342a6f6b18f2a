"""The access declarations that need a signed-in user, and the guard that refuses any view
without a declaration (see ``trainer.core.access``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from trainer.core.access import Access, access_of, mark
from trainer.core.errors import typed_fields, unsent_form, wants_json

from .permissions import Permission, has_permission


def _refuse_anonymous():
    if wants_json():
        abort(401)
    if request.method == "POST" and typed_fields():
        # signed out (or expired) since the page was opened: keep what was typed on screen
        return unsent_form(
            401,
            "You were signed out before the form was sent (your session ended, or you signed "
            "out in another tab), so it was not sent and nothing was saved.",
            signed_in=False,
        )
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    return mark(wrapped, Access("login"))


def require(permission: Permission) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if not has_permission(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        return mark(wrapped, Access("permission", permission))

    return decorator


def enforce_declared_access(app: Flask) -> None:
    """Deny any endpoint that forgot its declaration, instead of serving it."""

    @app.before_request
    def _deny_undeclared():
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static":
            return None
        if access_of(endpoint, app) is None:
            abort(403)
        return None
