"""A reviewer signs in, browses the program's audit log, verifies the chain, downloads the
latest signed checkpoint and checks it on the public /verify page."""

import re

from playwright.sync_api import expect


def test_reviewer_verifies_the_audit_chain_and_a_checkpoint(
    page, live_server, sign_in, assert_accessible, tmp_path
):
    with live_server.app.app_context():
        from trainer.audit.checkpoints import take_checkpoint
        from trainer.core.extensions import db

        take_checkpoint("schedule")
        db.session.commit()
        db.session.remove()

    sign_in("reviewer@example.org")
    page.get_by_role("link", name="Audit log").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Audit log"), level=1)
    ).to_be_visible()
    expect(page.get_by_text("program.created").first).to_be_visible()
    assert_accessible("the audit log")

    # the action filter is a list of the actions, in words
    page.get_by_label("Action").select_option("program.created")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("program.created").first).to_be_visible()
    assert_accessible("the audit log filtered by an action")

    page.get_by_role("link", name="Clear").click()
    page.get_by_role("button", name="Verify now").click()
    expect(
        page.get_by_text(re.compile(r"^The audit chain verifies: \d+ events"))
    ).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the latest checkpoint (JSON)").click()
    saved = tmp_path / "checkpoint.json"
    download.value.save_as(saved)

    page.get_by_role("link", name="Verify a signed checkpoint or report").click()
    expect(page.get_by_role("heading", name="Verify", level=1)).to_be_visible()
    page.get_by_label("…or choose the checkpoint file").set_input_files(saved)
    page.get_by_role("button", name="Verify the checkpoint").click()
    expect(
        page.get_by_text("Verified. The platform's key signed this checkpoint")
    ).to_be_visible()
    assert_accessible("the verification page with a result")
