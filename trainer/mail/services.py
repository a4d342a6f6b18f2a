"""The outbox: ``queue_mail`` in the action's transaction, delivery after the commit, retries
with backoff by ``flask --app app mail send-queued``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context

from trainer.core.extensions import db
from trainer.core.models import utcnow

from . import transport
from .models import MailMessage, MailStatus

logger = logging.getLogger(__name__)

#: delay before each retry after a failed attempt (the last one is repeated)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
#: after this many failed attempts the message is marked failed (shown as undelivered)
MAX_ATTEMPTS = 8
#: a sender holds a message this long; a crashed sender's message is retried after it
LOCK = timedelta(minutes=5)


def queue_mail(
    to: str,
    subject: str,
    template: str,
    *,
    kind: str,
    program_id: int | None = None,
    **context,
) -> MailMessage:
    """Add a message to the outbox (flushes; commits with the caller's action). Within a
    request it is delivered after the response, once the request has committed."""
    message = MailMessage(
        to_address=to,
        subject=subject,
        # the environment, not render_template: no request or signed-in user is needed
        body=current_app.jinja_env.get_template(f"email/{template}.txt").render(
            **context
        ),
        kind=kind,
        program_id=program_id,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        g.setdefault("queued_mail", []).append(message.id)
    return message


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def _claim(message_id: int) -> MailMessage | None:
    """Take the message for sending, unless it is sent, not due or held by another sender."""
    now = utcnow()
    result = db.session.execute(
        sa.update(MailMessage)
        .where(
            MailMessage.id == message_id,
            MailMessage.status == MailStatus.QUEUED,
            MailMessage.next_attempt_at <= now,
            sa.or_(MailMessage.locked_until.is_(None), MailMessage.locked_until < now),
        )
        .values(
            locked_until=now + LOCK,
            attempts=MailMessage.attempts + 1,
            last_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if not result.rowcount:
        return None
    message = db.session.get(MailMessage, message_id)
    db.session.refresh(message)
    return message


def send_one(message_id: int) -> MailStatus | None:
    """Try to deliver one message; commits its bookkeeping. None if it was not due."""
    message = _claim(message_id)
    if message is None:
        return None
    try:
        transport.deliver(message)
    except Exception as error:  # any failure of the server or network is retried
        message.locked_until = None
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        db.session.commit()
        logger.warning(
            "Mail %s not delivered (attempt %s): %s",
            message.id,
            message.attempts,
            type(error).__name__,
        )
        return message.status
    message.status = MailStatus.SENT
    message.sent_at = utcnow()
    message.locked_until = None
    message.last_error = None
    message.body = ""
    db.session.commit()
    logger.info("Mail %s delivered", message.id)
    return MailStatus.SENT


def due_ids(limit: int = 100) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(MailMessage.id)
            .where(
                MailMessage.status == MailStatus.QUEUED,
                MailMessage.next_attempt_at <= now,
                sa.or_(
                    MailMessage.locked_until.is_(None), MailMessage.locked_until < now
                ),
            )
            .order_by(MailMessage.id)
            .limit(limit)
        )
    )


def send_queued(ids: Iterable[int] | None = None) -> dict[str, int]:
    """Deliver the given messages (or every due one); returns counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message_id in due_ids() if ids is None else ids:
        outcome = send_one(message_id)
        if outcome is MailStatus.SENT:
            counts["sent"] += 1
        elif outcome is MailStatus.QUEUED:
            counts["retry"] += 1
        elif outcome is MailStatus.FAILED:
            counts["failed"] += 1
    return counts


def write_queued_to_outbox() -> dict[str, int]:
    """Without a mail server, write every due message to the outbox folder now (nothing with
    one: the retries are the CLI's). The development outbox calls it before listing, so a
    message queued seconds before is there even when the development server did not run the
    delivery after its response (werkzeug does not always close a response)."""
    if transport.uses_smtp():
        return {"sent": 0, "retry": 0, "failed": 0}
    return send_queued()


def undelivered(program_id: int | None = None, *, limit: int = 50) -> list[MailMessage]:
    """Messages not delivered although tried at least once (or given up), oldest first; a
    program's only when ``program_id`` is given. The bodies are not for display."""
    query = sa.select(MailMessage).where(
        sa.or_(
            MailMessage.status == MailStatus.FAILED,
            sa.and_(MailMessage.status == MailStatus.QUEUED, MailMessage.attempts > 0),
        )
    )
    if program_id is not None:
        query = query.where(MailMessage.program_id == program_id)
    return list(db.session.scalars(query.order_by(MailMessage.id).limit(limit)))


def _deliver_after_close(app: Flask, ids: list[int]) -> None:
    """Runs once the response is sent (so a reset page answers in the same time whether or
    not the address has an account, and a slow server never delays a page)."""
    try:
        if has_app_context() and current_app._get_current_object() is app:
            send_queued(ids)
        else:
            with app.app_context():
                send_queued(ids)
    except Exception:  # never let delivery break the server; the CLI retries
        logger.exception("Delivery after the response failed; the mail stays queued")


def init_app(app: Flask) -> None:
    @app.after_request
    def _deliver_after_response(response):
        ids = g.pop("queued_mail", None)
        if ids and response.status_code < 400:
            response.call_on_close(partial(_deliver_after_close, app, ids))
        return response


def absolute_url(endpoint: str, **values) -> str:
    """A link for a message: on PUBLIC_URL when set (always in production with a mail
    server), else on the address of the current request (development)."""
    from flask import request, url_for

    base = current_app.config.get("PUBLIC_URL")
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # a command: the path from the URL map, on PUBLIC_URL
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    if base:
        return base.rstrip("/") + path
    if has_request_context():
        return request.host_url.rstrip("/") + path
    return path
