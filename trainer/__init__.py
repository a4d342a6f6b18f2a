"""EBTR Trainer: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("TRAINER_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_configuration(app, test_config)
    register_extensions(app)
    register_mail(app)
    load_content(app)
    register_blueprints(app)
    register_page_behaviour(app)
    register_commands(app)
    return app


def load_configuration(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    from .config import Defaults, database_url_from_environment

    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    url = database_url_from_environment()
    if url:
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for name in (
        "SECRET_KEY",
        "RATELIMIT_STORAGE_URI",
        "SIGNING_KEY_PATH",
        "SIGNING_KEY_PEM",
        "CONTENT_ROOT",
        "MAIL_SERVER",
        "MAIL_PORT",
        "MAIL_USE_TLS",
        "MAIL_USE_SSL",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "MAIL_DEFAULT_SENDER",
        "PUBLIC_URL",
        "EXPORT_FOLDER",
    ):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if test_config is not None:
        app.config.from_mapping(test_config)

    development = app.debug or app.testing
    if not app.config.get("SECRET_KEY"):
        if not development:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "string (e.g. python -c 'import secrets; print(secrets.token_hex(32))'), or run with "
                "FLASK_DEBUG=1 for local development."
            )
        app.config["SECRET_KEY"] = _development_secret(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'trainer.sqlite3'}"
        )
    if not development:
        # Not setdefault: Flask's own defaults already hold SESSION_COOKIE_SECURE=False.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["CONTENT_ROOT"] = app.config.get("CONTENT_ROOT") or str(ROOT)
    app.config["EXPORT_FOLDER"] = app.config.get("EXPORT_FOLDER") or str(
        Path(app.instance_path) / "exports"
    )
    # /dev/outbox lists the .eml files written without a mail server: development only
    app.config.setdefault("MAIL_DEV_OUTBOX", development)
    if (
        app.config.get("MAIL_SERVER")
        and not app.config.get("PUBLIC_URL")
        and not development
    ):
        raise ConfigurationError(
            "PUBLIC_URL is not set. Links in e-mails (invitations, password resets) are built "
            "on it, never on the Host header a client sends: set PUBLIC_URL to the address "
            "users open, e.g. https://trainer.example.org"
        )


def _development_secret(app: Flask) -> str:
    """A random secret kept in instance/ so development sessions survive restarts."""
    import secrets

    path = Path(app.instance_path) / "dev-secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from .core import database, requests, unit_of_work
    from .core.extensions import csrf, db, limiter, login_manager, migrate

    # the bounded id converters must exist before any blueprint's routes are bound
    requests.init_app(app)
    db.init_app(app)
    database.init_app(app)
    unit_of_work.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    # Templates get current_user lazily from core.templating: Flask-Login's own context
    # processor loads the user eagerly, so an error page could not render without a database.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(session_id: str):
        # "<user id>:<token>" of an open server-side session (trainer.auth.sessions)
        from .auth.sessions import load_user

        return load_user(session_id)


def register_mail(app: Flask) -> None:
    from .mail import services

    services.init_app(app)


def load_content(app: Flask) -> None:
    from .content.loader import ContentInvalid, load_curriculum

    try:
        app.extensions["curriculum"] = load_curriculum(Path(app.config["CONTENT_ROOT"]))
    except ContentInvalid as error:
        # The same lines as `flask content check`: never serve broken content.
        lines = [str(problem) for problem in error.problems]
        raise ConfigurationError(
            "\n".join([f"{len(lines)} content problem(s):", *lines])
        ) from None


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .admin import views as _admin_views  # noqa: F401
    from .auth import bp as auth_bp
    from .auth import views as _auth_views  # noqa: F401
    from .auth.decorators import enforce_declared_access
    from .core import bp as core_bp
    from .core import views as _core_views  # noqa: F401
    from .dashboard import bp as program_bp
    from .dashboard import heatmap_views as _heatmap_views  # noqa: F401
    from .dashboard import item_views as _item_views  # noqa: F401
    from .dashboard import people_views as _people_views  # noqa: F401
    from .dashboard import program_views as _running_views  # noqa: F401
    from .dashboard import reviewer_access_views as _reviewer_access  # noqa: F401
    from .dashboard import reviewers as _reviewer_views  # noqa: F401
    from .dashboard import settings_views as _settings_views  # noqa: F401
    from .dashboard import views as _program_views  # noqa: F401
    from .exports import bp as exports_bp
    from .exports import job_views as _job_views  # noqa: F401
    from .exports import views as _export_views  # noqa: F401
    from .feedback import bp as feedback_bp
    from .feedback import views as _feedback_views  # noqa: F401
    from .invitations import bp as invitations_bp
    from .invitations import reset_bp
    from .invitations import views as _invitation_views  # noqa: F401
    from .learning import bp as learning_bp
    from .learning import progress_bp
    from .learning import views as _learning_views  # noqa: F401
    from .mail import bp as dev_bp
    from .mail import views as _mail_views  # noqa: F401
    from .notifications import bp as notifications_bp
    from .notifications import views as _notification_views  # noqa: F401
    from .practice import bp as practice_bp
    from .practice import views as _practice_views  # noqa: F401
    from .reports import audit_bp, verify_bp
    from .reports import audit_views as _audit_views  # noqa: F401
    from .reports import verify_views as _verify_views  # noqa: F401
    from .supervision import bp as supervision_bp
    from .supervision import rating_views as _rating_views  # noqa: F401
    from .supervision import record_views as _sign_off_views  # noqa: F401
    from .supervision import views as _supervision_views  # noqa: F401

    enforce_declared_access(app)
    for blueprint in (
        core_bp,
        auth_bp,
        learning_bp,
        progress_bp,
        practice_bp,
        feedback_bp,
        supervision_bp,
        notifications_bp,
        program_bp,
        exports_bp,
        audit_bp,
        verify_bp,
        dev_bp,
        invitations_bp,
        reset_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_page_behaviour(app: Flask) -> None:
    """Error pages, security headers, template helpers and logging, each from its own area."""
    from .auth import templating as auth_templating
    from .content import templating as content_templating
    from .core import errors, logging, security
    from .core import templating as core_templating
    from .notifications import templating as notification_templating
    from .record import templating as record_templating

    errors.register_error_handlers(app)
    security.register_security_headers(app)
    for area in (
        core_templating,
        auth_templating,
        content_templating,
        record_templating,
        notification_templating,
    ):
        area.register_template_helpers(app)
    logging.configure_logging(app)


def register_commands(app: Flask) -> None:
    from .audit.cli import audit_group
    from .auth.cli import create_admin_command, reset_second_factor_command
    from .content.cli import content_group
    from .exports.cli import export_group
    from .learning import cli as _learning_commands  # noqa: F401  (adds to content_group)
    from .mail.cli import mail_group
    from .program.cli import demo_data_command, seed_demo_command
    from .supervision.cli import digest_command

    mail_group.add_command(digest_command)  # reads the record, which sits above mail

    for command in (
        audit_group,
        create_admin_command,
        reset_second_factor_command,
        content_group,
        export_group,
        seed_demo_command,
        mail_group,
        demo_data_command,
    ):
        app.cli.add_command(command)
