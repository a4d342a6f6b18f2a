from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_wtf.file import FileField, FileSize
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from trainer.audit.checkpoints import MAX_DOCUMENT_BYTES
from trainer.audit.services import EventFilters
from trainer.core.forms import BoundedForm

from .actions import action_choices


def _strip_lower(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


#: the dates a filter may name: the program's time zone and the day after date_to stay in range
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(9998, 12, 31)


def _in_range(form, field) -> None:
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            f"Give a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."
        )


class EventFilterForm(BoundedForm):
    """The filters of the audit page, sent by GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(
        "Actor's e-mail",
        validators=[Optional(), Length(max=254)],
        filters=[_strip_lower],
        render_kw={"autocomplete": "off", "inputmode": "email"},
    )
    #: a list of the actions; any well-formed code is accepted (a new action without a label)
    action = SelectField(
        "Action",
        choices=action_choices(),
        validate_choice=False,
        validators=[
            Optional(),
            Length(max=64),
            Regexp(
                r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
                message="An action looks like attempt.submitted.",
            ),
        ],
        filters=[_strip_lower],
    )
    date_from = DateField("From (date)", validators=[Optional(), _in_range])
    date_to = DateField("To (date, inclusive)", validators=[Optional(), _in_range])
    submit = SubmitField("Filter")

    def validate_actor(self, field: StringField) -> None:
        if field.data and "@" not in field.data:
            raise ValidationError(
                "Enter the actor's e-mail address, e.g. supervisor@example.org."
            )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (
            self.date_from.data
            and self.date_to.data
            and self.date_to.data < self.date_from.data
        ):
            self.date_to.errors.append("The end date is before the start date.")
            return False
        return True

    def filters(self, timezone: str) -> EventFilters:
        """The validated filters, with dates taken in the program's time zone."""
        zone = ZoneInfo(timezone)
        return EventFilters(
            actor=self.actor.data or None,
            action=self.action.data or None,
            since=_midnight(self.date_from.data, zone),
            until=_midnight(self.date_to.data + timedelta(days=1), zone)
            if self.date_to.data
            else None,
        )


def _midnight(day: date | None, zone: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=zone)


class VerifyChainForm(BoundedForm):
    submit = SubmitField("Verify now")


class CheckpointForm(BoundedForm):
    """A checkpoint to check on /verify: pasted, or uploaded as a file."""

    document = TextAreaField(
        "Paste a checkpoint (JSON)",
        validators=[
            Optional(),
            Length(
                max=MAX_DOCUMENT_BYTES, message="This is too long to be a checkpoint."
            ),
        ],
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    upload = FileField(
        "…or choose the checkpoint file",
        validators=[
            FileSize(
                max_size=MAX_DOCUMENT_BYTES,
                message="This file is too large to be a checkpoint.",
            )
        ],
    )
    submit = SubmitField("Verify the checkpoint")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.document.data or "").strip() and not self.upload.data:
            self.document.errors.append("Paste a checkpoint or choose its file.")
            return False
        return True

    def document_bytes(self) -> bytes:
        if self.upload.data:
            return self.upload.data.read(MAX_DOCUMENT_BYTES + 1)
        return (self.document.data or "").encode()


class ExportUploadForm(BoundedForm):
    """An export bundle to check on /verify: the zip, or its manifest and signature."""

    bundle = FileField("The export's zip file")
    manifest = FileField("…or its manifest.json")
    signature = FileField("…and its manifest.sig")
    submit = SubmitField("Verify the export")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.bundle.data:
            return True
        if self.manifest.data and self.signature.data:
            return True
        self.bundle.errors.append(
            "Choose the export's zip file, or both its manifest.json and its manifest.sig."
        )
        return False
