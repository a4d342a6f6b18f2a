from __future__ import annotations

from wtforms import RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired
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
