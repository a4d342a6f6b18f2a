from wtforms import HiddenField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired

from trainer.core.forms import BoundedForm


class StartQuizForm(BoundedForm):
    state = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Start the quiz")


class AnswerForm(BoundedForm):
    """One step of a quiz; the options are set from the step being answered."""

    state = HiddenField(validators=[DataRequired()])
    chosen = SelectMultipleField("Your answer", choices=[], validate_choice=False)
    submit = SubmitField("Continue")


class SubmitAttemptForm(BoundedForm):
    state = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Submit my attempt")
