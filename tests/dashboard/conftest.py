from tests.factories.supervision import (  # noqa: F401
    assigned,
    curriculum,
    mid_year,
    module,
    other_module,
    other_supervisor,
    other_trainee,
    periods,
)
from tests.mail.conftest import mail_config, smtp_server  # noqa: F401
