"""Audit actions in words: each code the services record, as a reviewer would say it. A code
without a label (a new action) is shown as its code made readable."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "attempt.submitted": "Quiz attempt submitted",
    "audit.checkpoint_signed": "Audit checkpoint signed",
    "auth.login": "Signed in",
    "auth.login_failed": "Sign-in refused",
    "auth.mail_preference_changed": "E-mail setting changed",
    "auth.logout": "Signed out",
    "auth.logout_everywhere": "Signed out of every device",
    "auth.password_change_failed": "Password change refused",
    "auth.password_changed": "Password changed",
    "auth.second_factor_enrolled": "Second factor set up",
    "auth.second_factor_failed": "Second-factor code refused",
    "auth.second_factor_reset": "Second factor reset",
    "auth.second_factor_used": "Second-factor code used",
    "cohort.created": "Cohort created",
    "content.version_stored": "Content version stored",
    "feedback.given": "Feedback given",
    "mail.digest_queued": "Daily digest of practice logs queued",
    "notification.seen": "Notification seen",
    "practice.corrected": "Practice log corrected",
    "practice.logged": "Practice logged",
    "program.created": "Program created",
    "program.minimum_level_set": "Minimum level set",
    "program.period_created": "Evaluation period created",
    "program.second_factor_required": "Second factor required by the program",
    "program.supervisor_assigned": "Supervisor assigned",
    "supervision.acknowledged": "Evaluation acknowledged by the trainee",
    "supervision.draft_discarded": "Draft rating discarded",
    "supervision.draft_saved": "Draft rating saved",
    "supervision.rating_corrected": "Signed rating corrected",
    "supervision.signature_failed": "Signature refused",
    "supervision.signed": "Ratings signed",
    "user.created": "User created",
    "user.deactivated": "User deactivated",
}


def action_label(code: str) -> str:
    """The action in words, e.g. "Quiz attempt submitted" for attempt.submitted."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    area, _, verb = code.partition(".")
    words = f"{area} {verb}".replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def action_choices() -> list[tuple[str, str]]:
    """The filter's list: any action, then every known action in alphabetical order."""
    return [("", "Any action"), *sorted(ACTION_LABELS.items(), key=lambda i: i[1])]
