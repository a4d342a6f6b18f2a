"""Small things people notice: a notification is seen once what it announces is opened; the
signed evaluation awaiting acknowledgement is announced at the top of /progress."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories.supervision import log_practice, verify
from tests.pagetools import check_page
from trainer.core.extensions import db
from trainer.notifications.models import Notification


def unseen(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.seen_at.is_(None))
    )


def test_opening_the_signed_evaluation_marks_its_notification_seen(
    client, auth, supervisor, trainee, assigned, mid_year, module
):
    sign_off = verify(supervisor, trainee, mid_year, module)
    db.session.commit()
    assert unseen(trainee) == 1
    auth.login(trainee)
    assert client.get(f"/supervision/sign-offs/{sign_off.id}").status_code == 200
    assert unseen(trainee) == 0


def test_opening_a_practice_log_marks_the_supervisors_notification_seen(
    client, auth, supervisor, trainee, assigned, module
):
    log = log_practice(trainee, module)
    db.session.commit()
    assert unseen(supervisor) == 1
    auth.login(supervisor)
    assert client.get(f"/practice/{log.id}").status_code == 200
    assert unseen(supervisor) == 0


def test_progress_announces_the_evaluation_awaiting_acknowledgement_at_the_top(
    client, auth, supervisor, trainee, assigned, mid_year, module
):
    sign_off = verify(supervisor, trainee, mid_year, module)
    db.session.commit()
    auth.login(trainee)
    main = check_page(client.get("/progress").text).find("main")
    first = main.find_all(class_="alert-warning")[0]
    assert main.find("h1").text == "Your progress"
    assert "1 signed evaluation is waiting for you to acknowledge it." in first.text
    assert first.find("a").attrs["href"] == f"/supervision/sign-offs/{sign_off.id}"
