"""Property-based fuzzing of every route (issue 14, item 10): walks app.url_map and, as every role
that may use each route, sends generated input (NUL bytes, huge strings and numbers, odd Unicode,
malformed dates and ids) in the form body, the query string and the path. No answer is a 5xx,
and a refused input changes no table (failed sign-ins and signatures are audited by design).

``FUZZ_EXAMPLES`` sets the examples per route and role (20 by default, so the suite stays fast);
``make fuzz`` runs 2,000 and prints the counts."""

from __future__ import annotations

import os
from collections import Counter
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AuthActions
from tests.test_access import IGNORED_METHODS, VARIABLE
from trainer.audit.models import AuditEvent
from trainer.auth.permissions import Role, has_permission
from trainer.core.extensions import db
from trainer.core.forms import BoundedForm

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SKIPPED = {"auth.logout", "static"}  # signing out would end the sweep for the role


def _form_classes(base=BoundedForm):
    for sub in base.__subclasses__():
        yield sub
        yield from _form_classes(sub)


FIELD_NAMES = sorted(
    {
        name
        for form in _form_classes()
        for name in dir(form)
        if hasattr(getattr(form, name), "field_class")
    }
    | {"before", "period", "competency", "next"}
)
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\u2003",
    "\u202e",
    "\U0001f600",
    "9" * 5000,
    "A" * 20_000,
    "[" * 16_000,
    "-1",
    str(2**31),
    str(2**53 + 1),
    str(2**63),
    "99999999999999999999999",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "NaN",
    "//[",
    "'; DROP TABLE users; --",
    "{{7*7}}",
    "<script>x</script>",
]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
)
FORM = st.dictionaries(st.sampled_from(FIELD_NAMES), VALUES, max_size=8)
PATH_INT = st.sampled_from([1, 2, 3, 2**31 - 1, 2**31, 10**22])
PATH_TEXT = st.one_of(
    st.sampled_from(["empathy", "x", "\x00", "a" * 300]), st.text(max_size=20)
)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def failure_events_only(since: int) -> bool:
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.seq > since)
    )
    return all(action.endswith("failed") for action in actions)


def allowed(access, role: Role | None) -> bool:
    if access is None:
        return False
    if access.kind == "public":
        return True
    if role is None:
        return False
    return access.kind == "login" or has_permission(role, access.permission)


def fuzz_targets(app, role: Role | None):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if allowed(access, role):
            for method in sorted(rule.methods - IGNORED_METHODS):
                yield rule, method


def fuzz_route(client, world, rule, method, counts: Counter, errors: list) -> None:
    """Send EXAMPLES generated requests to one route with one method."""
    label = f"{method} {rule.rule}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(form=FORM, ints=st.lists(PATH_INT, min_size=3, max_size=3), text=PATH_TEXT)
    def send(form, ints, text):
        url, used = rule.rule, 0
        for match in VARIABLE.finditer(rule.rule):
            if match["converter"] == "int":
                value, used = str(ints[used]), used + 1
            elif match["name"] == "slug" and ints[0] == 1:
                value = world.module.slug
            else:
                value = quote(text, safe="")  # what a browser sends for it
            url = url.replace(match.group(0), value)
        before = row_counts()
        last_seq = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) or 0
        if method == "GET":
            response = client.get(url, query_string=form)
        else:
            response = client.open(
                url, method=method, data={**form, "csrf_token": client.csrf_token()}
            )
        counts[label] += 1
        if response.status_code >= 500:
            errors.append(f"{label} {url[:80]} {form!r:.300}: {response.status}")
        elif response.status_code >= 400:
            after = row_counts()
            changed = {k for k in after if after[k] != before[k]}
            assert not changed - {"audit_events"}, (label, form, changed)
            if "audit_events" in changed:
                assert failure_events_only(last_seq), (label, form)

    send()


@pytest.mark.parametrize(
    "role", [None, *Role], ids=lambda r: r.value if r else "anonymous"
)
def test_no_generated_input_gets_a_server_error_or_changes_a_table_when_refused(
    role, app, client, make_user, world
):
    if role is not None:
        user = {Role.TRAINEE: world.trainee, Role.SUPERVISOR: world.supervisor}.get(
            role
        ) or make_user(role.value)
        AuthActions(client).login(user)
    counts: Counter[str] = Counter()
    errors: list[str] = []
    for rule, method in fuzz_targets(app, role):
        fuzz_route(client, world, rule, method, counts, errors)
    who = role.value if role else "anonymous"
    for label, count in sorted(counts.items()):
        print(f"fuzz {who}: {label}: {count} inputs")
    print(f"fuzz {who}: server errors: {len(errors)}")
    assert not errors, "\n".join(errors[:20])
