"""/verify: public, no sign-in. The public key and its fingerprint, its PEM download, and a check
of any pasted or uploaded checkpoint (signature, and prefix of today's log)."""

from __future__ import annotations

import base64
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)

from tests.audit.conftest import new_key_pem
from tests.pagetools import check_page, squash
from trainer.audit.chain import canonical_json
from trainer.audit.checkpoints import CHECKPOINT_TYPE, document_json, take_checkpoint
from trainer.audit.services import record
from trainer.audit.signing import signing_key


@pytest.fixture
def document(program):
    record("attempt.submitted", subject="attempt:1", program_id=program.id)
    return document_json(take_checkpoint("manual"))


def _result(response) -> str:
    return squash(
        check_page(response.text).find("section", aria_labelledby="result-heading").text
    )


def _signed(body: dict, pem: str) -> str:
    signature = load_pem_private_key(pem.encode(), None).sign(canonical_json(body))
    return json.dumps(
        {"checkpoint": body, "signature": base64.b64encode(signature).decode()}
    )


class TestPublicKey:
    def test_anyone_sees_the_public_key_and_its_fingerprint(self, client):
        response = client.get("/verify")
        assert response.status_code == 200
        root = check_page(response.text)
        key = signing_key()
        assert root.find(id="fingerprint").text == key.fingerprint
        assert key.public_pem.strip() in response.text

    def test_the_public_key_downloads_as_pem(self, client):
        response = client.get("/verify/public-key.pem")
        assert response.status_code == 200
        assert response.mimetype == "application/x-pem-file"
        assert "attachment" in response.headers["Content-Disposition"]
        assert isinstance(load_pem_public_key(response.data), Ed25519PublicKey)
        assert response.text == signing_key().public_pem


class TestCheckingACheckpoint:
    def test_a_pasted_checkpoint_of_this_log_is_verified(self, client, document):
        response = client.post("/verify", data={"document": document})
        assert response.status_code == 200
        assert "Verified. The platform's key signed this checkpoint" in _result(
            response
        )

    def test_an_uploaded_checkpoint_is_verified(self, client, document):
        upload = (io.BytesIO(document.encode()), "ebtr-checkpoint.json")
        response = client.post(
            "/verify", data={"upload": upload}, content_type="multipart/form-data"
        )
        assert response.status_code == 200
        assert "Verified." in _result(response)

    def test_a_forged_checkpoint_is_not_verified(self, client, document):
        forged = json.loads(document)
        forged["checkpoint"]["seq"] = 1
        response = client.post("/verify", data={"document": json.dumps(forged)})
        assert "Not verified: the signature is not valid." in _result(response)
        assert "altered or forged" in _result(response)

    def test_a_checkpoint_of_another_key_is_not_verified(self, client, document):
        body = json.loads(document)["checkpoint"]
        response = client.post(
            "/verify",
            data={
                "document": _signed(
                    {**body, "key_fingerprint": "c" * 64}, new_key_pem()
                )
            },
        )
        assert "it was signed by another key" in _result(response)

    def test_a_genuine_checkpoint_beyond_this_log_is_not_a_prefix(
        self, client, document, signing_pem
    ):
        body = {**json.loads(document)["checkpoint"], "seq": 10_000}
        response = client.post("/verify", data={"document": _signed(body, signing_pem)})
        result = _result(response)
        assert (
            "The signature is valid, but the log it signed is not a prefix of today's log."
            in result
        )
        assert "before the checkpoint's event 10000" in result

    @pytest.mark.parametrize(
        ("document", "message"),
        [
            ('{"checkpoint": {"seq": 1', "The checkpoint is not valid JSON"),
            ("   ", "Paste a checkpoint or choose its file."),
            (
                '{"checkpoint": {}, "signature": ""}',
                "The checkpoint's fields are wrong",
            ),
        ],
        ids=["truncated", "blank", "empty-object"],
    )
    def test_bad_input_rerenders_the_form_with_a_message(
        self, client, document, message
    ):
        response = client.post("/verify", data={"document": document})
        assert response.status_code == 422
        root = check_page(response.text)
        assert message in root.find(id="document-errors").text
        assert root.find("textarea", name="document").text.strip() == document.strip()

    def test_a_too_large_upload_is_refused(self, client):
        upload = (io.BytesIO(b"x" * 20_000), "big.json")
        response = client.post(
            "/verify", data={"upload": upload}, content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert (
            "too large to be a checkpoint"
            in check_page(response.text).find(id="upload-errors").text
        )

    def test_the_form_needs_the_csrf_token(self, client, document):
        assert (
            client.post("/verify", data={"document": document}, csrf=False).status_code
            == 400
        )

    def test_checks_are_rate_limited(self, app, client, document, monkeypatch):
        monkeypatch.setitem(app.config, "VERIFY_LIMIT_PER_ADDRESS", "2 per minute")
        statuses = [
            client.post("/verify", data={"document": document}).status_code
            for _ in range(3)
        ]
        assert statuses == [200, 200, 429]


def test_the_checkpoint_type_is_part_of_what_is_signed(document):
    """A signature over a checkpoint cannot be replayed as a signature over anything else."""
    body = json.loads(document)["checkpoint"]
    assert body["type"] == CHECKPOINT_TYPE
    key = signing_key()
    signature = base64.b64decode(json.loads(document)["signature"])
    without_type = {k: v for k, v in body.items() if k != "type"}
    from trainer.audit.signing import verify_signature

    assert verify_signature(key.public_key, signature, canonical_json(body))
    assert not verify_signature(key.public_key, signature, canonical_json(without_type))
