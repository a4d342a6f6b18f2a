from flask import Blueprint

#: the catalogue, modules and their quizzes
bp = Blueprint("learning", __name__, url_prefix="/modules")
#: the trainee's own record: /progress
progress_bp = Blueprint("progress", __name__, url_prefix="/progress")
