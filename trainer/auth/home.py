from flask import url_for

from .models import User


def home_url_for(user: User) -> str:
    """Where a user lands after signing in: the catalogue, for every role today."""
    return url_for("learning.catalogue")
