"""The director's program settings form."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import ValidationError

from trainer.content.schema import FRAMEWORK_LABELS
from trainer.core.errors import TrainerError
from trainer.core.forms import BoundedForm
from trainer.program.catalogue import frameworks_with_content
from trainer.program.services import check_framework


class ProgramSettingsForm(BoundedForm):
    #: only frameworks with content are offered; another one sent is refused with the reason
    framework = SelectField("Evidence framework", validate_choice=False)
    is_promising_required = BooleanField(
        "Count the modules rated promising towards the program's requirements"
    )
    submit = SubmitField("Save settings")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        available = frameworks_with_content()
        self.framework.choices = [
            (str(framework), label)
            for framework, label in FRAMEWORK_LABELS.items()
            if framework in available
        ]

    def validate_framework(self, field) -> None:
        try:
            check_framework(field.data or "")
        except TrainerError as error:
            raise ValidationError(str(error)) from None
