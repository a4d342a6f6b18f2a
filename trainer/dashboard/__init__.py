"""The program director's pages under /program. They read every area below them."""

from flask import Blueprint

bp = Blueprint("program", __name__, url_prefix="/program")
