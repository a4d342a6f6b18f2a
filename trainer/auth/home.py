from flask import url_for

from .models import User
from .permissions import Role

HOME_BY_ROLE = {
    Role.TRAINEE: "learning.catalogue",
    Role.SUPERVISOR: "learning.catalogue",
    Role.DIRECTOR: "learning.catalogue",
    Role.REVIEWER: "learning.catalogue",
    Role.ADMIN: "learning.catalogue",
}


def home_url_for(user: User) -> str:
    """Where a user lands after signing in."""
    return url_for(HOME_BY_ROLE.get(user.role, "learning.catalogue"))
