"""An export job's page (/reports/jobs/<id>): its progress while the build runs (a <progress>
element, refreshed by static/js/export-progress.js from the JSON status, or by the refresh
link without scripts), its download once done, its error in words and a retry once failed or
stopped. The program's director and a reviewer within their grant; another program's job is a
404."""

from __future__ import annotations

from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.permissions import Permission

from . import bp
from .forms import RetryForm
from .jobs import (
    bundle_path,
    is_stale,
    job_of_program,
    period_names,
    retry,
    start_in_thread,
)
from .models import ExportJob, JobState


def build_after_response(job_id: int) -> None:
    """Start the build once the response is sent, so after the request has committed the job
    (the thread reads it with its own session)."""
    app = current_app._get_current_object()

    @after_this_request
    def _start(response):
        if response.status_code < 400:
            response.call_on_close(lambda: start_in_thread(app, job_id))
        return response


def _job(job_id: int) -> ExportJob:
    job = job_of_program(job_id, current_user.program_id)
    if job is None:
        abort(404)
    return job


def status_of(job: ExportJob) -> dict:
    stale = is_stale(job)
    if job.state == JobState.QUEUED:
        words = "Waiting to start."
    elif stale:
        words = "Stopped: the build has not moved for a while (its process ended)."
    elif job.state == JobState.RUNNING:
        words = f"{job.done} of {job.total} trainees written."
    elif job.state == JobState.DONE:
        words = "Done: the signed bundle is ready."
    else:
        words = "Failed."
    return {
        "id": job.id,
        "state": job.state.value,
        "stale": stale,
        "done": job.done,
        "total": job.total,
        "finished": job.state in (JobState.DONE, JobState.FAILED) or stale,
        "words": words,
    }


@bp.route("/jobs/<int:job_id>")
@require(Permission.REPORTS_EXPORT_CREATE)
def job_page(job_id: int):
    job = _job(job_id)
    return render_template(
        "exports/job.html",
        job=job,
        status=status_of(job),
        periods=period_names(job.program_id),
        file_ready=bundle_path(job) is not None,
        retry_form=RetryForm(formdata=None),
    )


@bp.route("/jobs/<int:job_id>/status")
@require(Permission.REPORTS_EXPORT_CREATE)
def job_status(job_id: int):
    return jsonify(status_of(_job(job_id)))


@bp.route("/jobs/<int:job_id>/download")
@require(Permission.REPORTS_EXPORT_CREATE)
def job_download(job_id: int):
    job = _job(job_id)
    path = bundle_path(job)
    if path is None:
        flash(
            "This export's bundle is not available: it is not built yet, or it was deleted "
            "after the retention period (build it again).",
            "warning",
        )
        return redirect(url_for("exports.job_page", job_id=job.id))
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=job.file_name,
    )


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@require(Permission.REPORTS_EXPORT_CREATE)
def job_retry(job_id: int):
    job = _job(job_id)
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    if retry(job, current_user):
        flash("The export is queued again.", "success")
        if current_app.config["EXPORT_BUILD_IN_THREAD"]:
            build_after_response(job.id)
    else:
        flash(
            "This export is not failed or stopped: there is nothing to retry.", "info"
        )
    return redirect(url_for("exports.job_page", job_id=job.id), 303)
