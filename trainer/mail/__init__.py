"""E-mail: an outbox table written in the same transaction as the action that sends the mail,
delivered after the commit (and by ``flask --app app mail send-queued``) through SMTP, or, with
no MAIL_SERVER, written as .eml files to instance/outbox/ (listed on /dev/outbox in
development). Sits above auth and below program."""

from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev")
