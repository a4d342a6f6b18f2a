"""The admin console (/admin): programs and their directors, and every account."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
