from flask import Blueprint

bp = Blueprint("program", __name__, url_prefix="/program")
