"""/verify: public, no sign-in. The platform's public key, and a check of any checkpoint."""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from trainer.audit.checkpoints import (
    CheckpointInvalid,
    inspect_checkpoint,
    parse_document,
)
from trainer.audit.signing import signing_key
from trainer.core.access import public
from trainer.core.extensions import db, limiter
from trainer.exports.bundle import (
    BundleUnreadable,
    verify_manifest_only,
    verify_zip,
)

from . import verify_bp
from .forms import CheckpointForm, ExportUploadForm


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
        "verify/verify.html",
        key=signing_key(),
        form=form,
        findings=findings,
        export_form=ExportUploadForm(formdata=None),
    ), status


def _export_upload_cap() -> None:
    """Export bundles are larger than any other body: this route alone takes up to
    EXPORT_UPLOAD_MAX_BYTES (an upload over it is answered 413, read no further)."""
    if request.endpoint == "verify.verify_export":
        request.max_content_length = current_app.config.get(
            "EXPORT_UPLOAD_MAX_BYTES", 64 * 1024 * 1024
        )


# first of the app's before-request hooks: the CSRF check reads the body before any other
verify_bp.record_once(
    lambda state: state.app.before_request_funcs.setdefault(None, []).insert(
        0, _export_upload_cap
    )
)


@verify_bp.route("/export", methods=["POST"])
@public
@limiter.limit(_verify_limit)
def verify_export():
    """Check an uploaded export: read from the upload (which Werkzeug spools in memory or in
    a temporary file), never extracted to disk."""
    export_form = ExportUploadForm()
    result, problem, status = None, None, 200
    if export_form.validate_on_submit():
        key = signing_key()
        try:
            if export_form.bundle.data:
                result = verify_zip(export_form.bundle.data.stream, key)
            else:
                manifest = export_form.manifest.data.read(16 * 1024 * 1024 + 1)
                signature = export_form.signature.data.read(1025)
                result = verify_manifest_only(manifest, signature, key)
        except BundleUnreadable as error:
            problem, status = str(error), 422
        else:
            status = 200 if result.ok else 422
        finally:
            for upload in request.files.values():
                upload.close()
    else:
        status = 422
    return render_template(
        "verify/verify.html",
        key=signing_key(),
        form=CheckpointForm(formdata=None),
        findings=None,
        export_form=export_form,
        export_result=result,
        export_problem=problem,
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
