"""The signed bundle: report files, manifest.json (each file's name, size and SHA-256, and what
the export covers), manifest.sig (the raw 64-byte Ed25519 signature over the exact bytes of
manifest.json) and public-key.pem; and its verification, from a folder or a zip, in constant
memory and without writing anything to disk."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trainer.audit.signing import SigningKey, fingerprint, verify_signature

MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public-key.pem"
BUNDLE_FILES = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})
MANIFEST_TYPE = "ebtr-trainer/export-manifest/v1"

#: limits on what verification reads: a bundle beyond them is refused, not read
MAX_ENTRIES = 20_000
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
#: a zip entry that expands more than this many times is a zip bomb
MAX_RATIO = 200
CHUNK = 1024 * 1024


class BundleUnreadable(Exception):
    """The upload or folder cannot be read as a bundle at all; the message says why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes that are signed: sorted, indented JSON, ASCII only, one final newline."""
    return (
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    ).encode()


def file_entries(folder: Path, names: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "size": (folder / name).stat().st_size,
            "sha256": sha256_file(folder / name),
        }
        for name in sorted(names)
    ]


def seal(folder: Path, manifest: dict[str, Any], key: SigningKey) -> bytes:
    """Write manifest.json, manifest.sig and public-key.pem into ``folder``; returns the
    manifest's bytes."""
    data = manifest_bytes(manifest)
    (folder / MANIFEST).write_bytes(data)
    (folder / SIGNATURE).write_bytes(key.sign(data))
    (folder / PUBLIC_KEY).write_text(key.public_pem)
    return data


# --- verification -------------------------------------------------------------------------


@dataclass
class Findings:
    """What verification found: ``problems`` is empty when the bundle is valid."""

    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None
    signature_valid: bool = False
    key_fingerprint: str | None = None
    #: True/False when compared with this server's key; None when not compared
    key_is_servers: bool | None = None
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    checked: int = 0
    #: False when only the manifest and signature were given (files not checked)
    files_checked: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


class _Source:
    """The names in a bundle, their sizes, and a way to read each."""

    names: list[str]

    def size(self, name: str) -> int: ...

    def open(self, name: str) -> IO[bytes]: ...


class _Folder(_Source):
    def __init__(self, folder: Path):
        self.folder = folder
        names = []
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or path.is_file():
                names.append(path.relative_to(folder).as_posix())
            if len(names) > MAX_ENTRIES:
                raise BundleUnreadable(
                    f"The folder holds over {MAX_ENTRIES} files: not an export."
                )
        self.names = names

    def size(self, name: str) -> int:
        return (self.folder / name).lstat().st_size

    def open(self, name: str) -> IO[bytes]:
        path = self.folder / name
        if stat.S_ISLNK(path.lstat().st_mode):
            raise BundleUnreadable(f"{name} is a symbolic link, not a file.")
        return path.open("rb")


class _Zip(_Source):
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleUnreadable(
                f"The zip holds over {MAX_ENTRIES} entries: not an export."
            )
        self.infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            path = PurePosixPath(name)
            if (
                name.startswith("/")
                or "\\" in name
                or ".." in path.parts
                or ":" in name
            ):
                raise BundleUnreadable(
                    f"The zip holds an entry with an unsafe path ({name!r}): it is refused and nothing was extracted."
                )
            if info.flag_bits & 0x1:
                raise BundleUnreadable(
                    f"The zip entry {name} is encrypted: an export never is."
                )
            if name in self.infos:
                raise BundleUnreadable(f"The zip holds {name} twice.")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise BundleUnreadable(
                    f"The zip expands to over {MAX_TOTAL_BYTES // 2**30} GiB: refused as a zip bomb."
                )
            if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise BundleUnreadable(
                    f"The zip entry {name} expands {info.file_size // max(info.compress_size, 1)} times: refused as a zip bomb."
                )
            self.infos[name] = info
        # a bundle zipped inside one folder: strip that folder
        prefixes = {
            PurePosixPath(n).parts[0]
            for n in self.infos
            if len(PurePosixPath(n).parts) > 1
        }
        self.prefix = ""
        if MANIFEST not in self.infos and len(prefixes) == 1:
            prefix = prefixes.pop() + "/"
            if all(n.startswith(prefix) for n in self.infos):
                self.prefix = prefix
        self.names = sorted(n[len(self.prefix) :] for n in self.infos)

    def size(self, name: str) -> int:
        return self.infos[self.prefix + name].file_size

    def open(self, name: str) -> IO[bytes]:
        return self.archive.open(self.infos[self.prefix + name])


def _read_small(source: _Source, name: str, limit: int) -> bytes:
    if source.size(name) > limit:
        raise BundleUnreadable(
            f"{name} is over {limit // 1024} KiB: not an export's {name}."
        )
    with source.open(name) as handle:
        return handle.read(limit + 1)[: limit + 1]


def _hash(source: _Source, name: str, limit: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with source.open(name) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise BundleUnreadable(
                    f"{name} is larger than the manifest says: refused."
                )
            digest.update(chunk)
    return digest.hexdigest(), size


def parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except UnicodeDecodeError:
        raise BundleUnreadable("manifest.json is not UTF-8 text.") from None
    except RecursionError:
        raise BundleUnreadable("manifest.json is nested far too deeply.") from None
    except ValueError as error:
        raise BundleUnreadable(f"manifest.json is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("type") != MANIFEST_TYPE:
        raise BundleUnreadable(
            f'manifest.json is not an export manifest (its "type" is not "{MANIFEST_TYPE}").'
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict)
        and isinstance(f.get("name"), str)
        and isinstance(f.get("size"), int)
        and isinstance(f.get("sha256"), str)
        for f in files
    ):
        raise BundleUnreadable(
            'manifest.json has no valid "files" list (name, size, sha256 of each).'
        )
    return manifest


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise BundleUnreadable("public-key.pem is not a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BundleUnreadable("public-key.pem is not an Ed25519 key.")
    return key


def check_signature(
    findings: Findings,
    manifest_data: bytes,
    signature: bytes | None,
    public_pem: bytes | None,
    server_key: SigningKey | None,
) -> None:
    findings.manifest_sha256 = hashlib.sha256(manifest_data).hexdigest()
    findings.manifest = parse_manifest(manifest_data)
    if public_pem is not None:
        key = load_public_key(public_pem)
    elif server_key is not None:
        key = server_key.public_key
    else:
        raise BundleUnreadable(
            "public-key.pem is missing, and there is no server key to check against."
        )
    findings.key_fingerprint = fingerprint(key)
    if server_key is not None:
        findings.key_is_servers = findings.key_fingerprint == server_key.fingerprint
        if not findings.key_is_servers:
            findings.problems.append(
                f"The bundle's public key (fingerprint {findings.key_fingerprint}) is not this server's key "
                f"({server_key.fingerprint})."
            )
    if manifest_data and findings.manifest.get("key_fingerprint") not in (
        None,
        findings.key_fingerprint,
    ):
        findings.problems.append(
            "manifest.json names another key fingerprint than public-key.pem's."
        )
    if signature is None:
        findings.problems.append("manifest.sig is missing: the manifest is not signed.")
    elif len(signature) != 64:
        findings.problems.append(
            f"manifest.sig is {len(signature)} bytes long; an Ed25519 signature has 64."
        )
    elif verify_signature(key, signature, manifest_data):
        findings.signature_valid = True
    else:
        findings.problems.append(
            "manifest.sig does not verify: manifest.json was altered, or another key signed it."
        )


def _verify_source(source: _Source, server_key: SigningKey | None) -> Findings:
    findings = Findings()
    names = set(source.names)
    if MANIFEST not in names:
        raise BundleUnreadable(
            "There is no manifest.json: this is not an export bundle."
        )
    manifest_data = _read_small(source, MANIFEST, MAX_MANIFEST_BYTES)
    signature = _read_small(source, SIGNATURE, 1024) if SIGNATURE in names else None
    public_pem = (
        _read_small(source, PUBLIC_KEY, 16 * 1024) if PUBLIC_KEY in names else None
    )
    if public_pem is None:
        findings.problems.append("public-key.pem is missing.")
    check_signature(findings, manifest_data, signature, public_pem, server_key)
    listed = {}
    for entry in findings.manifest["files"]:
        listed[entry["name"]] = entry
    for name in sorted(listed):
        entry = listed[name]
        if name not in names:
            findings.missing.append(name)
            findings.problems.append(f"{name} is missing.")
            continue
        digest, size = _hash(source, name, max(entry["size"], 0) + 1)
        findings.checked += 1
        if digest != entry["sha256"] or size != entry["size"]:
            findings.altered.append(name)
            findings.problems.append(
                f"{name} is altered: its SHA-256 or size differs from the manifest's."
            )
    for name in sorted(names - set(listed) - BUNDLE_FILES):
        findings.extra.append(name)
        findings.problems.append(f"{name} is extra: the manifest does not list it.")
    return findings


def verify_folder(folder: Path, server_key: SigningKey | None = None) -> Findings:
    return _verify_source(_Folder(folder), server_key)


def verify_zip(handle: IO[bytes], server_key: SigningKey | None = None) -> Findings:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BundleUnreadable("This is not a zip file.") from None
    try:
        with archive:
            return _verify_source(_Zip(archive), server_key)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
    ) as error:
        raise BundleUnreadable(f"The zip cannot be read ({error}).") from None


def verify_path(path: Path, server_key: SigningKey | None = None) -> Findings:
    if path.is_dir():
        return verify_folder(path, server_key)
    if not path.is_file():
        raise BundleUnreadable(f"{path} is neither a folder nor a file.")
    with path.open("rb") as handle:
        return verify_zip(handle, server_key)


def verify_manifest_only(
    manifest_data: bytes, signature: bytes, server_key: SigningKey
) -> Findings:
    """The manifest and signature alone, checked against this server's key."""
    findings = Findings(files_checked=False)
    if len(manifest_data) > MAX_MANIFEST_BYTES:
        raise BundleUnreadable("manifest.json is too large.")
    check_signature(findings, manifest_data, signature, None, server_key)
    #: checked against this server's key alone: the key is the server's only if it verified
    findings.key_is_servers = findings.signature_valid
    return findings


def write_zip(folder: Path, target: IO[bytes]) -> None:
    """The bundle folder as a zip (entries at the top level, as in the folder)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, arcname=path.name)
