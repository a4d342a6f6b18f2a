"""Export jobs: /reports queues an export, its page shows the progress and then the download,
a failure reads in words and can be retried, a job stopped with its process is stale and can be
restarted, `export run-queued` builds the queue and deletes old bundles; access for every role.

The suite's config leaves jobs queued (EXPORT_BUILD_IN_THREAD off): each test builds them with
run_job in its one rolled-back transaction. The thread itself is proven on a database of its
own in test_a_job_is_built_in_a_thread_with_live_progress."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.pagetools import check_page, page_text
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.exports import jobs
from trainer.exports.bundle import verify_zip
from trainer.exports.jobs import delete_old_files, queue_export, run_job
from trainer.exports.models import ExportJob, JobState


def actions(job_id: int) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.subject == f"export-job:{job_id}")
            .order_by(AuditEvent.seq)
        )
    )


def ask(client, cohort, fmt="csv", **extra) -> int:
    response = client.post(
        "/reports",
        data={"cohort": cohort.cohort.id, "format": fmt, "paper": "a4", **extra},
    )
    assert response.status_code == 303, response.data[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def download(client, job_id: int):
    response = client.get(f"/reports/jobs/{job_id}/download")
    response.get_data()
    response.close()  # a file on disk is sent: let go of it
    return response


@pytest.fixture
def job(cohort) -> ExportJob:
    return queue_export(cohort.cohort, "csv", actor=cohort.director)


class TestTheJourney:
    def test_asking_queues_a_job_and_its_page_shows_a_progress_bar(
        self, cohort, auth, client
    ):
        auth.login(cohort.director)
        job_id = ask(client, cohort, periods=[cohort.mid_year.id])
        job = db.session.get(ExportJob, job_id)
        assert (job.state, job.total, job.done) == (JobState.QUEUED, 2, 0)
        assert job.period_ids == [cohort.mid_year.id]
        assert actions(job_id) == ["export.job_queued"]
        page = client.get(f"/reports/jobs/{job_id}")
        assert page.status_code == 200
        tree = check_page(page.text)
        progress = tree.find_all("progress")
        assert len(progress) == 1
        assert progress[0].attrs["max"] == "2"
        assert "value" not in progress[0].attrs  # waiting: an indeterminate bar
        assert "Mid-year" in page.text
        # no scripts: a link refreshes; with scripts, the external file polls the status
        assert f'href="/reports/jobs/{job_id}" id="job-refresh"' in page.text
        assert "/static/js/export-progress.js" in page.text
        assert "http-equiv" not in page.text
        status = client.get(f"/reports/jobs/{job_id}/status").get_json()
        assert status == {
            "id": job_id,
            "state": "queued",
            "stale": False,
            "done": 0,
            "total": 2,
            "finished": False,
            "words": "Waiting to start.",
        }

    def test_a_running_job_shows_trainees_done_of_total(
        self, cohort, job, auth, client
    ):
        jobs.claim(job.id)
        db.session.execute(
            db.update(ExportJob).where(ExportJob.id == job.id).values(done=1)
        )
        auth.login(cohort.director)
        page = client.get(f"/reports/jobs/{job.id}")
        progress = check_page(page.text).find_all("progress")[0]
        assert (progress.attrs["value"], progress.attrs["max"]) == ("1", "2")
        assert "1 of 2 trainees written." in page_text(page.text)
        status = client.get(f"/reports/jobs/{job.id}/status").get_json()
        assert (status["state"], status["done"], status["total"]) == ("running", 1, 2)

    @pytest.mark.parametrize("fmt", ["csv", "pdf"])
    def test_a_built_job_is_downloaded_and_verifies(
        self, cohort, auth, client, app, fmt
    ):
        auth.login(cohort.director)
        job_id = ask(client, cohort, fmt)
        job = run_job(job_id)
        assert job.state == JobState.DONE, job.error
        assert (job.done, job.total, job.attempts) == (2, 2, 1)
        assert actions(job_id) == [
            "export.job_queued",
            "export.job_started",
            "export.job_done",
        ]
        created = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "export.created")
        )
        assert created.payload["manifest_sha256"] == job.manifest_sha256
        page = client.get(f"/reports/jobs/{job_id}")
        assert job.manifest_sha256 in page.text
        assert "Download the signed bundle" in page.text
        assert not check_page(page.text).find_all("progress")
        response = download(client, job_id)
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        assert job.file_name in response.headers["Content-Disposition"]
        findings = verify_zip(io.BytesIO(response.data))
        assert findings.ok, findings.problems
        # nothing half-built is left beside the bundles
        folder = Path(app.config["EXPORT_FOLDER"])
        assert not list(folder.glob(".job-*"))
        # the list of past exports: who, when, what, the hash, a download link
        listing = client.get("/reports").text
        assert f"/reports/jobs/{job_id}/download" in listing
        assert cohort.director.email in listing
        assert job.manifest_sha256 in listing

    def test_the_status_of_a_finished_job(self, cohort, job, auth, client):
        run_job(job.id)
        auth.login(cohort.director)
        status = client.get(f"/reports/jobs/{job.id}/status").get_json()
        assert (status["state"], status["finished"], status["done"]) == (
            "done",
            True,
            2,
        )

    def test_a_job_runs_once(self, cohort, job):
        assert run_job(job.id).state == JobState.DONE
        assert run_job(job.id) is None  # no longer queued: another runner had it
        assert jobs.claim(job.id) is None


class TestFailures:
    def test_a_failed_build_reads_in_words_and_is_retried(
        self, cohort, job, auth, client, monkeypatch
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("pango exploded")

        monkeypatch.setattr(jobs, "build_export", broken)
        failed = run_job(job.id)
        assert failed.state == JobState.FAILED
        assert "unexpected error (RuntimeError)" in failed.error
        assert "pango" not in failed.error  # the details go to the log, not the page
        auth.login(cohort.director)
        page = client.get(f"/reports/jobs/{job.id}")
        assert page.status_code == 200
        assert "The build failed." in page.text
        assert "unexpected error (RuntimeError)" in page.text
        assert client.get(f"/reports/jobs/{job.id}/download").status_code == 302
        monkeypatch.undo()
        response = client.post(f"/reports/jobs/{job.id}/retry")
        assert response.status_code == 303
        job = db.session.get(ExportJob, job.id, populate_existing=True)
        assert (job.state, job.error) == (JobState.QUEUED, None)
        assert run_job(job.id).state == JobState.DONE
        assert actions(job.id) == [
            "export.job_queued",
            "export.job_started",
            "export.job_failed",
            "export.job_retried",
            "export.job_started",
            "export.job_done",
        ]
        assert db.session.get(ExportJob, job.id).attempts == 2

    def test_a_full_disk_is_said_in_words(self, job, monkeypatch):
        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(jobs, "write_zip", full)
        failed = run_job(job.id)
        assert failed.state == JobState.FAILED
        assert (
            "could not be written to the export folder (No space left on device)"
            in (failed.error)
        )

    def test_a_job_stopped_with_its_process_is_stale_and_restarted(
        self, cohort, job, auth, client, app
    ):
        jobs.claim(job.id)
        long_ago = utcnow() - timedelta(seconds=app.config["EXPORT_STALE_SECONDS"] + 1)
        db.session.execute(
            db.update(ExportJob)
            .where(ExportJob.id == job.id)
            .values(heartbeat_at=long_ago, done=1)
        )
        auth.login(cohort.director)
        page = client.get(f"/reports/jobs/{job.id}")
        assert "State: stopped" in page_text(page.text)
        assert "Build it again" in page.text
        assert "stopped" in client.get("/reports").text
        status = client.get(f"/reports/jobs/{job.id}/status").get_json()
        assert (status["stale"], status["finished"]) == (True, True)
        assert client.post(f"/reports/jobs/{job.id}/retry").status_code == 303
        assert run_job(job.id).state == JobState.DONE
        assert "export.job_retried" in actions(job.id)

    def test_a_live_job_or_a_done_one_is_not_retried(self, cohort, job, auth, client):
        jobs.claim(job.id)
        auth.login(cohort.director)
        response = client.post(f"/reports/jobs/{job.id}/retry", follow_redirects=True)
        assert "there is nothing to retry" in response.text
        assert db.session.get(ExportJob, job.id).state == JobState.RUNNING
        assert "export.job_retried" not in actions(job.id)

    def test_retry_without_the_form_token_is_refused(self, cohort, job, auth, client):
        run_job(job.id)
        auth.login(cohort.director)
        assert (
            client.post(f"/reports/jobs/{job.id}/retry", csrf=False).status_code == 400
        )


class TestRunQueuedAndRetention:
    def test_the_command_builds_the_queue(self, cohort, job, runner):
        second = queue_export(cohort.cohort, "json", actor=cohort.director)
        result = runner.invoke(args=["export", "run-queued"])
        assert result.exit_code == 0, result.output
        assert "2 queued export(s) built, 0 failed" in result.output
        for queued in (job, second):
            assert db.session.get(ExportJob, queued.id).state == JobState.DONE

    def test_the_command_exits_1_when_a_build_failed(self, job, runner, monkeypatch):
        monkeypatch.setattr(jobs, "build_export", lambda *a, **k: 1 / 0)
        result = runner.invoke(args=["export", "run-queued"])
        assert result.exit_code == 1
        assert f"Export job {job.id}: failed" in result.output

    def test_old_bundles_are_deleted_and_the_page_says_so(
        self, cohort, job, auth, client, app
    ):
        done = run_job(job.id)
        path = Path(app.config["EXPORT_FOLDER"]) / done.file_name
        assert path.is_file()
        assert delete_old_files(90) == 0
        assert delete_old_files(90, now=utcnow() + timedelta(days=91)) == 1
        assert not path.exists()
        assert actions(job.id)[-1] == "export.job_file_deleted"
        auth.login(cohort.director)
        page = client.get(f"/reports/jobs/{job.id}")
        assert "deleted" in page.text
        assert "after the retention period" in page.text
        response = client.get(f"/reports/jobs/{job.id}/download", follow_redirects=True)
        assert "not available" in response.text


class TestAccess:
    ROUTES = ("", "/status", "/download")

    def test_the_reviewer_sees_and_downloads_the_directors_export(
        self, cohort, job, reviewer, auth, client
    ):
        run_job(job.id)
        auth.login(reviewer)
        assert client.get(f"/reports/jobs/{job.id}").status_code == 200
        assert client.get(f"/reports/jobs/{job.id}/status").status_code == 200
        assert download(client, job.id).status_code == 200
        assert f"/reports/jobs/{job.id}" in client.get("/reports").text

    @pytest.mark.parametrize("role", ["trainee", "supervisor", "admin"])
    def test_other_roles_get_403(self, job, role, make_user, auth, client):
        auth.login(make_user(role))
        for suffix in self.ROUTES:
            assert client.get(f"/reports/jobs/{job.id}{suffix}").status_code == 403
        assert client.post(f"/reports/jobs/{job.id}/retry").status_code == 403

    def test_an_expired_reviewer_gets_403(self, job, make_user, auth, client):
        reviewer = make_user("reviewer")
        auth.login(reviewer)
        reviewer.access_expires_at = utcnow() - timedelta(days=1)
        db.session.flush()
        for suffix in self.ROUTES:
            assert client.get(f"/reports/jobs/{job.id}{suffix}").status_code == 403

    @pytest.mark.parametrize("role", ["director", "reviewer"])
    def test_another_programs_job_is_404(
        self, job, other_program, role, make_user, auth, client
    ):
        auth.login(make_user(role, program_=other_program))
        for suffix in self.ROUTES:
            assert client.get(f"/reports/jobs/{job.id}{suffix}").status_code == 404
        assert client.post(f"/reports/jobs/{job.id}/retry").status_code == 404
        assert client.get("/reports/jobs/99999999").status_code == 404
        assert f"/reports/jobs/{job.id}" not in client.get("/reports").text

    def test_anonymous_users_sign_in_or_get_401(self, job, client):
        response = client.get(f"/reports/jobs/{job.id}")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        status = client.get(
            f"/reports/jobs/{job.id}/status", headers={"Accept": "application/json"}
        )
        assert status.status_code == 401


def test_the_reports_page_runs_a_fixed_number_of_queries(
    cohort, auth, client, count_queries
):
    auth.login(cohort.director)
    queue_export(cohort.cohort, "csv", actor=cohort.director)
    with count_queries() as few:
        assert client.get("/reports").status_code == 200
    for fmt in ("json", "pdf", "csv", "json"):
        run_job(queue_export(cohort.cohort, fmt, actor=cohort.director).id)
    with count_queries() as many:
        assert client.get("/reports").status_code == 200
    assert len(many) == len(few)


# --- the thread, on a database of its own (real commits) -------------------------------------


@pytest.fixture
def own_app(tmp_path, monkeypatch):
    """An app on a database of its own, with Flask-SQLAlchemy's real session (the suite's
    rolled-back one is set aside for this test), so that the thread sees what was committed."""
    from tests import dbutil
    from tests.conftest import TEST_CONFIG, CSRFClient
    from trainer import create_app

    url = dbutil.create_database(tmp_path, "exportjobs")
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": url,
            "EXPORT_BUILD_IN_THREAD": True,
            "EXPORT_LIVE_PROGRESS": True,
            "EXPORT_FOLDER": str(tmp_path / "exports"),
        }
    )
    app.test_client_class = CSRFClient
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    dbutil.migrate(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    dbutil.drop_database(url)


@pytest.mark.slow
def test_a_job_is_built_in_a_thread_with_live_progress(own_app, monkeypatch):
    """POST /reports answers at once; a thread of the process builds the export, writing its
    progress in transactions of its own while the build reads, and the job page sees it."""
    from tests.conftest import AuthActions
    from tests.factories.second_factor import enrol
    from trainer.auth.permissions import Role
    from trainer.auth.services import create_user
    from trainer.program.services import create_cohort, create_program

    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0.0)
    seen: list[int] = []
    original = jobs._progress_writer

    def slow_writer(job_id, attempt):
        write = original(job_id, attempt)

        def recorded(done):
            write(done)
            seen.append(done)
            time.sleep(0.05)

        return recorded

    monkeypatch.setattr(jobs, "_progress_writer", slow_writer)
    with own_app.app_context():
        program = create_program("Threaded Program")
        cohort = create_cohort(program, "Cohort T")
        director = create_user(
            email="dt@example.org",
            name="Dee Threaded",
            password="correct-horse-battery",
            role=Role.DIRECTOR,
            program_id=program.id,
        )
        enrol(director)
        for n in range(5):
            create_user(
                email=f"t{n}@example.org",
                name=f"Trainee {n}",
                password="correct-horse-battery",
                role=Role.TRAINEE,
                program_id=program.id,
                cohort_id=cohort.id,
            )
        db.session.commit()
        cohort_id, director_id = cohort.id, director.id
        db.session.remove()
    client = own_app.test_client()
    with own_app.app_context():
        from trainer.auth.models import User

        AuthActions(client).login(db.session.get(User, director_id))
        db.session.commit()
    response = client.post(
        "/reports", data={"cohort": cohort_id, "format": "csv", "paper": "a4"}
    )
    assert response.status_code == 303
    response.close()  # as a server does once it is sent: the build starts now
    status_url = response.headers["Location"] + "/status"
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = json.loads(client.get(status_url).data)
        if status["finished"]:
            break
        time.sleep(0.1)
    assert status["state"] == "done", status
    assert (status["done"], status["total"]) == (5, 5)
    assert seen == [1, 2, 3, 4, 5]
    download_url = response.headers["Location"] + "/download"
    bundle = client.get(download_url)
    data = bundle.get_data()
    bundle.close()
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
