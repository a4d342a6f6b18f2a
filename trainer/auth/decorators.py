"""Access declarations. Every view carries exactly one; a view without one is refused.

The decorators set ``view.access`` so that the app (``enforce_declared_access``) and the
tests can see the rule of every endpoint.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from trainer.core.errors import wants_json

from .permissions import Permission, has_permission


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "login" | "permission"
    permission: Permission | None = None


def _mark(view: Callable, access: Access) -> Callable:
    if getattr(view, "access", None) is not None:
        raise RuntimeError(f"{view.__name__} declares its access twice")
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    return _mark(view, Access("public"))


def _refuse_anonymous():
    if wants_json():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    return _mark(wrapped, Access("login"))


def require(permission: Permission) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if not has_permission(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, Access("permission", permission))

    return decorator


def access_of(endpoint: str, app: Flask | None = None) -> Access | None:
    app = app or current_app
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


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
