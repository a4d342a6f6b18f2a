"""Links sent by e-mail: invitations to join a program (/invitations/<token>) and password
resets (/password-reset). Above program and mail; below notifications."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
reset_bp = Blueprint("password_reset", __name__, url_prefix="/password-reset")
