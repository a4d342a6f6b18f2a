from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from trainer.content.schema import RUBRIC_LABELS
from trainer.core.forms import BoundedForm
from trainer.privacy.deidentify import certain, describe, find_identifiers
from trainer.record.models import (
    CLINIC_TYPE_LABELS,
    MODALITY_LABELS,
    ClinicType,
    Modality,
)

TEXT_LIMIT = 5000
EARLIEST_PRACTICE = date(2000, 1, 1)


#: the box a writer ticks to say that no possible name in the text is a person's name
NOT_NAMES_LABEL = "None of the words marked as possible names is a person’s name"


class Deidentified:
    """Refuses text that looks like it identifies someone, saying what to remove.

    A given name on its own may be an ordinary word ("Grace"). Where a form has a ``not_names``
    box (the practice log forms), such possible names are refused until the writer ticks it;
    elsewhere they are let through, as no box is offered. The findings of each field are kept
    on the form (``identifier_findings``) so the page can tell whether to offer the box."""

    def __call__(self, form, field) -> None:
        findings = find_identifiers(field.data or "")
        confirmable = getattr(form, "not_names", None)
        if isinstance(getattr(form, "identifier_findings", None), dict):
            form.identifier_findings[field.name] = findings
        if confirmable is None or confirmable.data:
            findings = certain(findings)
        if not findings:
            return
        raise ValidationError(describe(findings))


def _text(
    label: str, *, required: bool = True, limit: int = TEXT_LIMIT
) -> TextAreaField:
    presence = (
        DataRequired(f"Write something under “{label}”.") if required else Optional()
    )
    return TextAreaField(
        label,
        validators=[presence, Length(max=limit), Deidentified()],
        render_kw={"rows": 4},
    )


class PracticeLogForm(BoundedForm):
    """A new practice log; ``today`` (in the program's time zone) bounds the practice date."""

    competency = HiddenField(validators=[DataRequired()])
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    practised_on = DateField(
        "Date of the practice",
        validators=[InputRequired("Give the date you practised.")],
    )
    modality = SelectField(
        "Setting",
        choices=[
            ("", "Choose a setting"),
            *((m.value, label) for m, label in MODALITY_LABELS.items()),
        ],
        validators=[DataRequired("Choose the setting.")],
    )
    clinic_type = SelectField(
        "Clinic type",
        choices=[
            ("", "Choose a clinic type"),
            *((c.value, label) for c, label in CLINIC_TYPE_LABELS.items()),
        ],
        validators=[DataRequired("Choose the clinic type.")],
    )
    what_i_did = _text("What I did")
    client_response = _text("How the client responded")
    reflection = _text("Reflection")
    self_rating = RadioField(
        "My rating of myself on the rubric",
        choices=[
            (str(level), f"{level} · {label}") for level, label in RUBRIC_LABELS.items()
        ],
        validators=[InputRequired("Rate yourself on the rubric.")],
    )
    not_names = BooleanField(NOT_NAMES_LABEL)
    submit = SubmitField("Submit the log")

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()
        #: each checked text field's findings, filled in by validation
        self.identifier_findings: dict[str, list] = {}

    @property
    def possible_names_only(self) -> bool:
        """Whether the text's only findings are possible names: then, and only then, the
        writer may confirm that none is a person's name."""
        findings = [f for found in self.identifier_findings.values() for f in found]
        return bool(findings) and not certain(findings)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.not_names.data and not self.possible_names_only:
            # the box lets possible names through only when they are all that was found; beside
            # any other finding they are refused with it, each named in its field's message
            for name, found in self.identifier_findings.items():
                if any(finding.possible for finding in found):
                    field = self[name]
                    shown = describe(certain(found)) if certain(found) else None
                    field.errors = [
                        *(error for error in field.errors if error != shown),
                        describe(found),
                    ]
                    valid = False
        return valid

    @property
    def names_confirmed(self) -> bool:
        """Whether the writer let possible names through (ticked the box, and there were some)."""
        return bool(self.not_names.data) and self.possible_names_only

    def validate_practised_on(self, field) -> None:
        if field.data is None:
            return
        if field.data > self.today:
            raise ValidationError("The practice date cannot be in the future.")
        if field.data < EARLIEST_PRACTICE:
            raise ValidationError("Give a practice date from 2000 onwards.")

    def validate_modality(self, field) -> None:
        if field.data not in {m.value for m in Modality}:
            raise ValidationError("Choose the setting.")

    def validate_clinic_type(self, field) -> None:
        if field.data not in {c.value for c in ClinicType}:
            raise ValidationError("Choose the clinic type.")


class CorrectionForm(PracticeLogForm):
    reason = _text("Why you are correcting this log", limit=2000)
    submit = SubmitField("Submit the correction")
