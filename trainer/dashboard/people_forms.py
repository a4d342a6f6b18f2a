from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from trainer.core.forms import BoundedForm
from trainer.invitations.bulk import MAX_CHARS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InvitePersonForm(BoundedForm):
    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Enter the e-mail address."),
            Email(),
            Length(max=254),
        ],
        filters=[_strip],
    )
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the person's name."), Length(max=200)],
        filters=[_strip],
    )
    role = SelectField(
        "Role",
        choices=[
            ("trainee", "Trainee"),
            ("supervisor", "Supervisor"),
            ("director", "Director"),
        ],
        validators=[DataRequired()],
    )
    cohort = SelectField("Cohort (trainees only)", validators=[Optional()])
    submit = SubmitField("Send the invitation")

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort.choices = [("", "—")] + [(str(c.id), c.name) for c in cohorts]


class ImportPeopleForm(BoundedForm):
    rows = TextAreaField(
        "Paste rows: e-mail, name, role, cohort",
        validators=[Length(max=MAX_CHARS)],
        render_kw={"rows": 6},
    )
    upload = FileField("Or upload a CSV file")
    submit = SubmitField("Invite everyone listed")


class PersonActionForm(BoundedForm):
    submit = SubmitField("Confirm")
