"""/reports: the director (and a reviewer within their grant) asks for a signed export of a
cohort, which is built in the background (see jobs.py and job_views.py); the list of past
exports comes from the jobs and from the audit log. The audit log's own export is built in the
request. A trainee downloads their own competency record (PDF) from /progress."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission
from trainer.core.extensions import db
from trainer.core.requests import DATABASE_INT_MAX
from trainer.program.models import Cohort, EvaluationPeriod

from . import bp
from .bundle import write_zip
from .forms import AuditExportForm, ExportForm, OwnRecordForm
from .job_views import build_after_response
from .jobs import is_stale, period_names, program_jobs, queue_export
from .services import build_audit_export, build_export, past_exports


def _form() -> ExportForm:
    form = ExportForm()
    cohorts = db.session.scalars(
        sa.select(Cohort)
        .where(Cohort.program_id == current_user.program_id)
        .order_by(Cohort.name)
    ).all()
    periods = db.session.scalars(
        sa.select(EvaluationPeriod)
        .where(EvaluationPeriod.program_id == current_user.program_id)
        .order_by(EvaluationPeriod.position)
    ).all()
    form.cohort.choices = [(c.id, c.name) for c in cohorts]
    form.periods.choices = [(p.id, p.name) for p in periods]
    return form


@bp.route("", methods=["GET", "POST"])
@require(Permission.REPORTS_EXPORT_CREATE)
def reports_page():
    form = _form()
    if form.validate_on_submit():
        if not 0 < form.cohort.data <= DATABASE_INT_MAX:
            abort(404)
        cohort = db.session.get(Cohort, form.cohort.data)
        if cohort is None or cohort.program_id != current_user.program_id:
            abort(404)
        try:
            job = queue_export(
                cohort,
                form.format.data,
                actor=current_user,
                period_ids=form.periods.data or (),
                paper=form.paper.data,
            )
        except LookupError:
            abort(404)
        if current_app.config["EXPORT_BUILD_IN_THREAD"]:
            build_after_response(job.id)
        return redirect(url_for("exports.job_page", job_id=job.id), 303)
    status = 422 if form.is_submitted() else 200
    return _page(form, AuditExportForm(formdata=None), status)


def _page(form: ExportForm, audit_form: AuditExportForm, status: int):
    program_id = current_user.program_id
    return render_template(
        "exports/reports.html",
        form=form,
        audit_form=audit_form,
        jobs=program_jobs(program_id),
        is_stale=is_stale,
        periods=period_names(program_id),
        exports=past_exports(program_id),
    ), status


def _zip_response(folder: Path, name: str):
    archive = io.BytesIO()
    write_zip(folder, archive)
    archive.seek(0)
    return send_file(
        archive, mimetype="application/zip", as_attachment=True, download_name=name
    )


@bp.route("/audit-log", methods=["POST"])
@require(Permission.REPORTS_EXPORT_CREATE)
def audit_log_export():
    audit_form = AuditExportForm()
    if not audit_form.validate_on_submit():
        return _page(_form(), audit_form, 422)
    since, until = audit_form.bounds(current_user.program.timezone)
    with tempfile.TemporaryDirectory(prefix="ebtr-audit-export-") as work:
        result = build_audit_export(
            current_user.program_id,
            Path(work) / "bundle",
            since=since,
            until=until,
            actor=current_user,
        )
        return _zip_response(
            result.folder, f"ebtr-audit-log-{result.manifest['export_id']}.zip"
        )


@bp.route("/my-record.pdf", methods=["POST"])
@require(Permission.REPORTS_OWN_RECORD_DOWNLOAD)
def own_record():
    form = OwnRecordForm()
    if not form.validate_on_submit():
        abort(400)
    cohort = current_user.cohort
    if cohort is None:
        abort(404)
    with tempfile.TemporaryDirectory(prefix="ebtr-record-") as work:
        result = build_export(
            cohort,
            "pdf",
            Path(work) / "bundle",
            actor=current_user,
            trainee_id=current_user.id,
        )
        pdf = next(n for n in result.files if n.startswith("record-"))
        data = (result.folder / pdf).read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"competency-record-{current_user.id}.pdf",
    )
