"""/dev/outbox: the .eml files written when no MAIL_SERVER is set, so that a developer can
follow an invitation without a mail server. 404 outside development."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

from flask import abort, current_app, render_template
from markupsafe import Markup, escape

from trainer.core.access import public

from . import bp
from .services import write_queued_to_outbox
from .transport import outbox_path

NAME = re.compile(r"^[0-9T]{15}-\d{6,}-[a-z-]{1,40}\.eml$")
LINK = re.compile(r"https?://[^\s<>\"]+")


def _development_only() -> None:
    if not current_app.config.get("MAIL_DEV_OUTBOX"):
        abort(404)


def _read(path):
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def _files():
    folder = outbox_path()
    if not folder.is_dir():
        return []
    return sorted(
        (path for path in folder.iterdir() if NAME.match(path.name)),
        key=lambda path: path.name,
        reverse=True,
    )[:200]


@bp.route("/outbox")
@public
def outbox():
    _development_only()
    write_queued_to_outbox()
    messages = []
    for path in _files():
        mail = _read(path)
        messages.append(
            {
                "name": path.name,
                "to": mail["To"],
                "subject": mail["Subject"],
                "date": mail["Date"],
            }
        )
    return render_template("mail/outbox.html", messages=messages, folder=outbox_path())


@bp.route("/outbox/<name>")
@public
def outbox_message(name: str):
    _development_only()
    if not NAME.match(name):
        abort(404)
    path = outbox_path() / name
    if not path.is_file():
        abort(404)
    mail = _read(path)
    body = mail.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    # escape everything, then make the links clickable
    linked = LINK.sub(
        lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>',
        str(escape(text)),
    )
    return render_template(
        "mail/message.html",
        mail=mail,
        name=name,
        body=Markup(linked),  # noqa: S704
    )
