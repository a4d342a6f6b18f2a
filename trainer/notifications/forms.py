from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class MarkSeenForm(FlaskForm):
    submit = SubmitField("Mark all as seen")
