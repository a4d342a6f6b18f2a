"""The one check every service applies to free text before it is stored."""

from __future__ import annotations

from trainer.core.errors import TrainerError

from .deidentify import describe, find_identifiers


class IdentifierFound(TrainerError):
    """Free text looks like it identifies someone; the message says what to remove."""

    status_code = 422


def check_deidentified(**texts: str) -> None:
    """Raise IdentifierFound naming the first field that looks like it identifies someone."""
    for name, text in texts.items():
        findings = find_identifiers(text or "")
        if findings:
            raise IdentifierFound(
                f"{name.replace('_', ' ').capitalize()}: {describe(findings)}"
            )
