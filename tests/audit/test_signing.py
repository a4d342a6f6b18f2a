"""The Ed25519 signing key: generated into instance/ with owner-only permissions, or loaded from
configuration; a clear message when it cannot be used."""

from __future__ import annotations

import hashlib
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from trainer.audit.signing import (
    SigningKeyError,
    generate_key_file,
    signing_key,
    verify_signature,
)


@pytest.fixture
def unconfigured(app, tmp_path, monkeypatch):
    """No key configured, and an empty instance folder."""
    monkeypatch.setitem(app.config, "SIGNING_KEY_PEM", None)
    monkeypatch.setitem(app.config, "SIGNING_KEY_PATH", None)
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance" / "signing-key.pem"


def test_a_key_is_generated_on_first_use_readable_by_its_owner_only(unconfigured):
    key = signing_key()
    assert unconfigured.exists()
    assert stat.S_IMODE(unconfigured.stat().st_mode) == 0o600
    assert key.source == str(unconfigured)


def test_the_generated_key_is_kept_across_restarts(app, unconfigured):
    first = signing_key().fingerprint
    app.extensions.pop("audit.signing_key")  # as a new process would
    assert signing_key().fingerprint == first


def test_a_second_generation_does_not_replace_the_key(tmp_path):
    path = tmp_path / "signing-key.pem"
    generate_key_file(path)
    first = path.read_bytes()
    generate_key_file(path)  # e.g. another worker starting at the same moment
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["signing-key.pem"]


def test_a_key_file_can_be_configured(
    app, unconfigured, tmp_path, monkeypatch, signing_pem
):
    path = tmp_path / "elsewhere.pem"
    path.write_text(signing_pem)
    monkeypatch.setitem(app.config, "SIGNING_KEY_PATH", str(path))
    assert signing_key().source == str(path)
    assert not unconfigured.exists()


def test_a_configured_key_file_is_generated_when_missing(
    app, unconfigured, tmp_path, monkeypatch
):
    path = tmp_path / "keys" / "ebtr.pem"
    monkeypatch.setitem(app.config, "SIGNING_KEY_PATH", str(path))
    assert signing_key().source == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not unconfigured.exists()


def test_an_unusable_key_path_is_a_clear_error(
    app, unconfigured, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNING_KEY_PATH", str(tmp_path))  # a folder
    with pytest.raises(
        SigningKeyError,
        match=r"SIGNING_KEY_PATH is .*, which cannot be read or created",
    ):
        signing_key()


def test_a_key_that_is_not_ed25519_is_refused(app, monkeypatch):
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    monkeypatch.setitem(app.config, "SIGNING_KEY_PEM", pem.decode())
    with pytest.raises(SigningKeyError, match="is not an Ed25519 key"):
        signing_key()


def test_the_fingerprint_is_the_sha256_of_the_raw_public_key():
    key = signing_key()
    raw = key.public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert len(raw) == 32
    assert key.fingerprint == hashlib.sha256(raw).hexdigest()


def test_signatures_verify_against_the_public_key_only_for_the_signed_bytes():
    key = signing_key()
    signature = key.sign(b"body")
    assert verify_signature(key.public_key, signature, b"body")
    assert not verify_signature(key.public_key, signature, b"bodY")
