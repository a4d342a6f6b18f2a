"""Signed checkpoints: `audit checkpoint`, `audit verify --since`, bad checkpoint files, and the
offline check with the real openssl binary, step by step as docs/audit.md tells reviewers."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.audit.conftest import new_key_pem
from trainer.audit.chain import canonical_json, event_hash
from trainer.audit.checkpoints import CHECKPOINT_TYPE
from trainer.audit.models import AuditEvent, Checkpoint
from trainer.core.extensions import db

pytestmark = pytest.mark.slow


@pytest.fixture
def signed(scratch, tmp_path):
    """Five events, then a checkpoint of them written to cp.json."""
    scratch.append(5)
    path = tmp_path / "cp.json"
    result = scratch.invoke("audit", "checkpoint", "--out", str(path))
    assert result.exit_code == 0, result.output
    return path


def _document(path: Path) -> dict:
    return json.loads(path.read_text())


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def _sign(document_body: dict, pem: str) -> dict:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    signature = load_pem_private_key(pem.encode(), None).sign(
        canonical_json(document_body)
    )
    return {
        "checkpoint": document_body,
        "signature": base64.b64encode(signature).decode(),
    }


class TestTakingACheckpoint:
    def test_it_signs_and_stores_the_head(self, scratch, signed):
        head = scratch.event(5)
        body = _document(signed)["checkpoint"]
        assert body["type"] == CHECKPOINT_TYPE
        assert (body["seq"], body["hash"]) == (5, head.hash)
        stored = db.session.scalars(sa.select(Checkpoint)).one()
        assert (stored.seq, stored.head_hash, stored.reason) == (5, head.hash, "manual")

    def test_it_records_an_audit_event(self, scratch, signed):
        event = db.session.get(AuditEvent, 6)
        assert event.action == "audit.checkpoint_signed"
        assert event.payload["seq"] == 5

    def test_the_scheduled_checkpoint_names_its_reason(self, scratch):
        scratch.append(2)
        assert (
            scratch.invoke("audit", "checkpoint", "--reason", "schedule").exit_code == 0
        )
        assert db.session.scalars(sa.select(Checkpoint.reason)).one() == "schedule"

    def test_an_empty_log_has_nothing_to_sign(self, scratch):
        result = scratch.invoke("audit", "checkpoint")
        assert result.exit_code == 1
        assert (
            result.stderr.strip()
            == "The audit log is empty: there is no head to sign yet."
        )
        assert db.session.scalars(sa.select(Checkpoint)).all() == []

    def test_a_broken_signing_key_setting_is_a_message(self, scratch, monkeypatch):
        scratch.append(1)
        monkeypatch.setitem(scratch.app.config, "SIGNING_KEY_PEM", "not a key")
        result = scratch.invoke("audit", "checkpoint")
        assert result.exit_code == 1
        assert "is not an unencrypted PEM private key" in result.stderr
        assert "Traceback" not in result.output


class TestRefusingToSign:
    """The platform never signs a head that does not extend its previous checkpoint."""

    def test_a_chain_broken_since_the_last_checkpoint_is_not_signed(
        self, scratch, signed
    ):
        scratch.append(3, start=5)
        scratch.tamper("UPDATE audit_events SET subject = 'changed' WHERE seq = 8")
        result = scratch.invoke("audit", "checkpoint")
        assert result.exit_code == 1
        assert (
            "Not signing: the log does not verify since checkpoint 1: event 8 ("
            in result.stderr
        )
        assert len(db.session.scalars(sa.select(Checkpoint)).all()) == 1

    def test_a_log_rewritten_before_the_last_checkpoint_is_not_signed(
        self, scratch, signed
    ):
        scratch.tamper(
            "UPDATE audit_events SET actor = 'mallory@example.org' WHERE seq = 2"
        )
        _rehash_everything(scratch)
        result = scratch.invoke("audit", "checkpoint")
        assert result.exit_code == 1
        assert (
            "Not signing: event 5 no longer has the hash that checkpoint 1 signed"
            in result.stderr
        )

    def test_the_first_checkpoint_checks_the_whole_chain(self, scratch):
        scratch.append(4)
        scratch.tamper("DELETE FROM audit_events WHERE seq = 2")
        result = scratch.invoke("audit", "checkpoint")
        assert result.exit_code == 1
        assert (
            "Not signing: the log does not verify from its first event: event 3 ("
            in result.stderr
        )
        assert "event 2 is missing" in result.stderr

    def test_a_later_checkpoint_extends_the_earlier_one(self, scratch, signed):
        scratch.append(3, start=5)
        assert scratch.invoke("audit", "checkpoint").exit_code == 0
        assert [
            c.seq
            for c in db.session.scalars(sa.select(Checkpoint).order_by(Checkpoint.id))
        ] == [5, 9]


class TestVerifySince:
    def test_a_kept_checkpoint_is_a_prefix_of_the_longer_log(self, scratch, signed):
        scratch.append(10, start=5)
        result = scratch.invoke("audit", "verify", "--since", str(signed))
        assert result.exit_code == 0, result.output
        assert "Audit chain verified: 16 events" in result.stdout
        assert "so the log it signed is a prefix of today's log" in result.stdout

    def test_a_forged_checkpoint_fails(self, scratch, signed, tmp_path):
        document = _document(signed)
        document["checkpoint"]["hash"] = "0" * 64
        result = scratch.invoke(
            "audit",
            "verify",
            "--since",
            str(_write(tmp_path / "forged.json", document)),
        )
        assert result.exit_code == 1
        assert "Checkpoint NOT verified" in result.stderr
        assert "the checkpoint was altered or forged" in result.stderr

    def test_a_checkpoint_signed_by_another_key_fails(self, scratch, signed, tmp_path):
        body = _document(signed)["checkpoint"]
        other = _sign({**body, "key_fingerprint": "a" * 64}, new_key_pem())
        result = scratch.invoke(
            "audit", "verify", "--since", str(_write(tmp_path / "other.json", other))
        )
        assert result.exit_code == 1
        assert "it was signed by another key" in result.stderr

    def test_a_forged_signature_under_the_platform_fingerprint_fails(
        self, scratch, signed, tmp_path
    ):
        body = _document(signed)["checkpoint"]
        forged = _sign(body, new_key_pem())
        result = scratch.invoke(
            "audit", "verify", "--since", str(_write(tmp_path / "forged.json", forged))
        )
        assert result.exit_code == 1
        assert "altered or forged" in result.stderr

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (lambda text: text[: len(text) // 2], "is not valid JSON"),
            (lambda text: "", "The checkpoint is empty."),
            (lambda text: "[1, 2]", 'has no "checkpoint" object'),
            (
                lambda text: text.replace('"seq"', '"sequence"'),
                "missing seq; unexpected sequence",
            ),
            (
                lambda text: text.replace('"signature": "', '"signature": "!!'),
                "signature is not base64",
            ),
            (
                lambda text: text.replace(CHECKPOINT_TYPE, "something/else"),
                "type is 'something/else'",
            ),
        ],
        ids=[
            "truncated",
            "empty",
            "not-an-object",
            "wrong-field",
            "bad-signature",
            "wrong-type",
        ],
    )
    def test_a_malformed_file_is_unusable_input(
        self, scratch, signed, tmp_path, content, message
    ):
        path = tmp_path / "bad.json"
        path.write_text(content(signed.read_text()))
        result = scratch.invoke("audit", "verify", "--since", str(path))
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert "Traceback" not in result.output

    def test_a_missing_file_is_a_usage_error(self, scratch, tmp_path):
        result = scratch.invoke(
            "audit", "verify", "--since", str(tmp_path / "nowhere.json")
        )
        assert result.exit_code == 2
        assert "No such file" in result.output

    def test_an_empty_database_cannot_contain_the_checkpoint(
        self, scratch, signing_pem, tmp_path
    ):
        from trainer.audit.signing import signing_key

        body = {
            "type": CHECKPOINT_TYPE,
            "seq": 3,
            "hash": "b" * 64,
            "time": "2026-11-25T16:00:00.000000Z",
            "key_fingerprint": signing_key().fingerprint,
        }
        path = _write(tmp_path / "cp.json", _sign(body, signing_pem))
        result = scratch.invoke("audit", "verify", "--since", str(path))
        assert result.exit_code == 1
        assert (
            "The audit log is empty, so it cannot contain the checkpoint's event 3"
            in result.stderr
        )

    def test_a_rewritten_log_verifies_alone_but_not_since_the_checkpoint(
        self, scratch, signed
    ):
        scratch.tamper(
            "UPDATE audit_events SET actor = 'mallory@example.org' WHERE seq = 2"
        )
        _rehash_everything(scratch)
        assert scratch.invoke("audit", "verify").exit_code == 0
        result = scratch.invoke("audit", "verify", "--since", str(signed))
        assert result.exit_code == 1
        assert "Event 5 has the hash" in result.stderr
        assert "the log up to the checkpoint was rewritten" in result.stderr

    def test_a_log_cut_before_the_checkpoint_fails(self, scratch, signed):
        scratch.tamper("DELETE FROM audit_events WHERE seq >= 4")
        result = scratch.invoke("audit", "verify", "--since", str(signed))
        assert result.exit_code == 1
        assert (
            "Today's log ends at event 3, before the checkpoint's event 5"
            in result.stderr
        )

    def test_a_broken_chain_fails(self, scratch, signed):
        scratch.tamper("UPDATE audit_events SET subject = 'changed' WHERE seq = 3")
        result = scratch.invoke("audit", "verify", "--since", str(signed))
        assert result.exit_code == 1
        assert "Today's log does not verify: event 3" in result.stderr


def _rehash_everything(scratch) -> None:
    """What a forger with database access would do: recompute every hash after a change."""
    events = [
        (event.seq, event.canonical_fields())
        for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq))
    ]
    db.session.rollback()
    prev = "0" * 64
    for seq, fields in events:
        new = event_hash(prev, fields)
        scratch.tamper(
            "UPDATE audit_events SET prev_hash = :prev, hash = :hash WHERE seq = :seq",
            prev=prev,
            hash=new,
            seq=seq,
        )
        prev = new


class TestOfflineVerificationWithOpenSSL:
    """The commands of docs/audit.md, run as a reviewer would, with the real openssl."""

    @pytest.fixture
    def files(self, scratch, signed, tmp_path):
        result = scratch.invoke(
            "audit", "public-key", "--out", str(tmp_path / "pub.pem")
        )
        assert result.exit_code == 0, result.output
        assert "its fingerprint is" in result.stdout
        (tmp_path / "checkpoint.json").write_text(signed.read_text())
        return tmp_path

    def _run(self, command: str, folder: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
            check=False,
        )

    def test_openssl_verifies_the_checkpoint(self, files):
        assert shutil.which("openssl"), "the openssl binary is required"
        for command in EXTRACT:
            assert self._run(command, files).returncode == 0
        result = self._run(VERIFY, files)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Signature Verified Successfully" in result.stdout

    def test_openssl_rejects_a_changed_checkpoint(self, files):
        document = json.loads((files / "checkpoint.json").read_text())
        document["checkpoint"]["seq"] += 1
        (files / "checkpoint.json").write_text(json.dumps(document))
        for command in EXTRACT:
            assert self._run(command, files).returncode == 0
        result = self._run(VERIFY, files)
        assert result.returncode != 0
        assert "Signature Verification Failure" in result.stdout

    def test_the_fingerprint_is_what_openssl_computes(self, files):
        from trainer.audit.signing import signing_key

        result = self._run(FINGERPRINT, files)
        assert result.returncode == 0, result.stderr
        assert (
            result.stdout.split()[0]
            == signing_key().fingerprint
            == _document(files / "checkpoint.json")["checkpoint"]["key_fingerprint"]
        )


# The commands in docs/audit.md ("Verifying a checkpoint offline"), with python3 as the test's Python.
FINGERPRINT = "openssl pkey -pubin -in pub.pem -outform DER | tail -c 32 | sha256sum"
EXTRACT = [
    "python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); "
    'sys.stdout.write(json.dumps(d["checkpoint"], sort_keys=True, separators=(",", ":")))\' checkpoint.json > body.json',
    "python3 -c 'import base64, json, sys; "
    'sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["signature"]))\' checkpoint.json > sig.bin',
]
VERIFY = "openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in body.json -sigfile sig.bin"


def test_the_public_key_command_prints_the_pem(scratch):
    from trainer.audit.signing import signing_key

    result = scratch.invoke("audit", "public-key")
    assert result.exit_code == 0
    assert result.stdout == signing_key().public_pem
