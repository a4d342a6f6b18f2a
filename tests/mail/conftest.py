"""A real SMTP server (aiosmtpd) started by the test, and the app pointed at it."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Inbox:
    """Collects what the server accepted; ``refuse`` makes it answer with an SMTP error."""

    messages: list = field(default_factory=list)
    refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_config(app, monkeypatch):
    """Point the app at an SMTP server on ``port`` (nothing listening is a failing server)."""

    def configure(port: int, **extra):
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(
            app.config, "MAIL_DEFAULT_SENDER", "Trainer <trainer@example.org>"
        )
        for key, value in extra.items():
            monkeypatch.setitem(app.config, key, value)

    return configure


@pytest.fixture
def smtp_server(mail_config):
    """A running SMTP server the app sends to; yields its Inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mail_config(controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server_with_login(mail_config):
    """An SMTP server that accepts only the login mailer / mailer-password-1."""
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"mailer", b"mailer-password-1")
        return AuthResult(success=ok)

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    mail_config(
        controller.port, MAIL_USERNAME="mailer", MAIL_PASSWORD="mailer-password-1"
    )
    try:
        yield inbox
    finally:
        controller.stop()


from tests.factories.supervision import (  # noqa: E402, F401  (the notification mails)
    assigned,
    curriculum,
    mid_year,
    module,
    other_module,
    other_supervisor,
    other_trainee,
    periods,
)
