from flask import current_app, url_for

from .models import User
from .permissions import Role

#: each role's home, by endpoint: a trainee's catalogue (each module's status and next step),
#: a supervisor's trainees with their drafts to sign and new logs, the director's dashboard,
#: the records a reviewer may read (the audit is one click away), the admin console.
#: Endpoints are named, not imported: the pages live in areas above this one.
HOMES = {
    Role.TRAINEE: "learning.catalogue",
    Role.SUPERVISOR: "supervision.index",
    Role.DIRECTOR: "program.dashboard",
    Role.REVIEWER: "program.records",
    Role.ADMIN: "admin.console",
}


def home_url_for(user: User) -> str:
    """Where a user lands after signing in: their role's home (the catalogue when that page is
    not part of this application)."""
    endpoint = HOMES.get(user.role, "learning.catalogue")
    if endpoint not in current_app.view_functions:
        endpoint = "learning.catalogue"
    return url_for(endpoint)
