"""The director's forms: one per use case."""

from __future__ import annotations

from wtforms import DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
)

from trainer.core.forms import BoundedForm


class CohortForm(BoundedForm):
    name = StringField(
        "Cohort name", validators=[DataRequired("Name the cohort."), Length(max=200)]
    )
    submit = SubmitField("Create the cohort")


class RenameCohortForm(BoundedForm):
    name = StringField(
        "New name", validators=[DataRequired("Name the cohort."), Length(max=200)]
    )
    submit = SubmitField("Rename")


class ActionForm(BoundedForm):
    """A button that changes state (end, close, archive, revoke): CSRF only."""

    submit = SubmitField("Confirm")


class AssignForm(BoundedForm):
    supervisor = SelectField(
        "Supervisor", coerce=int, validators=[InputRequired("Choose a supervisor.")]
    )
    trainee = SelectField(
        "Trainee", coerce=int, validators=[InputRequired("Choose a trainee.")]
    )
    submit = SubmitField("Assign")


class ReassignForm(BoundedForm):
    supervisor = SelectField(
        "New supervisor", coerce=int, validators=[InputRequired("Choose a supervisor.")]
    )
    submit = SubmitField("Reassign")


class PeriodForm(BoundedForm):
    name = StringField(
        "Period name",
        validators=[DataRequired("Name the evaluation period."), Length(max=100)],
    )
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    submit = SubmitField("Create the period")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        starts, ends = self.starts_on.data, self.ends_on.data
        if starts and ends and starts > ends:
            self.ends_on.errors.append("The period must end on or after its start.")
            return False
        return True


class MovePeriodForm(BoundedForm):
    direction = SelectField(
        "Move",
        choices=[("up", "earlier"), ("down", "later")],
        validators=[InputRequired()],
    )
    submit = SubmitField("Move")


class MinimumLevelForm(BoundedForm):
    competency = SelectField(
        "Competency", validators=[InputRequired("Choose a competency.")]
    )
    level = SelectField(
        "Minimum level",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        validators=[InputRequired("Choose a level from 1 to 5.")],
    )
    submit = SubmitField("Set the minimum level")


class ReviewerAccessForm(BoundedForm):
    reviewer = SelectField(
        "Reviewer", coerce=int, validators=[InputRequired("Choose a reviewer.")]
    )
    until = DateField(
        "Access until (last day, inclusive)",
        validators=[InputRequired("Give the last day of access.")],
    )
    submit = SubmitField("Grant or extend access")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InviteReviewerForm(BoundedForm):
    """Reviewer access for someone without an account: an invitation with the grant's end."""

    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Enter the reviewer's e-mail address."),
            Email("Enter an e-mail address such as name@example.org."),
            Length(max=254),
        ],
        filters=[_strip],
    )
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the reviewer's name."), Length(max=200)],
        filters=[_strip],
    )
    until = DateField(
        "Last day of access (inclusive)",
        validators=[InputRequired("Give the last day of access.")],
    )
    submit = SubmitField("Invite the reviewer")
