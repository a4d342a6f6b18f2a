from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField, SubmitField
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


class MailPreferencesForm(BoundedForm):
    """The optional e-mails; the view removes the ones the user's role does not get."""

    practice_digest = BooleanField(
        "Daily digest of new practice logs from my trainees",
        description="At most one message a day, only when a trainee has logged practice.",
    )
    sign_off_mail = BooleanField(
        "E-mail when an evaluation of mine is signed",
        description="Says who signed, when and the levels, with a link to acknowledge it.",
    )
    submit = SubmitField("Save e-mail settings", id="save-mail-settings")

    def keep_only(self, names: list[str]) -> MailPreferencesForm:
        for name in ("practice_digest", "sign_off_mail"):
            if name not in names:
                delattr(self, name)
        return self

    def choices(self) -> dict[str, bool]:
        return {
            name: bool(self[name].data)
            for name in ("practice_digest", "sign_off_mail")
            if name in self
        }
