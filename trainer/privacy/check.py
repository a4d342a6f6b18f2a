"""The one check every service applies to free text before it is stored."""

from __future__ import annotations

from trainer.core.errors import TrainerError

from .deidentify import certain, describe, find_identifiers


class IdentifierFound(TrainerError):
    """Free text looks like it identifies someone; the message says what to remove."""

    status_code = 422


def check_deidentified(*, refuse_possible_names: bool = False, **texts: str) -> None:
    """Raise IdentifierFound naming the first field that looks like it identifies someone.

    A given name on its own is only a possible name (it may be an ordinary word): it is refused
    when ``refuse_possible_names`` (the practice logs, whose writer was offered to confirm it
    is not a name), let through otherwise."""
    for name, text in texts.items():
        findings = find_identifiers(text or "")
        if not refuse_possible_names:
            findings = certain(findings)
        if findings:
            raise IdentifierFound(
                f"{name.replace('_', ' ').capitalize()}: {describe(findings)}"
            )
