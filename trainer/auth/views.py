from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from trainer.core.access import public
from trainer.core.extensions import limiter
from trainer.core.unit_of_work import keep_despite_error

from . import bp
from .account_views import after_password
from .decorators import login_required
from .forms import LoginForm, LogoutForm
from .home import home_url_for
from .services import authenticate, normalise_email, record_logout
from .sessions import end_session


def safe_next(target: str | None) -> str | None:
    """Only follow relative targets on this site. Browsers read a backslash as a slash and
    drop tabs and newlines, so "/\\host" or "/<tab>/host" would leave the site."""
    if not target or "\\" in target or not target.isprintable():
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "//[": an unclosed IPv6 host
        return None
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return None
    return target


def _account_key() -> str:
    """One account from one address: someone guessing from elsewhere cannot lock the owner out."""
    email = normalise_email(request.form.get("email", ""))[:254]
    return f"account:{email}|{request.remote_addr}"


def _failed(response) -> bool:
    """Only failed sign-ins count towards the limits (a wrong password answers 401)."""
    return response.status_code == 401


def _login_limit_per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _login_limit_per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


@bp.route("/")
@login_required
def home():
    return redirect(home_url_for(current_user))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit_per_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _login_limit_per_account,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(
            form.email.data, form.password.data, address=request.remote_addr
        )
        if user is not None:
            return after_password(
                user,
                remember=form.remember.data,
                next_url=safe_next(request.args.get("next")),
            )
        form.password.errors.append("The e-mail address or password is not right.")
        keep_despite_error()  # the failed sign-in stays on record
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("learning.catalogue"))
    record_logout(current_user)
    end_session(session.get("_user_id"), "logout")
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))
