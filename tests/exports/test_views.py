"""/reports, the trainee's own record and export verification on /verify, through HTTP."""

from __future__ import annotations

import io
import zipfile

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.exports.bundle import write_zip
from trainer.exports.jobs import run_job
from trainer.exports.services import build_export
from trainer.program.periods import create_evaluation_period
from trainer.program.services import create_cohort


def export_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.data))


class TestReportsPage:
    def test_director_sees_the_form_and_past_exports(
        self, cohort, auth, client, tmp_path
    ):
        build_export(cohort.cohort, "csv", tmp_path / "b", actor=cohort.director)
        auth.login(cohort.director)
        page = client.get("/reports")
        assert page.status_code == 200
        assert b"Past exports" in page.data
        assert cohort.director.email.encode() in page.data

    @pytest.mark.parametrize("fmt", ["csv", "json"])
    def test_director_downloads_a_signed_zip(self, cohort, auth, client, fmt):
        auth.login(cohort.director)
        response = client.post(
            "/reports", data={"cohort": cohort.cohort.id, "format": fmt, "paper": "a4"}
        )
        assert response.status_code == 303, response.data[:500]
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        run_job(job_id)
        response = client.get(f"/reports/jobs/{job_id}/download")
        response.get_data()
        response.close()  # a file on disk is sent: let go of it
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        names = set(export_zip(response).namelist())
        assert {"manifest.json", "manifest.sig", "public-key.pem"} <= names
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "export.created")
        )
        assert event.actor_id == cohort.director.id

    def test_reviewer_within_grant_may_export(self, cohort, reviewer, auth, client):
        auth.login(reviewer)
        assert client.get("/reports").status_code == 200
        response = client.post(
            "/reports",
            data={"cohort": cohort.cohort.id, "format": "csv", "paper": "a4"},
        )
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/reports/jobs/")

    def test_cohort_of_another_program_is_404(
        self, cohort, other_program, auth, client
    ):
        auth.login(cohort.director)
        foreign = other_program.cohorts[0]
        response = client.post(
            "/reports", data={"cohort": foreign.id, "format": "csv", "paper": "a4"}
        )
        assert response.status_code == 404

    def test_period_of_another_program_is_404(
        self, cohort, other_program, auth, client
    ):
        foreign = create_evaluation_period(other_program, "Theirs")
        auth.login(cohort.director)
        response = client.post(
            "/reports",
            data={
                "cohort": cohort.cohort.id,
                "periods": [foreign.id],
                "format": "csv",
                "paper": "a4",
            },
        )
        assert response.status_code == 404

    def test_unknown_format_rerenders_the_form(self, cohort, auth, client):
        auth.login(cohort.director)
        response = client.post(
            "/reports",
            data={"cohort": cohort.cohort.id, "format": "xls", "paper": "a4"},
        )
        assert response.status_code == 422


def test_trainee_downloads_their_own_competency_record(cohort, auth, client):
    auth.login(cohort.trainee)
    progress = client.get("/progress")
    assert b"Download my competency record" in progress.data
    response = client.post("/reports/my-record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "export.created")
    )
    assert event.payload["filters"]["trainee"] == cohort.trainee.id


class TestVerifyUpload:
    @pytest.fixture
    def bundle(self, cohort, tmp_path) -> bytes:
        build_export(cohort.cohort, "csv", tmp_path / "b", actor=cohort.director)
        buffer = io.BytesIO()
        write_zip(tmp_path / "b", buffer)
        return buffer.getvalue()

    def upload(self, client, data: bytes, name: str = "export.zip"):
        return client.post(
            "/verify/export",
            data={"bundle": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    def test_a_valid_zip_is_verified(self, client, bundle):
        response = self.upload(client, bundle)
        assert response.status_code == 200
        assert b"Verified." in response.data
        assert b"this server&#39;s key" in response.data

    def test_an_altered_file_is_named(self, client, bundle):
        source = zipfile.ZipFile(io.BytesIO(bundle))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "knowledge.csv":
                    data = (
                        data.replace(b"yes", b"yeS", 1)
                        if b"yes" in data
                        else data + b"x"
                    )
                if info.filename != "practice.csv":
                    out.writestr(info.filename, data)
            out.writestr("extra.txt", b"hello")
        response = self.upload(client, buffer.getvalue())
        assert response.status_code == 422
        assert b"knowledge.csv is altered" in response.data
        assert b"practice.csv is missing" in response.data
        assert b"extra.txt is extra" in response.data

    def test_manifest_and_signature_alone(self, client, bundle):
        source = zipfile.ZipFile(io.BytesIO(bundle))
        response = client.post(
            "/verify/export",
            data={
                "manifest": (io.BytesIO(source.read("manifest.json")), "manifest.json"),
                "signature": (io.BytesIO(source.read("manifest.sig")), "manifest.sig"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 200
        assert b"were not uploaded" in response.data

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"plain text", b"This is not a zip file."),
            (None, b"unsafe path"),
            (None, b"not valid JSON"),
        ],
    )
    def test_bad_uploads_get_a_clear_answer(self, client, data, message):
        if data is None:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                if message == b"unsafe path":
                    archive.writestr("../x", b"1")
                archive.writestr("manifest.json", b"{oops")
            data = buffer.getvalue()
        response = self.upload(client, data)
        assert response.status_code == 422
        assert message in response.data

    def test_a_zip_bomb_is_refused(self, client):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", b"{}")
            archive.writestr("bomb.bin", b"\0" * (50 * 1024 * 1024))
        response = self.upload(client, buffer.getvalue())
        assert response.status_code == 422
        assert b"zip bomb" in response.data

    def test_a_huge_upload_is_refused_unread(self, client, app):
        app.config["EXPORT_UPLOAD_MAX_BYTES"] = 1024
        try:
            response = self.upload(client, b"\0" * 4096)
        finally:
            app.config["EXPORT_UPLOAD_MAX_BYTES"] = 64 * 1024 * 1024
        assert response.status_code == 413

    def test_a_bundle_over_the_general_body_cap_is_read(self, client, bundle):
        padded = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(bundle)) as source,
            zipfile.ZipFile(padded, "w") as out,
        ):
            for info in source.infolist():
                out.writestr(info.filename, source.read(info))
            out.writestr("padding.bin", bytes(range(256)) * 4096)  # 1 MiB, stored
        # encoded in memory: the test client would spool a body this large to a file
        boundary, body = encode_multipart(
            {
                "csrf_token": client.csrf_token(),
                "bundle": FileStorage(io.BytesIO(padded.getvalue()), "export.zip"),
            }
        )
        response = client.post(
            "/verify/export",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 422
        assert b"padding.bin is extra" in response.data

    def test_nothing_chosen_rerenders_the_form(self, client):
        response = client.post(
            "/verify/export", data={}, content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert b"Choose the export" in response.data


def test_cohorts_listed_are_the_programs_own(cohort, other_program, auth, client):
    create_cohort(cohort.program, "Cohort B")
    auth.login(cohort.director)
    page = client.get("/reports").data
    assert b"Cohort B" in page
    assert b"Cohort Z" not in page


def test_reviewer_exports_the_audit_log_for_a_date_range_signed(
    cohort, reviewer, auth, client, tmp_path
):
    from trainer.audit.signing import signing_key
    from trainer.exports.bundle import verify_zip

    auth.login(reviewer)
    response = client.post(
        "/reports/audit-log", data={"date_from": "2000-01-01", "date_to": "9000-01-01"}
    )
    assert response.status_code == 200
    archive = export_zip(response)
    rows = archive.read("audit_events.csv").decode().splitlines()
    assert rows[0].startswith("seq,created_at")
    assert any("supervision.signed" in row for row in rows)
    assert verify_zip(io.BytesIO(response.data), signing_key()).ok
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "export.audit_log")
    )
    assert event.actor_id == reviewer.id


def test_audit_log_export_refuses_a_reversed_range(cohort, auth, client):
    auth.login(cohort.director)
    response = client.post(
        "/reports/audit-log", data={"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 422
    assert b"before the start date" in response.data


@pytest.mark.parametrize("cohort_id", ["99999999999999999999", "-1", "0", "abc"])
def test_odd_cohort_ids_are_404_or_the_form_again(cohort, auth, client, cohort_id):
    auth.login(cohort.director)
    response = client.post(
        "/reports", data={"cohort": cohort_id, "format": "csv", "paper": "a4"}
    )
    assert response.status_code in (404, 422)
