from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from trainer.core.forms import BoundedForm


class LoginForm(BoundedForm):
    email = EmailField(
        "E-mail address",
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class LogoutForm(BoundedForm):
    submit = SubmitField("Sign out")
