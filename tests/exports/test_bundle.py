"""The signed bundle: the command line exports and verifies it, and the offline commands
documented in docs/reports.md (real openssl and sha256sum) accept it and catch one changed byte."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.exports.bundle import BundleUnreadable, verify_path, verify_zip, write_zip
from trainer.exports.services import build_export

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"


def offline_commands() -> list[str]:
    """The commands between the markers in docs/reports.md, exactly as documented."""
    text = DOCS.read_text()
    block = text.split("<!-- offline-verification -->")[1]
    return [
        line.strip()
        for line in block.splitlines()
        if line.startswith("    ") and line.strip() and not line.strip().startswith("#")
    ]


def run_offline(folder: Path) -> subprocess.CompletedProcess:
    script = "set -e\n" + "\n".join(offline_commands())
    return subprocess.run(
        ["bash", "-c", script], cwd=folder, capture_output=True, text=True, check=False
    )


@pytest.fixture
def exported(cohort, tmp_path) -> Path:
    folder = tmp_path / "bundle"
    build_export(cohort.cohort, "csv", folder, actor=cohort.director)
    return folder


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_documented_offline_commands_accept_a_real_export(exported):
    result = run_offline(exported)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
    assert re.search(r"competencies\.csv: OK", result.stdout)


def test_documented_offline_commands_catch_one_changed_byte_in_a_file(exported):
    flip_one_byte(exported / "competencies.csv")
    result = run_offline(exported)
    assert result.returncode != 0
    assert "competencies.csv: FAILED" in result.stdout


def test_documented_offline_commands_catch_one_changed_byte_in_the_manifest(exported):
    flip_one_byte(exported / "manifest.json")
    result = run_offline(exported)
    assert result.returncode != 0
    assert "Signature Verification Failure" in result.stdout + result.stderr


def test_verify_names_altered_missing_and_extra_files(exported, app):
    from trainer.audit.signing import signing_key

    assert verify_path(exported, signing_key()).ok
    flip_one_byte(exported / "knowledge.csv")
    (exported / "practice.csv").unlink()
    (exported / "notes.txt").write_text("added")
    findings = verify_path(exported, signing_key())
    assert findings.altered == ["knowledge.csv"]
    assert findings.missing == ["practice.csv"]
    assert findings.extra == ["notes.txt"]
    assert findings.signature_valid


def test_export_is_an_audit_event_with_the_manifest_hash(cohort, tmp_path):
    result = build_export(cohort.cohort, "json", tmp_path / "b", actor=cohort.director)
    event = db.session.scalar(
        db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
    )
    assert event.action == "export.created"
    assert event.actor_id == cohort.director.id
    assert event.payload["manifest_sha256"] == result.manifest_sha256
    assert (
        event.payload["checkpoint_seq"]
        == result.manifest["checkpoint"]["checkpoint"]["seq"]
    )


def test_cli_exports_and_verifies_a_zip_and_names_each_problem(
    cohort, runner, tmp_path
):
    out = tmp_path / "cli"
    result = runner.invoke(
        args=[
            "export",
            "--cohort",
            str(cohort.cohort.id),
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    ok = runner.invoke(args=["export", "verify", str(out)])
    assert ok.exit_code == 0, ok.output
    archive = tmp_path / "b.zip"
    with archive.open("wb") as handle:
        write_zip(out, handle)
    assert runner.invoke(args=["export", "verify", str(archive)]).exit_code == 0
    flip_one_byte(out / "modules.csv")
    (out / "shortfalls.csv").unlink()
    bad = runner.invoke(args=["export", "verify", str(out)])
    assert bad.exit_code == 1
    assert "modules.csv is altered" in bad.output
    assert "shortfalls.csv is missing" in bad.output


def test_cli_refuses_a_period_of_another_program(
    cohort, other_program, runner, tmp_path
):
    from trainer.program.periods import create_evaluation_period

    foreign = create_evaluation_period(other_program, "Theirs")
    result = runner.invoke(
        args=[
            "export",
            "--cohort",
            str(cohort.cohort.id),
            "--out",
            str(tmp_path / "x"),
            "--period",
            str(foreign.id),
        ]
    )
    assert result.exit_code == 2
    assert "No evaluation period" in result.output


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (io.BytesIO(b"not a zip at all"), "not a zip"),
        (_zip({"../x": b"1", "manifest.json": b"{}"}), "unsafe path"),
        (_zip({"manifest.json": b"{not json"}), "not valid JSON"),
        (_zip({"readme.txt": b"hello"}), "no manifest.json"),
        (
            _zip(
                {"manifest.json": b"{}", "bomb": b"\0" * (20 * 1024 * 1024)},
                zipfile.ZIP_DEFLATED,
            ),
            "zip bomb",
        ),
    ],
)
def test_bad_bundles_get_a_clear_answer(upload, message):
    with pytest.raises(BundleUnreadable, match=message):
        verify_zip(upload)


def test_the_documented_commands_leave_the_bundle_as_it_was(exported, runner):
    before = sorted(p.name for p in exported.iterdir())
    assert run_offline(exported).returncode == 0
    assert sorted(p.name for p in exported.iterdir()) == before
    assert runner.invoke(args=["export", "verify", str(exported)]).exit_code == 0
