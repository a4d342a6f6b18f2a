"""The account area (/account): sign out of every device, the second factor, the password,
the optional e-mails; the second step of sign-in (/login/code); and the rule that sends a user
who must have a second factor to enrol before anything else."""

from __future__ import annotations

import time

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from trainer.core.access import access_of, public
from trainer.core.errors import wants_json
from trainer.core.extensions import db, limiter
from trainer.core.unit_of_work import keep_despite_error

from . import bp
from .account import (
    WrongCurrentPassword,
    change_password,
    optional_mail,
    set_mail_preferences,
    sign_out_everywhere,
)
from .account_forms import (
    EnrolForm,
    MailPreferencesForm,
    PasswordChangeForm,
    SecondFactorCodeForm,
    SignOutEverywhereForm,
)
from .decorators import login_required
from .home import home_url_for
from .models import User
from .second_factor import (
    SecondFactorError,
    confirm_enrolment,
    enrolment,
    is_enrolled,
    pending_enrolment,
    qr_svg,
    remaining_recovery_codes,
    second_factor_required,
    start_enrolment,
    verify_second_factor,
)
from .services import WeakPassword
from .sessions import current_session_row, start_session

PENDING_KEY = "_second_factor_pending"
#: how long the code step may follow the password step
PENDING_SECONDS = 300
#: endpoints a user who must enrol may still reach
ENROLMENT_ENDPOINTS = frozenset(
    {"auth.enrol_second_factor", "auth.second_factor_qr", "auth.logout"}
)
ENROLLED_KEY = "_second_factor_ok"


def after_password(user: User, *, remember: bool, next_url: str | None):
    """The password was right: ask for the second factor if the user has one, else sign in
    (and send a user who must have one to set it up first)."""
    if is_enrolled(user):
        session[PENDING_KEY] = {
            "user": user.id,
            "remember": bool(remember),
            "next": next_url,
            "since": int(time.time()),
        }
        return redirect(url_for("auth.second_factor_code"))
    start_session(user, remember=remember)
    flash(f"Signed in as {user.name}.", "success")
    if second_factor_required(user):
        return redirect(url_for("auth.enrol_second_factor"))
    return redirect(next_url or home_url_for(user))


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None, {}
    if time.time() - int(pending.get("since", 0)) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None, {}
    user = db.session.get(User, pending["user"])
    if user is None or not user.is_active:
        return None, {}
    return user, pending


def _pending_key() -> str:
    pending = session.get(PENDING_KEY)
    user = pending.get("user") if isinstance(pending, dict) else None
    return f"second-factor:{user}"


def _code_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(_code_limit, key_func=_pending_key, methods=["POST"])
def second_factor_code():
    user, pending = _pending_user()
    if user is None:
        if request.method == "GET":
            return render_template("auth/code.html", form=None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        if verify_second_factor(user, form.code.data, purpose="sign-in"):
            session.pop(PENDING_KEY, None)
            start_session(user, remember=pending.get("remember", False))
            session[ENROLLED_KEY] = user.id
            flash(f"Signed in as {user.name}.", "success")
            return redirect(pending.get("next") or home_url_for(user))
        keep_despite_error()  # the failure stays on record
        form.code.errors.append(
            "That code is not right. Enter the code your app shows now, or an unused recovery code."
        )
        return render_template("auth/code.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/code.html", form=form), status


@bp.before_app_request
def _enrol_before_anything_else():
    """A signed-in user who must have a second factor and has none is sent to set it up."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or endpoint in ENROLMENT_ENDPOINTS:
        return None
    access = access_of(endpoint)
    if access is None or access.kind == "public":
        return None
    if (
        not current_user.is_authenticated
        or session.get(ENROLLED_KEY) == current_user.id
    ):
        return None
    if not second_factor_required(current_user):
        return None
    if is_enrolled(current_user):
        session[ENROLLED_KEY] = current_user.id
        return None
    if wants_json():
        abort(403)
    return redirect(url_for("auth.enrol_second_factor"))


def _mail_form(formdata=None) -> MailPreferencesForm:
    """The optional e-mails of the signed-in user's role, filled from the account unless a
    form was sent."""
    user = current_user
    form = MailPreferencesForm(
        formdata=formdata,
        practice_digest=user.has_digest_mail,
        sign_off_mail=user.has_sign_off_mail,
    )
    return form.keep_only(optional_mail(user))


def render_account(
    *,
    password_form: PasswordChangeForm | None = None,
    mail_form: MailPreferencesForm | None = None,
    status: int = 200,
):
    factor = enrolment(current_user)
    return render_template(
        "auth/account.html",
        factor=factor,
        recovery_left=remaining_recovery_codes(factor) if factor else 0,
        required=second_factor_required(current_user),
        everywhere_form=SignOutEverywhereForm(),
        password_form=password_form or PasswordChangeForm(formdata=None),
        mail_form=mail_form or _mail_form(),
    ), status


@bp.route("/account")
@login_required
def account():
    return render_account()


@bp.route("/account/mail", methods=["POST"])
@login_required
def save_mail_preferences():
    form = _mail_form(request.form)
    if not form.validate_on_submit():
        return render_account(mail_form=form, status=422)
    changed = set_mail_preferences(current_user._get_current_object(), form.choices())
    flash(
        "Your e-mail settings are saved." if changed else "Nothing changed.",
        "success" if changed else "info",
    )
    return redirect(url_for("auth.account"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_of_every_device():
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    sign_out_everywhere(current_user)
    logout_user()
    flash("You are signed out on every device.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password_view():
    form = PasswordChangeForm()

    def again(status: int):
        return render_account(password_form=form, status=status)

    if not form.validate_on_submit():
        return again(422)
    user = current_user._get_current_object()
    row = current_session_row()
    remember = bool(row is not None and row.remember)
    try:
        change_password(user, form.current_password.data, form.new_password.data)
    except WrongCurrentPassword as error:
        keep_despite_error()  # the failed attempt stays on record
        form.current_password.errors.append(str(error))
        return again(error.status_code)
    except WeakPassword as error:
        form.new_password.errors.append(str(error))
        return again(422)
    start_session(user, remember=remember)
    flash(
        "Your password is changed. You stay signed in here; every other device is signed out.",
        "success",
    )
    return redirect(url_for("auth.account"))


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def enrol_second_factor():
    if is_enrolled(current_user):
        flash("Your second factor is on.", "info")
        return redirect(url_for("auth.account"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(current_user, form.code.data)
        except SecondFactorError as error:
            keep_despite_error()  # the failure stays on record
            form.code.errors.append(str(error))
            return _enrol_page(form, 422)
        session[ENROLLED_KEY] = current_user.id
        return render_template(
            "auth/recovery_codes.html", codes=codes, home=home_url_for(current_user)
        )
    return _enrol_page(form, 422 if request.method == "POST" else 200)


def _enrol_page(form: EnrolForm, status: int):
    factor = pending_enrolment(current_user) or start_enrolment(current_user)
    keep_despite_error()  # the pending secret stays, whatever the form's status
    return render_template(
        "auth/enrol.html",
        form=form,
        secret=factor.secret,
        required=second_factor_required(current_user),
    ), status


@bp.route("/account/second-factor/qr.svg")
@login_required
def second_factor_qr():
    factor = pending_enrolment(current_user)
    if factor is None:
        abort(404)
    return Response(qr_svg(factor, current_user), mimetype="image/svg+xml")


@bp.app_template_global()
def has_second_factor() -> bool:
    """Whether the signed-in user has a second factor (the signature forms ask for a code)."""
    if not current_user.is_authenticated:
        return False
    if "has_second_factor" not in g:
        g.has_second_factor = is_enrolled(current_user)
    return g.has_second_factor
