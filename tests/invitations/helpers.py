from __future__ import annotations

import re

import sqlalchemy as sa

from trainer.core.extensions import db
from trainer.mail.models import MailMessage


def last_link(kind: str, to: str | None = None) -> str:
    """The path of the link in the newest queued message of ``kind`` (to ``to``)."""
    query = sa.select(MailMessage).where(MailMessage.kind == kind)
    if to:
        query = query.where(MailMessage.to_address == to)
    message = db.session.scalars(query.order_by(MailMessage.id.desc())).first()
    assert message is not None, f"no {kind} mail"
    found = re.search(
        r"(?:https?://[^/\s]+)?(/(?:invitations|password-reset)/\S+)", message.body
    )
    assert found, message.body
    return found.group(1)
