"""A reviewer's visits: every page a reviewer opens is an audit event, and every page shows
when their access ends. Once it has expired or been revoked, every page but signing out
answers 403 (and signing in again is refused: ``User.is_active``); the record policy's
GRANTED_REVIEWER relation needs access that has not ended as well."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from trainer.audit.services import record
from trainer.auth.permissions import Role
from trainer.core.access import access_of
from trainer.core.templating import safe_user

from . import bp

#: what a reviewer whose access has ended may still do
AFTER_ACCESS = frozenset({"auth.logout"})


@bp.before_app_request
def _audit_reviewer_page():
    if request.endpoint in (None, "static"):
        return
    access = access_of(request.endpoint)
    if access is None or access.kind == "public":
        return  # public pages (/healthz, /verify) neither load the user nor are audited
    if not current_user.is_authenticated:
        return
    if current_user.has_access_ended and request.endpoint not in AFTER_ACCESS:
        abort(403)
    if current_user.role is not Role.REVIEWER or request.method != "GET":
        return
    record(
        "reviewer.page_viewed",
        actor=current_user,
        subject=f"user:{current_user.id}",
        payload={"path": request.path[:500], "endpoint": request.endpoint},
        program_id=current_user.program_id,
    )


@bp.app_context_processor
def _reviewer_access():
    user = safe_user()
    if user is None or user.role is not Role.REVIEWER:
        return {}
    return {"reviewer_access_until": user.access_expires_at}
