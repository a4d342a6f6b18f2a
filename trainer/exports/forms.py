from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wtforms import DateField, RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.core.forms import BoundedForm


class ExportForm(BoundedForm):
    """What to export: a cohort of the user's program, some periods, a format."""

    cohort = SelectField(
        "Cohort", coerce=int, validators=[InputRequired()], validate_choice=False
    )
    periods = SelectMultipleField(
        "Evaluation periods (none ticked: all)",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )
    format = RadioField(
        "Format",
        choices=[
            ("csv", "CSV (one file per table)"),
            ("json", "JSON (one document)"),
            ("pdf", "PDF (a competency record per trainee and a cohort summary)"),
        ],
        default="csv",
        validators=[InputRequired()],
    )
    paper = SelectField(
        "Paper (PDF)", choices=[("a4", "A4"), ("letter", "US Letter")], default="a4"
    )
    submit = SubmitField("Build and download the signed bundle (zip)")


class OwnRecordForm(BoundedForm):
    """The trainee's button for their own competency record (PDF)."""

    submit = SubmitField("Download my competency record (PDF)")


class AuditExportForm(BoundedForm):
    """A date range of the program's audit log to export, signed like a report."""

    date_from = DateField("From (date)", validators=[Optional()])
    date_to = DateField("To (date, inclusive)", validators=[Optional()])
    submit = SubmitField("Export the audit log (signed zip)")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        for field in (self.date_from, self.date_to):
            if field.data is not None and not date(1900, 1, 1) <= field.data <= date(
                9998, 12, 31
            ):
                field.errors.append("Give a date from 1900-01-01 to 9998-12-31.")
                return False
        if (
            self.date_from.data
            and self.date_to.data
            and self.date_to.data < self.date_from.data
        ):
            self.date_to.errors.append("The end date is before the start date.")
            return False
        return True

    def bounds(self, timezone: str) -> tuple[datetime | None, datetime | None]:
        """(since, until) as aware datetimes: midnight of each day in the program's zone."""
        zone = ZoneInfo(timezone)

        def midnight(day: date | None) -> datetime | None:
            return datetime.combine(day, time(0), zone) if day else None

        until = self.date_to.data + timedelta(days=1) if self.date_to.data else None
        return midnight(self.date_from.data), midnight(until)


class RetryForm(BoundedForm):
    """Build a failed (or stopped) export again."""

    submit = SubmitField("Build it again")
