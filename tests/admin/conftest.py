from tests.mail.conftest import mail_config  # noqa: F401
