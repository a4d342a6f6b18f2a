"""Names written with a title and street addresses are refused with where they are; a first
name on its own is not recognised (the practice page says so); the modules' own clinical text
raises no false alarm."""

from __future__ import annotations

import pytest

from tests.pagetools import check_page, form_value
from tests.practice.test_views import key, log_form, logs_of
from trainer.content.loader import load_curriculum
from trainer.privacy.deidentify import ADDRESS, NAME, describe, find_identifiers


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("I met Mrs Jane Doe at intake.", NAME, "Mrs Jane Doe"),
        ("Dr. Okafor referred him.", NAME, "Dr. Okafor"),
        ("we spoke to mr Smith", NAME, "mr Smith"),
        (
            "She lives at 12 Elm Street, Springfield now.",
            ADDRESS,
            "12 Elm Street, Springfield",
        ),
        ("moved to 4B Queen Anne Road last year", ADDRESS, "4B Queen Anne Road"),
    ],
)
def test_titled_names_and_street_addresses_are_found_where_they_are(text, kind, found):
    [finding] = find_identifiers(text)
    assert (finding.kind, finding.text) == (kind, found)
    assert text[finding.start : finding.end] == found
    start = text.index(found) + 1
    assert f"({'characters'} {start} to {start + len(found) - 1})" in describe(
        [finding]
    )


def test_every_finding_is_named_with_its_place():
    text = "Mrs Jane Doe, Maria, 12 Elm Street, Springfield"
    message = describe(find_identifiers(text))
    assert "the name “Mrs Jane Doe” (characters 1 to 12)" in message
    assert (
        "the street address “12 Elm Street, Springfield” (characters 22 to 47)"
        in message
    )
    assert "more" not in message


def test_a_first_name_alone_is_not_recognised_and_the_page_says_so(
    client, auth, trainee, module
):
    assert find_identifiers("I met Maria at intake.") == []
    auth.login(trainee)
    page = check_page(client.get(f"/practice?competency={key(module)}").text)
    assert "It cannot recognise a first name on its own (such as “Maria”)" in " ".join(
        page.text.split()
    )


@pytest.mark.parametrize(
    "clinical",
    [
        "Reflected the client's grief at 3 sessions; she said she felt stuck.",
        "Dr visits were discussed in general terms.",
        "Used the Outcome Rating Scale at session 12 and the Session Rating Scale after.",
        "We set 2 goals for the next 6 weeks.",
    ],
)
def test_clinical_sentences_raise_no_alarm(clinical):
    assert find_identifiers(clinical) == []


def test_no_module_text_raises_an_alarm_except_its_vignettes_titled_names(app):
    """Every module's body, metadata and quiz: the only findings are the fictional clients'
    names written with a title in the vignettes (true finds), never a clinical word."""
    curriculum = app.extensions["curriculum"] or load_curriculum()
    checked = 0
    for module in curriculum:
        for text in (module.module_source, module.quiz_source):
            for finding in find_identifiers(text):
                assert finding.kind == NAME, (module.slug, finding)
                assert finding.text.split()[0].rstrip(".") in {
                    "Mr",
                    "Mrs",
                    "Ms",
                    "Dr",
                }, (module.slug, finding)
            checked += 1
    assert checked == 2 * len(curriculum) >= 40


def test_a_log_with_a_titled_name_is_refused_with_its_place(
    client, auth, trainee, module
):
    auth.login(trainee)
    token = form_value(client.get(f"/practice?competency={key(module)}").text, "token")
    response = client.post(
        "/practice",
        data=log_form(trainee, module, token, reflection="Mrs Jane Doe cried."),
    )
    assert response.status_code == 422
    errors = check_page(response.text).find("div", id="reflection-errors").text
    assert "the name “Mrs Jane Doe” (characters 1 to 12)" in errors
    assert logs_of(trainee) == []
