from __future__ import annotations

from wtforms import SubmitField

from trainer.core.forms import BoundedForm


class MarkSeenForm(BoundedForm):
    submit = SubmitField("Mark all as seen")
