"""A reviewer's visits: every page a reviewer opens is an audit event, and every page shows
when their access ends. (Expiry or revocation ends the access: ``User.is_active`` signs the
reviewer out and refuses the next sign-in; the record policy's GRANTED_REVIEWER relation
needs access that has not ended.)"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from trainer.audit.services import record
from trainer.auth.permissions import Role
from trainer.core.access import access_of
from trainer.core.templating import safe_user

from . import bp


@bp.before_app_request
def _audit_reviewer_page():
    if request.endpoint in (None, "static") or request.method != "GET":
        return
    access = access_of(request.endpoint)
    if access is None or access.kind == "public":
        return  # public pages (/healthz, /verify) neither load the user nor are audited
    if not current_user.is_authenticated or current_user.role is not Role.REVIEWER:
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
