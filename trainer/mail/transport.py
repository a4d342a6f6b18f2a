"""Delivery: SMTP through the standard library's ``smtplib`` (maintained with CPython, no extra
dependency: STARTTLS, implicit TLS and AUTH), or .eml files in the outbox folder when no
MAIL_SERVER is configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from trainer.core.models import utcnow

from .models import MailMessage

DEFAULT_SENDER = "EBTR Trainer <no-reply@localhost>"


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def sender() -> str:
    return current_app.config.get("MAIL_DEFAULT_SENDER") or DEFAULT_SENDER


def outbox_path() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX_PATH")
    return (
        Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    )


def uses_smtp() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build(message: MailMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender()
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at or utcnow())
    mail["Message-ID"] = make_msgid(idstring=f"mail{message.id}", domain="ebtr-trainer")
    mail.set_content(message.body)
    return mail


def send_smtp(mail: EmailMessage) -> None:
    config = current_app.config
    host = config["MAIL_SERVER"]
    port = int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    context = ssl.create_default_context()
    if _flag(config.get("MAIL_USE_SSL")) or port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if _flag(config.get("MAIL_USE_TLS")) and not isinstance(
            client, smtplib.SMTP_SSL
        ):
            client.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        client.send_message(mail)


def write_eml(mail: EmailMessage, message: MailMessage) -> Path:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (message.created_at or utcnow()).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{message.id:06d}-{message.kind}.eml"
    path.write_bytes(bytes(mail))
    return path


def deliver(message: MailMessage) -> None:
    """Send one message now; raises on any failure (the caller records it and retries)."""
    mail = build(message)
    if uses_smtp():
        send_smtp(mail)
    else:
        write_eml(mail, message)
