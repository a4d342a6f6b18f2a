"""Feedback: a trainee's short rating of a module (through an attempt) or of a supervision (a
sign-off), shown to supervisors and directors in aggregate."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
