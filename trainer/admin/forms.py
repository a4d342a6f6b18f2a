from __future__ import annotations

import functools
import zoneinfo

from wtforms import EmailField, SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Email, Length

from trainer.auth.services import find_user_by_email
from trainer.content.schema import Framework
from trainer.core.forms import BoundedForm
from trainer.invitations.services import pending_invitation
from trainer.program.catalogue import curriculum
from trainer.program.services import find_program


def _strip(value):
    return value.strip() if isinstance(value, str) else value


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def framework_module_counts() -> dict[str, int]:
    counts = {framework.value: 0 for framework in Framework}
    for module in curriculum():
        for framework in module.meta.levels:
            counts[str(framework)] = counts.get(str(framework), 0) + 1
    return counts


class DirectorFields:
    """The director to invite (a mixin: WTForms collects inherited fields)."""

    director_email = EmailField(
        "Director's e-mail address",
        validators=[
            DataRequired("Enter the director's e-mail address."),
            Email(),
            Length(max=254),
        ],
        filters=[_strip],
    )
    director_name = StringField(
        "Director's name", validators=[Length(max=200)], filters=[_strip]
    )

    def validate_director_email(self, field) -> None:
        if find_user_by_email(field.data or "") is not None:
            raise ValidationError(f"{field.data} already has an account.")
        if pending_invitation(field.data or "") is not None:
            raise ValidationError(
                f"{field.data} is already invited; resend that invitation instead."
            )


class CreateProgramForm(DirectorFields, BoundedForm):
    name = StringField(
        "Program name",
        validators=[DataRequired("Name the program."), Length(max=200)],
        filters=[_strip],
    )
    timezone = StringField(
        "Time zone (IANA name, e.g. America/Chicago)",
        validators=[DataRequired("Enter the program's time zone."), Length(max=64)],
        filters=[_strip],
        default="UTC",
    )
    framework = SelectField("Evidence framework", validators=[DataRequired()])
    submit = SubmitField("Create the program and invite its director")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counts = framework_module_counts()
        self.framework.choices = [
            (
                value,
                f"{value} ({count} modules)" if count else f"{value} (no modules yet)",
            )
            for value, count in counts.items()
        ]
        self._counts = counts

    def validate_name(self, field) -> None:
        if field.data and find_program(field.data) is not None:
            raise ValidationError(f"A program named {field.data!r} already exists.")

    def validate_timezone(self, field) -> None:
        if field.data not in _zones():
            raise ValidationError(
                f"{field.data!r} is not a time zone this server knows. Use an IANA name "
                "such as Europe/London, America/New_York or UTC."
            )

    def validate_framework(self, field) -> None:
        if not self._counts.get(field.data):
            raise ValidationError(
                f"The {field.data} framework has no modules yet, so its trainees would have "
                "nothing to learn. Choose a framework with content."
            )


class InviteDirectorForm(DirectorFields, BoundedForm):
    submit = SubmitField("Invite the director")


class ActionForm(BoundedForm):
    """A button that changes state (CSRF only)."""

    submit = SubmitField("Confirm")
