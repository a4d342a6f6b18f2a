from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired


class StartQuizForm(FlaskForm):
    state = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Start the quiz")


class AnswerForm(FlaskForm):
    """One step of a quiz; the options are set from the step being answered."""

    state = HiddenField(validators=[DataRequired()])
    chosen = SelectMultipleField("Your answer", choices=[], validate_choice=False)
    submit = SubmitField("Continue")


class SubmitAttemptForm(FlaskForm):
    state = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Submit my attempt")
