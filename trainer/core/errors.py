"""Friendly error pages for every status; they render for anonymous users and without a
database."""

from __future__ import annotations

import contextlib
import logging
import math
import time
from urllib.parse import urlsplit

from flask import Flask, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from trainer.core.extensions import db, limiter
from trainer.core.logging import RedactExceptions

logger = logging.getLogger(__name__)
# Whatever handler shows this logger's records (stdout, a test's capture), never the messages
# of the exceptions it logs: they can quote what a user wrote.
logger.addFilter(RedactExceptions())


class TrainerError(Exception):
    """A broken business rule; views turn it into a message and a 4xx status."""

    status_code = 400


PAGES = {400, 401, 403, 404, 405, 413, 429, 500, 503}
#: seconds a client is asked to wait while the database is unreachable
RETRY_AFTER_SECONDS = 5
#: what the driver raises when the database cannot be reached (refused, restarting, a pool
#: that cannot connect); any other database error stays a 500
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def render_error(code: int, description: str | None = None):
    if wants_json():
        return jsonify(error=code, message=description or ""), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code, description=description), code


#: fields never shown back on the "form not sent" page: secrets and the form's own machinery
HIDDEN_FIELDS = frozenset(
    {"csrf_token", "password", "code", "token", "state", "submit"}
)


def typed_fields() -> list[tuple[str, str]]:
    """What the user typed in the form just sent (name, text), secrets left out."""
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in HIDDEN_FIELDS
        and "password" not in name
        and isinstance(value, str)
        and value.strip()
        and not value.isdigit()
    ]


def unsent_form(code: int, reason: str, *, signed_in: bool):
    """The page shown instead of a bare error when a form arrives from a page whose session
    has ended or expired: what was typed, shown back, and a way to sign in and return."""
    if wants_json():
        return jsonify(error=code, message=reason), code
    return render_template(
        "errors/unsent.html",
        code=code,
        reason=reason,
        typed=typed_fields(),
        signed_in=signed_in,
        back=request.full_path.rstrip("?") if request.method == "GET" else request.path,
        referrer=_same_site_referrer(),
    ), code


def _same_site_referrer() -> str | None:
    """The page the form was on, when it is a page of this site (to return to it)."""
    referrer = request.referrer
    if not referrer or "\\" in referrer or not referrer.isprintable():
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _too_many_requests(error: HTTPException):
    """The 429 page says when to try again (and Retry-After says it to programs), never the
    raw limit ("5 per 1 minute")."""
    limit = limiter.current_limit
    seconds = 60
    if limit is not None and limit.breached:
        seconds = max(1, math.ceil(limit.reset_at - time.time()))
    if seconds < 120:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minutes"
    # a limit's own message (e.g. "Too many failed signatures."), never the limit itself
    limit_of_error = getattr(error, "limit", None)
    own = getattr(limit_of_error, "error_message", None)
    said = f"{own} " if isinstance(own, str) else ""
    body, code = render_error(429, f"{said}Try again in {wait}.")
    response = make_response(body, code)
    response.headers["Retry-After"] = str(seconds)
    return response


def database_unavailable():
    """503 with Retry-After while the database cannot be reached: the request's transaction is
    rolled back (nothing half-written) and the next request reconnects by itself."""
    # the connection may already be gone; the pool replaces it on the next request
    with contextlib.suppress(Exception):
        db.session.rollback()
    logger.warning(
        "Database unavailable on %s %s; answered 503", request.method, request.path
    )
    body, code = render_error(503)
    response = make_response(body, code)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        if request.method == "POST" and typed_fields():
            return unsent_form(
                400,
                "The form expired before it was sent (you had been away a while, or signed "
                "out in another tab), so nothing was saved.",
                signed_in=current_user.is_authenticated,
            )
        return render_error(
            400,
            "The form expired or was sent from elsewhere. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # an unreachable database that surfaced outside a view (an after-request
            # function) is still the 503 page, never a 500
            if isinstance(getattr(error, "original_exception", None), UNAVAILABLE):
                return database_unavailable()
            db.session.rollback()
        if error.code == 429:
            return _too_many_requests(error)
        body, code = render_error(
            error.code, error.description if error.code == 400 else None
        )
        response = make_response(body, code)
        # Keep what the exception says about the request, e.g. Allow on a 405 (RFC 9110).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def _database_error(error: sa_exc.SQLAlchemyError):
        if not isinstance(error, UNAVAILABLE):
            return _unexpected_error(error)
        return database_unavailable()

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        try:
            db.session.rollback()
        except Exception:  # the database itself may be what failed
            logger.exception("Rollback failed while handling an error")
        logger.error(
            "Unhandled error on %s %s", request.method, request.path, exc_info=error
        )
        return render_error(InternalServerError.code)
