"""Notifications: what is new for a user since they last looked."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
