from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from trainer.extensions import db, limiter

from . import bp
from .decorators import login_required, public
from .forms import LoginForm, LogoutForm
from .home import home_url_for
from .services import authenticate, normalise_email, record_logout


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
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(safe_next(request.args.get("next")) or home_url_for(user))
        form.password.errors.append("The e-mail address or password is not right.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("learning.catalogue"))
    record_logout(current_user)
    db.session.commit()
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))
