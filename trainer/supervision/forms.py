from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.content.schema import RUBRIC_LABELS
from trainer.core.forms import BoundedForm
from trainer.practice.forms import Deidentified
from trainer.record.models import (
    MEANING_AS_STATED,
    OBSERVATION_LABELS,
    SIGNATURE_MEANING,
    Observation,
)

from .services import RatingInput
from .signing import WrongCode

NO_OPPORTUNITY = "none"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RatingForm(BoundedForm):
    """One competency's rating; the evidence choices are the trainee's logs and attempts."""

    level = RadioField(
        "Level",
        choices=[
            *(
                (str(level), f"{level} · {label}")
                for level, label in sorted(RUBRIC_LABELS.items(), reverse=True)
            ),
            (NO_OPPORTUNITY, "No opportunity to observe"),
        ],
        validators=[InputRequired("Choose a level, or “no opportunity to observe”.")],
    )
    observation = SelectField(
        "Observation it rests on",
        choices=[
            ("", "Choose how you observed it"),
            *((o.value, label) for o, label in OBSERVATION_LABELS.items()),
        ],
        validators=[Optional()],
        # whitespace is no choice: without this, Optional() let " " through to Observation(" ")
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    observed_on = DateField("Date observed", validators=[Optional()])
    comment = TextAreaField(
        "Comment",
        validators=[Optional(), Length(max=4000), Deidentified()],
        render_kw={"rows": 3},
    )
    evidence_logs = MultiCheckboxField(
        "Practice logs it rests on", coerce=int, validate_choice=True
    )
    evidence_attempts = MultiCheckboxField(
        "Quiz attempts it rests on", coerce=int, validate_choice=True
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks across fields: a level needs the observation it
        rests on and the date observed, which cannot be in the future."""
        valid = super().validate(extra_validators)
        rated = self.level.data not in (None, "", NO_OPPORTUNITY)
        if rated and not self.observation.data and not self.observation.errors:
            self.observation.errors.append(
                "Say how you observed the practice this rating rests on."
            )
            valid = False
        if rated and self.observed_on.data is None and not self.observed_on.errors:
            self.observed_on.errors.append("Give the date you observed the practice.")
            valid = False
        if self.observed_on.data is not None and self.observed_on.data > self.today:
            self.observed_on.errors.append("The date observed cannot be in the future.")
            valid = False
        return valid

    def rating(self) -> RatingInput:
        level = None if self.level.data == NO_OPPORTUNITY else int(self.level.data)
        return RatingInput(
            level=level,
            comment=self.comment.data or "",
            observation=Observation(self.observation.data)
            if self.observation.data
            else None,
            observed_on=self.observed_on.data,
            evidence_log_ids=list(self.evidence_logs.data or []),
            evidence_attempt_ids=list(self.evidence_attempts.data or []),
        )


class DraftForm(RatingForm):
    period = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Save draft")


class CompetencyDraftForm(RatingForm):
    """One competency's part of the rating page's single form (prefixed by its id); the CSRF
    token and the period belong to the page's form, ``DraftsForm``."""

    class Meta:
        csrf = False

    def is_touched(self) -> bool:
        """Whether anything was chosen or typed for this competency."""
        return any(
            (
                self.level.data not in (None, ""),
                self.observation.data,
                self.observed_on.data is not None
                or bool(self.observed_on.raw_data and self.observed_on.raw_data[0]),
                (self.comment.data or "").strip(),
                self.evidence_logs.data,
                self.evidence_attempts.data,
            )
        )


class DraftsForm(BoundedForm):
    """The rating page's one form: every competency's draft is saved by one button."""

    period = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Save all drafts")


class SignatureFields(BoundedForm):
    """The electronic signature: the meaning, ticked, and the signer's password re-entered."""

    attest = BooleanField(
        SIGNATURE_MEANING, validators=[DataRequired("Tick the statement to sign.")]
    )
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Re-enter your password to sign."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    #: asked for when the signer has a second factor (trainer.auth.second_factor)
    code = StringField(
        "Code from your authenticator app",
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code"},
    )
    token = HiddenField(validators=[DataRequired(), Length(max=64)])


def signature_field(form: SignatureFields, error: Exception):
    """The field under which a refused signature's message belongs."""
    return form.code if isinstance(error, WrongCode) else form.password


class SignForm(SignatureFields):
    period = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Sign the ratings")


class CorrectRatingForm(RatingForm, SignatureFields):
    #: true whatever observation the correction rests on; the sign-off stores the exact meaning
    attest = BooleanField(
        MEANING_AS_STATED, validators=[DataRequired("Tick the statement to sign.")]
    )
    reason = TextAreaField(
        "Why you are correcting the rating",
        validators=[
            DataRequired("Say why you are correcting the rating."),
            Length(max=2000),
            Deidentified(),
        ],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Sign the correction")


class DiscardDraftForm(BoundedForm):
    submit = SubmitField("Discard draft")


class AcknowledgeForm(BoundedForm):
    response = TextAreaField(
        "Your written response (optional)",
        validators=[Optional(), Length(max=4000), Deidentified()],
        render_kw={"rows": 4},
    )
    submit = SubmitField("Acknowledge this evaluation")


class PeriodChoiceForm(BoundedForm):
    """A GET form that picks the evaluation period shown in the workspace."""

    class Meta:
        csrf = False

    period = SelectField("Evaluation period", coerce=int)
