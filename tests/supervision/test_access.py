"""Who may open what: every route of practice and supervision for every role (with real ids),
and every object route with someone else's ids, which answers 404."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from trainer.auth.permissions import Role

ROLES = ["anonymous", *(role.value for role in Role)]


def routes(w):
    """(method, url, roles allowed) for every route of the two areas, with the world's own ids."""
    t, m = w.trainee.id, w.module.slug
    competency = w.module.meta.competencies[1].id
    return [
        ("GET", "/practice", {"trainee"}),
        ("POST", "/practice", {"trainee"}),
        # read-only for the program's director and a reviewer within their grant
        (
            "GET",
            f"/practice/{w.log.id}",
            {"trainee", "supervisor", "director", "reviewer"},
        ),
        ("GET", f"/practice/{w.log.id}/correct", {"trainee"}),
        ("POST", f"/practice/{w.log.id}/correct", {"trainee"}),
        ("GET", f"/feedback/attempts/{w.attempt.id}", {"trainee"}),
        ("POST", f"/feedback/attempts/{w.attempt.id}", {"trainee"}),
        ("GET", f"/feedback/sign-offs/{w.sign_off.id}", {"trainee"}),
        ("POST", f"/feedback/sign-offs/{w.sign_off.id}", {"trainee"}),
        ("GET", "/program/feedback", {"director"}),
        ("GET", "/supervision", {"supervisor"}),
        ("GET", f"/supervision/trainees/{t}", {"supervisor"}),
        ("GET", f"/supervision/trainees/{t}/modules/{m}", {"supervisor"}),
        (
            "POST",
            f"/supervision/trainees/{t}/modules/{m}/competencies/{competency}/draft",
            {"supervisor"},
        ),
        ("POST", f"/supervision/trainees/{t}/modules/{m}/drafts", {"supervisor"}),
        ("POST", f"/supervision/drafts/{w.draft.id}/discard", {"supervisor"}),
        ("POST", f"/supervision/trainees/{t}/sign", {"supervisor"}),
        ("GET", f"/supervision/ratings/{w.rating.id}/correct", {"supervisor"}),
        ("POST", f"/supervision/ratings/{w.rating.id}/correct", {"supervisor"}),
        (
            "GET",
            f"/supervision/sign-offs/{w.sign_off.id}",
            {"trainee", "supervisor", "director", "reviewer"},
        ),
        ("POST", f"/supervision/sign-offs/{w.sign_off.id}/acknowledge", {"trainee"}),
        ("GET", f"/supervision/trainees/{t}/attempts/{w.attempt.id}", {"supervisor"}),
        ("GET", "/supervision/feedback", {"supervisor"}),
        ("GET", "/notifications", {"trainee", "supervisor"}),
        ("POST", "/notifications/seen", {"trainee", "supervisor"}),
    ]


def user_for(role: str, w, make_user):
    return {
        "trainee": w.trainee,
        "supervisor": w.supervisor,
        "director": w.director,
    }.get(role) or make_user(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_declared(
    role, world, client, auth, make_user
):
    """Anonymous: sent to sign in; a role without the permission: 403; the allowed roles: the
    page (200) or, for a POST without form data, a form error (4xx but never 401/403/404)."""
    if role != "anonymous":
        auth.login(user_for(role, world, make_user))
    failures = []
    for method, url, allowed in routes(world):
        response = client.open(
            url, method=method, headers={"X-CSRFToken": client.csrf_token()}
        )
        location = urlsplit(response.headers.get("Location", ""))
        if role == "anonymous":
            ok = response.status_code == 302 and location.path == "/login"
        elif role not in allowed:
            ok = response.status_code == 403
        elif method == "GET":
            ok = response.status_code == 200
        else:
            ok = (
                response.status_code in (200, 302, 400, 409, 422)
                and location.path != "/login"
            )
        if not ok:
            failures.append(f"{role} {method} {url}: {response.status}")
    assert not failures, "\n".join(failures)


def someone_elses(w):
    """(user, method, url) that point at another trainee's records; each must answer 404."""
    m, c = w.module.slug, w.module.meta.competencies[0].id
    mine, other = w.trainee.id, w.other_trainee.id
    return [
        # the trainee, changing ids to reach the other trainee's records
        (w.trainee, "GET", f"/practice/{w.other_log.id}"),
        (w.trainee, "GET", f"/practice/{w.other_log.id}/correct"),
        (w.trainee, "POST", f"/practice/{w.other_log.id}/correct"),
        (w.trainee, "GET", f"/feedback/attempts/{w.other_attempt.id}"),
        (w.trainee, "POST", f"/feedback/attempts/{w.other_attempt.id}"),
        (w.trainee, "GET", f"/feedback/sign-offs/{w.other_sign_off.id}"),
        (w.trainee, "POST", f"/feedback/sign-offs/{w.other_sign_off.id}"),
        (w.trainee, "GET", f"/supervision/sign-offs/{w.other_sign_off.id}"),
        (
            w.trainee,
            "POST",
            f"/supervision/sign-offs/{w.other_sign_off.id}/acknowledge",
        ),
        # the supervisor, reaching a trainee who is not theirs
        (w.supervisor, "GET", f"/practice/{w.other_log.id}"),
        (w.supervisor, "GET", f"/supervision/trainees/{other}"),
        (w.supervisor, "GET", f"/supervision/trainees/{other}/modules/{m}"),
        (
            w.supervisor,
            "POST",
            f"/supervision/trainees/{other}/modules/{m}/competencies/{c}/draft",
        ),
        (w.supervisor, "POST", f"/supervision/trainees/{other}/modules/{m}/drafts"),
        (w.supervisor, "POST", f"/supervision/drafts/{w.other_draft.id}/discard"),
        (w.supervisor, "POST", f"/supervision/trainees/{other}/sign"),
        (w.supervisor, "GET", f"/supervision/ratings/{w.other_rating.id}/correct"),
        (w.supervisor, "POST", f"/supervision/ratings/{w.other_rating.id}/correct"),
        (w.supervisor, "GET", f"/supervision/sign-offs/{w.other_sign_off.id}"),
        (
            w.supervisor,
            "GET",
            f"/supervision/trainees/{other}/attempts/{w.other_attempt.id}",
        ),
        # ... or mixing their own trainee's id with another's attempt
        (
            w.supervisor,
            "GET",
            f"/supervision/trainees/{mine}/attempts/{w.other_attempt.id}",
        ),
        # the other supervisor cannot reach the first trainee's records either
        (w.other_supervisor, "GET", f"/practice/{w.log.id}"),
        (w.other_supervisor, "GET", f"/supervision/trainees/{mine}"),
        (w.other_supervisor, "POST", f"/supervision/drafts/{w.draft.id}/discard"),
        (w.other_supervisor, "GET", f"/supervision/ratings/{w.rating.id}/correct"),
        (w.other_supervisor, "GET", f"/supervision/sign-offs/{w.sign_off.id}"),
        (
            w.other_supervisor,
            "GET",
            f"/supervision/trainees/{mine}/attempts/{w.attempt.id}",
        ),
    ]


def unknown(w):
    m, c, t = w.module.slug, w.module.meta.competencies[0].id, w.trainee.id
    return [
        (w.trainee, "GET", "/practice/999999"),
        (w.trainee, "GET", "/practice/999999/correct"),
        (w.trainee, "GET", "/practice?competency=empathy/no-such-competency"),
        (w.trainee, "GET", "/practice?competency=no-such-module/x"),
        (w.trainee, "GET", "/feedback/attempts/999999"),
        (w.trainee, "GET", "/feedback/sign-offs/999999"),
        (w.trainee, "GET", "/supervision/sign-offs/999999"),
        (w.trainee, "POST", "/supervision/sign-offs/999999/acknowledge"),
        (w.supervisor, "GET", "/supervision/trainees/999999"),
        (w.supervisor, "GET", f"/supervision/trainees/{t}/modules/no-such-module"),
        (w.supervisor, "GET", f"/supervision/trainees/{t}?period=999999"),
        (
            w.supervisor,
            "POST",
            f"/supervision/trainees/{t}/modules/{m}/competencies/no-such-competency/draft",
        ),
        (
            w.supervisor,
            "POST",
            f"/supervision/trainees/{t}/modules/{m}/competencies/{c}/draft",
            {f"{c}-period": 999999},
        ),
        (w.supervisor, "POST", "/supervision/drafts/999999/discard"),
        (w.supervisor, "POST", f"/supervision/trainees/{t}/sign", {"period": 999999}),
        (w.supervisor, "GET", "/supervision/ratings/999999/correct"),
        (w.supervisor, "GET", "/supervision/sign-offs/999999"),
        (w.supervisor, "GET", f"/supervision/trainees/{t}/attempts/999999"),
        (w.supervisor, "GET", "/practice/999999"),
    ]


@pytest.mark.parametrize(
    "cases", [someone_elses, unknown], ids=["someone-elses-ids", "unknown-ids"]
)
def test_object_routes_answer_404(cases, world, client, auth):
    failures = []
    current = None
    for user, method, url, *form in cases(world):
        if user is not current:
            auth.logout()
            auth.login(user)
            current = user
        data = form[0] if form else None
        response = client.open(
            url, method=method, data=data, headers={"X-CSRFToken": client.csrf_token()}
        )
        if response.status_code != 404:
            failures.append(f"{user.name} {method} {url}: {response.status}")
    assert not failures, "\n".join(failures)


def test_a_trainee_of_another_program_reaches_nothing(world, outsider, client, auth):
    auth.login(outsider)
    for url in (
        f"/practice/{world.log.id}",
        f"/supervision/sign-offs/{world.sign_off.id}",
        f"/feedback/attempts/{world.attempt.id}",
    ):
        assert client.get(url).status_code == 404, url


def test_a_post_without_a_csrf_token_is_refused(world, client, auth):
    auth.login(world.trainee)
    response = client.post(
        f"/supervision/sign-offs/{world.sign_off.id}/acknowledge", data={}, csrf=False
    )
    assert response.status_code == 400


def test_get_never_changes_state(world, client, auth):
    auth.login(world.supervisor)
    for url in (
        f"/supervision/trainees/{world.trainee.id}/sign",
        f"/supervision/drafts/{world.draft.id}/discard",
        "/notifications/seen",
    ):
        assert client.get(url).status_code == 405, url
