"""The WSGI entry point: ``flask --app app ...`` and ``gunicorn app:app`` find it here."""

from trainer import create_app

app = create_app()
