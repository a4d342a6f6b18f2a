"""The reviewer's audit page: a program's events, verification, the latest checkpoint."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from trainer.audit.checkpoints import document_json, latest_checkpoint
from trainer.audit.parallel import verify_chain
from trainer.audit.services import EventFilters, EventPage, program_events
from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.core.extensions import db
from trainer.core.requests import database_seq

from . import audit_bp
from .actions import action_label
from .forms import EventFilterForm, VerifyChainForm


@audit_bp.route("")
@require(Permission.AUDIT_EVENTS_READ)
def events():
    program = current_user.program
    form = EventFilterForm(formdata=request.args or None)
    status, filters = 200, EventFilters()
    if request.args:
        if form.validate():
            filters = form.filters(program.timezone)
        else:
            status = 400
    page = EventPage([], None)
    if status == 200:
        before = request.args.get("before", type=database_seq)
        size = current_app.config["AUDIT_PAGE_SIZE"]
        page = program_events(
            program.id,
            filters,
            before=before if before and before > 0 else None,
            size=size,
        )
    return render_template(
        "audit/events.html",
        program=program,
        form=form,
        page=page,
        shown={event.seq for event in page.events},
        # the filters, for the links to other pages
        filter_args={
            key: value
            for key, value in request.args.items()
            if key in ("actor", "action", "date_from", "date_to")
        },
        checkpoint=latest_checkpoint(),
        verify_form=VerifyChainForm(formdata=None),
        action_label=action_label,
    ), status


@audit_bp.route("/verify", methods=["POST"])
@require(Permission.AUDIT_CHAIN_VERIFY)
def verify_now():
    form = VerifyChainForm()
    if not form.validate_on_submit():
        abort(400)
    report = verify_chain(db.session.connection())
    flash(report.summary(), "success" if report.ok else "error")
    return redirect(url_for("audit.events"))


@audit_bp.route("/checkpoint.json")
@require(Permission.AUDIT_CHECKPOINT_READ)
def download_checkpoint():
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        abort(404)
    return Response(
        document_json(checkpoint),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="ebtr-checkpoint-{checkpoint.seq}.json"'
        },
    )
