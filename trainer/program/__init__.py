from flask import Blueprint

bp = Blueprint("program", __name__)
