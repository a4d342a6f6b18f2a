"""Access declarations. Every view carries exactly one; a view without one is refused.

The decorators set ``view.access`` so that the app (``auth.decorators.enforce_declared_access``)
and the tests can see the rule of every endpoint. ``public`` lives here, at the bottom, so that
any area can declare a public page; the rules that need a signed-in user are in
``trainer.auth.decorators``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "login" | "permission"
    permission: Any = None


def mark(view: Callable, access: Access) -> Callable:
    if getattr(view, "access", None) is not None:
        raise RuntimeError(f"{view.__name__} declares its access twice")
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    return mark(view, Access("public"))


def access_of(endpoint: str, app: Flask | None = None) -> Access | None:
    app = app or current_app
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)
