"""Accreditation exports: report contents from the record, CSV/JSON/PDF files, and the signed
bundle (manifest, Ed25519 signature, public key) a reviewer verifies without trusting the
server. The director's /reports page and the ``export`` command live here; /verify (in the
reports area above) checks a bundle."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/reports")
