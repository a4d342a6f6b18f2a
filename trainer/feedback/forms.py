"""The trainee's short feedback form: four 0–10 scales and an optional comment."""

from __future__ import annotations

from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from trainer.core.forms import BoundedForm
from trainer.practice.forms import _text

from .models import FEEDBACK_SCALES


def scale_field(question: str) -> RadioField:
    return RadioField(
        question,
        choices=[(str(value), str(value)) for value in range(11)],
        validators=[InputRequired(f"Answer “{question}” from 0 to 10.")],
    )


class FeedbackForm(BoundedForm):
    helpful = scale_field(FEEDBACK_SCALES["helpful"])
    fit_to_goals = scale_field(FEEDBACK_SCALES["fit_to_goals"])
    approach = scale_field(FEEDBACK_SCALES["approach"])
    overall = scale_field(FEEDBACK_SCALES["overall"])
    comment = _text("Anything else (optional)", required=False, limit=2000)
    submit = SubmitField("Send my feedback")

    def scores(self) -> dict[str, int]:
        return {name: int(getattr(self, name).data) for name in FEEDBACK_SCALES}
