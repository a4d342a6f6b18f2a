"""The reviewer's audit page /audit: who may see it, what it shows, filters, keyset pages,
"Verify now" and the checkpoint download."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.pagetools import check_page, parse, squash
from trainer.audit.checkpoints import check_signature, parse_document, take_checkpoint
from trainer.audit.models import AuditEvent
from trainer.audit.services import record
from trainer.core.extensions import db
from trainer.core.models import utcnow

ROUTES = [
    ("get", "/audit"),
    ("post", "/audit/verify"),
    ("get", "/audit/checkpoint.json"),
]


@pytest.fixture
def events(program):
    """Events of the program: e.g. attempts, with a recognisable subject."""

    def make(
        count: int, *, program_=None, action: str = "attempt.submitted", actor=None
    ):
        made = []
        for n in range(count):
            made.append(
                record(
                    action,
                    actor=actor,
                    subject=f"attempt:{n}",
                    payload={"n": n},
                    program_id=(program_ or program).id,
                )
            )
        return made

    return make


@pytest.fixture
def checkpoint(program):
    return take_checkpoint("manual")


class TestPermissions:
    @pytest.mark.parametrize(("method", "path"), ROUTES)
    def test_anonymous_is_sent_to_sign_in(self, client, program, method, path):
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={path}"

    @pytest.mark.parametrize("role", ["trainee", "supervisor", "admin"])
    @pytest.mark.parametrize(("method", "path"), ROUTES)
    def test_other_roles_get_403(
        self, client, auth, make_user, checkpoint, role, method, path
    ):
        auth.login(make_user(role))
        assert getattr(client, method)(path).status_code == 403

    @pytest.mark.parametrize("role", ["reviewer", "director"])
    @pytest.mark.parametrize(("method", "path"), ROUTES)
    def test_reviewer_and_director_of_the_program_are_allowed(
        self, client, auth, make_user, checkpoint, role, method, path
    ):
        auth.login(make_user(role))
        response = getattr(client, method)(path, follow_redirects=True)
        assert response.status_code == 200

    def test_the_checkpoint_download_is_404_before_any_checkpoint(
        self, client, auth, reviewer
    ):
        auth.login(reviewer)
        assert client.get("/audit/checkpoint.json").status_code == 404

    def test_verify_now_refuses_get(self, client, auth, reviewer):
        auth.login(reviewer)
        assert client.get("/audit/verify").status_code == 405

    def test_verify_now_needs_the_csrf_token(self, client, auth, reviewer):
        auth.login(reviewer)
        assert client.post("/audit/verify", csrf=False).status_code == 400

    def test_a_reviewer_of_another_program_sees_only_that_program(
        self, client, auth, make_user, other_program, events
    ):
        events(3, action="attempt.submitted")
        events(2, program_=other_program, action="practice.logged")
        auth.login(make_user("reviewer", program_=other_program))
        page = page_text(client.get("/audit"))
        assert "practice.logged" in page
        assert "attempt.submitted" not in page
        assert "Other Program" in page

    def test_an_expired_reviewer_cannot_sign_in(self, client, make_user):
        reviewer = make_user("reviewer")
        reviewer.access_expires_at = utcnow() - timedelta(minutes=1)
        db.session.flush()
        response = client.post(
            "/login",
            data={"email": reviewer.email, "password": "correct-horse-battery"},
        )
        assert response.status_code == 401
        assert client.get("/audit").status_code == 302

    def test_a_reviewer_whose_access_expires_gets_403(self, client, auth, reviewer):
        auth.login(reviewer)
        assert client.get("/audit").status_code == 200
        reviewer.access_expires_at = utcnow() - timedelta(seconds=1)
        db.session.flush()
        response = client.get("/audit")
        assert response.status_code == 403
        assert "Not allowed" in response.text
        assert client.post("/logout").status_code == 302


def page_text(response) -> str:
    assert response.status_code == 200, response.text
    return squash(check_page(response.text).text)


class TestEventList:
    def test_each_event_shows_its_number_time_actor_action_subject_and_hashes(
        self, client, auth, reviewer, director, events
    ):
        made = events(2, actor=director)
        auth.login(reviewer)
        root = check_page(client.get("/audit").text)
        row = root.find("tr", id=f"event-{made[1].seq}")
        text = squash(row.text)
        assert text.startswith(str(made[1].seq))
        assert "director@example.org" in text
        assert "attempt.submitted" in text
        assert "attempt:1" in text
        assert made[1].hash in text
        assert made[1].prev_hash in text
        # times in the program's time zone (America/Chicago)
        assert row.find("time").attrs["datetime"] == made[1].created_at.strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        assert "CST" in text or "CDT" in text
        # the prev hash links to the previous event when it is on the page
        assert row.find("a").attrs["href"] == f"#event-{made[0].seq}"

    def test_events_are_newest_first(self, client, auth, reviewer, events):
        made = events(3)
        auth.login(reviewer)
        rows = [
            r.attrs["id"]
            for r in parse(client.get("/audit").text).find_all("tr")
            if "id" in r.attrs
        ]
        seqs = [int(r.removeprefix("event-")) for r in rows]
        assert seqs == sorted(seqs, reverse=True)
        assert [seq for seq in seqs if seq <= made[-1].seq][:3] == [
            event.seq for event in reversed(made)
        ]

    def test_pages_follow_each_other_by_sequence_number(
        self, app, client, auth, reviewer, events, monkeypatch, count_queries
    ):
        monkeypatch.setitem(app.config, "AUDIT_PAGE_SIZE", 4)
        events(9)
        auth.login(reviewer)
        seen, url, pages = [], "/audit", 0
        with count_queries() as statements:
            while url:
                pages += 1
                root = parse(client.get(url).text)
                seen += [
                    int(r.attrs["id"].removeprefix("event-"))
                    for r in root.find_all("tr")
                    if "id" in r.attrs
                ]
                older = [a for a in root.find_all("a") if a.text == "Older events"]
                url = older[0].attrs["href"] if older else None
        assert seen == sorted(seen, reverse=True)
        assert len(seen) == len(set(seen))
        all_program_events = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.program_id == reviewer.program_id)
        )
        # every page a reviewer opens is itself an event; those of the second and later pages
        # are newer than the first page, so the walk does not show them
        assert len(seen) == all_program_events - (pages - 1)
        # keyset pagination: each later page asks for events before the last one shown
        # (SQLAlchemy's SQLite dialect always writes "LIMIT ? OFFSET ?", with offset 0)
        keyset = [
            s
            for s in statements
            if "FROM audit_events" in s and "audit_events.seq <" in s
        ]
        assert pages >= 3
        assert len(keyset) == pages - 1

    def test_the_page_makes_the_same_number_of_queries_whatever_the_number_of_events(
        self, client, auth, reviewer, events, count_queries
    ):
        auth.login(reviewer)
        events(2)
        with count_queries() as few:
            assert client.get("/audit").status_code == 200
        events(60)
        with count_queries() as many:
            assert client.get("/audit").status_code == 200
        assert len(few) == len(many)


class TestFilters:
    def test_by_actor(self, client, auth, reviewer, director, supervisor, events):
        events(2, actor=director, action="rating.signed")
        events(2, actor=supervisor, action="practice.logged")
        auth.login(reviewer)
        text = page_text(
            client.get("/audit", query_string={"actor": " Director@Example.org "})
        )
        assert "rating.signed" in text
        assert "practice.logged" not in text

    def test_by_action(self, client, auth, reviewer, events):
        events(2, action="rating.signed")
        events(2, action="practice.logged")
        auth.login(reviewer)
        text = page_text(
            client.get("/audit", query_string={"action": "practice.logged"})
        )
        assert "practice.logged" in text
        assert "rating.signed" not in text

    def test_by_date_range_in_the_program_time_zone(
        self, client, auth, reviewer, events
    ):
        events(1, action="practice.logged")
        auth.login(reviewer)
        today = utcnow().astimezone(ZoneInfo("America/Chicago")).date()
        text = page_text(
            client.get(
                "/audit",
                query_string={
                    "date_from": today.isoformat(),
                    "date_to": today.isoformat(),
                },
            )
        )
        assert "practice.logged" in text
        earlier = (today - timedelta(days=3)).isoformat()
        text = page_text(
            client.get(
                "/audit", query_string={"date_from": earlier, "date_to": earlier}
            )
        )
        assert "practice.logged" not in text
        assert "No events match." in text

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ({"date_from": "2026-13-45"}, "date_from", "Not a valid date value"),
            (
                {"date_from": "2026-05-02", "date_to": "2026-05-01"},
                "date_to",
                "The end date is before the start date.",
            ),
            (
                {"action": "DROP TABLE"},
                "action",
                "An action looks like attempt.submitted.",
            ),
            ({"actor": "nobody"}, "actor", "Enter the actor's e-mail address"),
            (
                {"actor": "x" * 300},
                "actor",
                "Field cannot be longer than 254 characters.",
            ),
        ],
    )
    def test_bad_filters_rerender_the_form_with_a_message(
        self, client, auth, reviewer, events, query, field, message
    ):
        events(1)
        auth.login(reviewer)
        response = client.get("/audit", query_string=query)
        assert response.status_code == 400
        root = check_page(response.text)
        assert message in root.find(id=f"{field}-errors").text
        assert root.find(name=field).attrs["aria-invalid"] == "true"
        assert not [row for row in root.find_all("tr") if "id" in row.attrs]

    def test_the_action_filter_is_a_list_of_actions_in_words(
        self, client, auth, reviewer, events
    ):
        events(1, action="attempt.submitted")
        auth.login(reviewer)
        root = check_page(client.get("/audit").text)
        options = {
            option.attrs["value"]: option.text
            for option in root.find("select", name="action").find_all("option")
        }
        assert options["attempt.submitted"] == "Quiz attempt submitted"
        assert options[""] == "Any action"
        rows = [
            " ".join(r.text.split()) for r in root.find_all("tr") if "id" in r.attrs
        ]
        assert any("Quiz attempt submitted attempt.submitted" in row for row in rows)

    def test_later_pages_keep_the_filters(
        self, app, client, auth, reviewer, events, monkeypatch
    ):
        monkeypatch.setitem(app.config, "AUDIT_PAGE_SIZE", 3)
        events(5, action="practice.logged")
        events(5, action="rating.signed")
        auth.login(reviewer)
        root = parse(
            client.get("/audit", query_string={"action": "practice.logged"}).text
        )
        older = next(a for a in root.find_all("a") if a.text == "Older events").attrs[
            "href"
        ]
        assert "action=practice.logged" in older
        second = parse(client.get(older).text)
        actions = {
            squash(row.find_all("td")[2].find("code").text)
            for row in second.find_all("tr")
            if "id" in row.attrs
        }
        assert actions == {"practice.logged"}

    def test_a_bad_page_cursor_shows_the_first_page(
        self, client, auth, reviewer, events
    ):
        events(2)
        auth.login(reviewer)
        assert "attempt.submitted" in page_text(
            client.get("/audit", query_string={"before": "abc"})
        )


class TestVerifyNow:
    def test_it_verifies_the_chain_and_shows_the_result(
        self, client, auth, reviewer, events
    ):
        events(3)
        auth.login(reviewer)
        response = client.post("/audit/verify", follow_redirects=True)
        text = page_text(response)
        # the head when the chain was verified: opening the result page is a later event
        head = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action != "reviewer.page_viewed")
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).one()
        assert (
            f"The audit chain verifies: {head.seq} events, from event 1 to event {head.seq} (head hash {head.hash})."
            in text
        )


class TestCheckpointDownload:
    def test_it_downloads_the_latest_signed_checkpoint(
        self, client, auth, director, checkpoint, events
    ):
        events(2)
        latest = take_checkpoint("schedule")
        auth.login(director)
        response = client.get("/audit/checkpoint.json")
        assert response.mimetype == "application/json"
        assert (
            f'filename="ebtr-checkpoint-{latest.seq}.json"'
            in response.headers["Content-Disposition"]
        )
        document = parse_document(response.data)
        assert (document.seq, document.hash) == (latest.seq, latest.head_hash)
        check_signature(document)

    def test_the_page_offers_it(self, client, auth, reviewer, checkpoint):
        auth.login(reviewer)
        root = check_page(client.get("/audit").text)
        assert root.find("a", href="/audit/checkpoint.json")
        assert f"Latest signed checkpoint: event {checkpoint.seq}" in squash(root.text)


@pytest.mark.slow
def test_verify_now_names_the_first_broken_event(scratch):
    """On a throw-away database, where an event can be changed behind the triggers' back."""
    from tests.conftest import PASSWORD, AuthActions, CSRFClient
    from trainer.auth.permissions import Role
    from trainer.auth.services import create_user
    from trainer.program.services import create_program

    program = create_program("Scratch Program")
    reviewer = create_user(
        email="r@example.org",
        name="R",
        password=PASSWORD,
        role=Role.REVIEWER,
        program_id=program.id,
        access_expires_at=utcnow() + timedelta(days=1),
    )
    db.session.commit()
    scratch.append(6)
    scratch.tamper("UPDATE audit_events SET subject = 'attempt:999' WHERE seq = 4")
    scratch.app.test_client_class = CSRFClient
    client = scratch.app.test_client()
    AuthActions(client).login(reviewer)
    text = page_text(client.post("/audit/verify", follow_redirects=True))
    event = scratch.event(4)
    assert "The audit chain is broken at event 4 (" in text
    assert f"{event.action}): hash mismatch:" in text
    assert "the 3 events before it verify" in text
