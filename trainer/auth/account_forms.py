from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from trainer.core.forms import BoundedForm

from .passwords import StrongPassword


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SecondFactorCodeForm(BoundedForm):
    """The code at sign-in: six digits from the app, or a recovery code."""

    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired("Enter the code."), Length(max=40)],
        filters=[_strip],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )
    submit = SubmitField("Continue")


class EnrolForm(BoundedForm):
    code = StringField(
        "The 6-digit code your app shows",
        validators=[DataRequired("Enter the code your app shows."), Length(max=40)],
        filters=[_strip],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Turn on the second factor")


class PasswordChangeForm(BoundedForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password (12 characters or more)",
        validators=[
            InputRequired("Choose a new password."),
            Length(max=1024),
            StrongPassword(),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password, again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", "The two new passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change the password")


class SignOutEverywhereForm(BoundedForm):
    submit = SubmitField("Sign out of every device")
