"""/verify: public, no sign-in. The platform's public key, and a check of any checkpoint."""

from __future__ import annotations

from flask import Response, current_app, render_template

from trainer.audit.checkpoints import (
    CheckpointInvalid,
    inspect_checkpoint,
    parse_document,
)
from trainer.audit.signing import signing_key
from trainer.core.access import public
from trainer.core.extensions import db, limiter

from . import verify_bp
from .forms import CheckpointForm


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


@verify_bp.route("", methods=["GET", "POST"])
@public
@limiter.limit(_verify_limit, methods=["POST"])
def verify_page():
    form = CheckpointForm()
    findings, status = None, 200
    if form.validate_on_submit():
        try:
            checkpoint = parse_document(form.document_bytes())
        except CheckpointInvalid as error:
            form.document.errors.append(str(error))
            status = 422
        else:
            findings = inspect_checkpoint(db.session.connection(), checkpoint)
    elif form.is_submitted():
        status = 422
    return render_template(
        "verify/verify.html", key=signing_key(), form=form, findings=findings
    ), status


@verify_bp.route("/public-key.pem")
@public
def public_key():
    return Response(
        signing_key().public_pem,
        mimetype="application/x-pem-file",
        headers={
            "Content-Disposition": 'attachment; filename="ebtr-trainer-public-key.pem"'
        },
    )
