"""The base of every form: each field is bounded and storable before any check reads it.

WTForms' ``Length`` raises ``ValidationError``, which does not stop the validator chain, so a
check after it (the identifier check) still read the whole value: one long field held a worker
for half a minute. ``BoundedForm`` puts a check in front of every field's chain that stops it
when the value is longer than the field's own ``Length(max=...)`` (or ``FIELD_LIMIT`` when it
declares none) or contains a NUL character (which PostgreSQL cannot store). The field keeps what
was typed and shows the error; nothing else runs on it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import Length, StopValidation

#: the most characters any field may carry when it declares no Length of its own
FIELD_LIMIT = 10_000
NUL_MESSAGE = "This contains a character that cannot be stored (NUL). Remove it and send the form again."


def _declared_length(field) -> Length | None:
    lengths = [v for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(lengths, key=lambda v: v.max) if lengths else None


class Storable:
    """First in every field's chain: stops it on a NUL character or an over-long value."""

    def __init__(self, length: Length | None):
        self.length = length or Length(max=FIELD_LIMIT)

    def __call__(self, form, field) -> None:
        raw = [value for value in field.raw_data or [] if isinstance(value, str)]
        if any("\x00" in value for value in raw):
            raise StopValidation(NUL_MESSAGE)
        values = [field.data] if isinstance(field.data, str) else raw
        limit = self.length.max
        for value in values:
            if len(value) > limit:
                message = self.length.message or field.ngettext(
                    "Field cannot be longer than %(max)d character.",
                    "Field cannot be longer than %(max)d characters.",
                    limit,
                )
                raise StopValidation(
                    message
                    % {"min": self.length.min, "max": limit, "length": len(value)}
                )


class BoundedForm(FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            field.validators = [Storable(_declared_length(field)), *field.validators]
