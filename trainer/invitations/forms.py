from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from trainer.auth.passwords import StrongPassword
from trainer.core.forms import BoundedForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _password_fields(*, strong: bool = True):
    rules = [InputRequired("Choose a password."), Length(max=1024)]
    password = PasswordField(
        "Password (12 characters or more)",
        validators=[*rules, StrongPassword()] if strong else rules,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password, again",
        validators=[
            DataRequired("Type the password again."),
            Length(max=1024),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class AcceptInvitationForm(BoundedForm):
    name = StringField(
        "Your full name",
        validators=[DataRequired("Enter your name."), Length(max=200)],
        filters=[_strip],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = _password_fields(
        strong=False
    )  # validate_password applies the policy
    submit = SubmitField("Create my account")

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.invited_email = email

    def validate_password(self, field) -> None:
        # the address counts as easy to guess too (StrongPassword reads a form's e-mail field)
        from wtforms import ValidationError

        from trainer.auth.passwords import password_problem

        problem = password_problem(
            field.data or "", user_inputs=(self.invited_email, self.name.data or "")
        )
        if problem:
            raise ValidationError(problem)


class ResetRequestForm(BoundedForm):
    email = EmailField(
        "E-mail address",
        validators=[
            DataRequired("Enter your e-mail address."),
            Email(),
            Length(max=254),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Send me a link")


class ChoosePasswordForm(BoundedForm):
    password, confirm = _password_fields()
    submit = SubmitField("Set the new password")
