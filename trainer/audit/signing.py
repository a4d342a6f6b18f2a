"""The platform's Ed25519 signing key: it signs audit checkpoints and export manifests.

Where the key comes from, first match wins:

1. ``SIGNING_KEY_PEM`` — the PKCS#8 PEM text itself (e.g. from a secret store);
2. ``SIGNING_KEY_PATH`` — a PEM file;
3. ``instance/signing-key.pem``.

A missing file (2 or 3) is generated on first use, readable by its owner only (0600).

The public key is published at /verify; its fingerprint is the hex SHA-256 of the raw 32-byte
public key, the same value openssl prints with
``openssl pkey -pubin -in pub.pem -outform DER | tail -c 32 | sha256sum``.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

from trainer.core.errors import TrainerError

logger = logging.getLogger(__name__)

DEFAULT_KEY_FILE = "signing-key.pem"
_CACHE_KEY = "audit.signing_key"


class SigningKeyError(TrainerError):
    """The configured signing key cannot be used; the message says what to fix."""

    status_code = 500


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    #: where it came from, for messages ("SIGNING_KEY_PEM", or a file path)
    source: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_pem(self) -> str:
        return public_key_pem(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()


def verify_signature(
    public_key: Ed25519PublicKey, signature: bytes, data: bytes
) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def signing_key() -> SigningKey:
    """The app's signing key, loaded (or generated) once per configuration."""
    config = current_app.config
    wanted = (
        config.get("SIGNING_KEY_PEM"),
        config.get("SIGNING_KEY_PATH"),
        current_app.instance_path,
    )
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None and cached[0] == wanted:
        return cached[1]
    key = _load(*wanted)
    current_app.extensions[_CACHE_KEY] = (wanted, key)
    logger.debug(
        "Signing key loaded from %s (fingerprint %s)", key.source, key.fingerprint
    )
    return key


def _load(pem: str | None, path: str | None, instance_path: str) -> SigningKey:
    if pem:
        return SigningKey(_parse(pem.encode(), "SIGNING_KEY_PEM"), "SIGNING_KEY_PEM")
    file = Path(path) if path else Path(instance_path) / DEFAULT_KEY_FILE
    try:
        if not file.exists():
            generate_key_file(file)
        data = file.read_bytes()
    except OSError as error:
        setting = (
            f"SIGNING_KEY_PATH is {file}" if path else f"The signing key file {file}"
        )
        raise SigningKeyError(
            f"{setting}, which cannot be read or created ({error.strerror}). Point SIGNING_KEY_PATH "
            "at the Ed25519 key in PEM, or at a file the app may create."
        ) from None
    return SigningKey(_parse(data, str(file)), str(file))


def _parse(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"The signing key in {source} is not an unencrypted PEM private key ({error})."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"The signing key in {source} is not an Ed25519 key.")
    return key


def generate_key_file(file: Path) -> None:
    """Write a new key to ``file`` with mode 0600, unless another process has just done so
    (several app workers may start at once: the first link wins, the others use its key)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, file)
            logger.warning(
                "Generated a new Ed25519 signing key in %s; keep a backup of it", file
            )
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
