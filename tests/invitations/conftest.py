from tests.mail.conftest import mail_config, smtp_server  # noqa: F401
