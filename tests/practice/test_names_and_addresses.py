"""Names written with a title, given names on their own and street addresses are refused with
where they are; a lone given name (which may be an ordinary word) can be confirmed as not a name;
the modules' own clinical text raises no false alarm."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.pagetools import check_page, form_value
from tests.practice.test_views import key, log_form, logs_of
from trainer.audit.models import AuditEvent
from trainer.content.loader import load_curriculum
from trainer.core.extensions import db
from trainer.privacy.deidentify import (
    ADDRESS,
    EMAIL,
    NAME,
    certain,
    describe,
    find_identifiers,
)


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


def test_a_titled_name_a_given_name_and_an_address_are_three_findings_each_placed():
    text = "Mrs Jane Doe, Maria, 12 Elm Street, Springfield"
    findings = find_identifiers(text)
    assert [(f.kind, f.text, f.start, f.end, f.possible) for f in findings] == [
        (NAME, "Mrs Jane Doe", 0, 12, False),
        (NAME, "Maria", 14, 19, True),
        (ADDRESS, "12 Elm Street, Springfield", 21, 47, False),
    ]
    message = describe(findings)
    assert "the name “Mrs Jane Doe” (characters 1 to 12)" in message
    assert "the possible name “Maria” (characters 15 to 19)" in message
    assert (
        "the street address “12 Elm Street, Springfield” (characters 22 to 47)"
        in message
    )
    assert "more" not in message


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I met Maria at intake.", "Maria"),
        ("Maria's mother came too.", "Maria"),
        ("Anne-Marie said little.", "Anne-Marie"),
        ("she and O'Neil argued", "O'Neil"),
        ("“Carlos,” I said.", "Carlos"),
    ],
)
def test_a_given_name_alone_is_a_possible_name(text, found):
    [finding] = find_identifiers(text)
    assert (finding.kind, finding.text, finding.possible) == (NAME, found, True)
    assert text[finding.start : finding.end] == found


@pytest.mark.parametrize(
    "clinical",
    [
        "Reflected the client's grief at 3 sessions; she said she felt stuck.",
        "Dr visits were discussed in general terms.",
        "Used the Outcome Rating Scale at session 12 and the Session Rating Scale after.",
        "We set 2 goals for the next 6 weeks.",
        # given names that are words: the curriculum uses them in lower case ...
        "Faith in the treatment grew; Patience helped. Mark each rupture.",
        # ... or after an article, where no person's name goes
        "She described herself as a Latina client and we spoke about it.",
        "He asked for a Christian counsellor.",
        # month names are dates, not names
        "In April and in June she felt better.",
        # all capitals is an acronym, not a name
        "The ORS and the SRS; MARIA is a study's acronym.",
    ],
)
def test_clinical_sentences_raise_no_alarm(clinical):
    assert find_identifiers(clinical) == []


@pytest.mark.parametrize(
    "sentence",
    [
        # modules/religion-spirituality.md and its quiz
        "If I were a good Christian I wouldn't feel this depressed. It means my faith is weak.",
        'any counselling offered under a religious name ("Christian counselling" at a church)',
        "so Christian counselling at church would give her",
        "the Christian counselling our church offers",
    ],
)
def test_christian_in_the_curriculum_sentences_is_a_word(sentence):
    assert find_identifiers(sentence) == []


def _words_used_as_words(texts: list[str]) -> set[str]:
    """Every word the texts write in lower case or right after an article, in lower case."""
    words: set[str] = set()
    for text in texts:
        words.update(re.findall(r"(?<![\w'’-])[a-z]+(?![\w'’])", text))
        words.update(
            word.lower()
            for word in re.findall(r"\b(?:[Aa]n?|[Tt]he)\s+([A-Z][a-z]+)", text)
        )
    return words


def test_no_module_text_raises_an_alarm_except_its_vignettes_names(app):
    """Every module's body, metadata and quiz: the only findings are names, either written with
    a title or a given name the curriculum never uses as a word (never in lower case, never
    after an article) — the fictional clients and therapists of the vignettes and dialogues
    and the authors of its citations — never a clinical word."""
    curriculum = app.extensions["curriculum"] or load_curriculum()
    texts = [
        text
        for module in curriculum
        for text in (module.module_source, module.quiz_source)
    ]
    words = _words_used_as_words(texts)
    given = set()
    for text in texts:
        findings = find_identifiers(text)
        for finding in certain(findings):
            assert finding.kind == NAME, finding
            assert finding.text.split()[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"}
        for finding in findings:
            if finding.possible:
                assert finding.kind == NAME
                # each capitalised part (Hyun-woo) that is a given name is never a word
                parts = re.findall(r"[A-Z][a-z]+", finding.text)
                assert parts, finding
                assert not {part.lower() for part in parts} & words, finding
                given.add(finding.text)
    assert len(texts) == 2 * len(curriculum) >= 40
    # the quiz vignettes' clients are true finds
    assert {"Aisha", "Carlos", "Marcus", "Maya", "Thomas"} <= given
    assert "Christian" not in given


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


def _post_log(client, trainee, module, **fields):
    token = form_value(client.get(f"/practice?competency={key(module)}").text, "token")
    return client.post("/practice", data=log_form(trainee, module, token, **fields))


def _confirmation_box(page):
    boxes = page.find_all("input", name="not_names")
    return boxes[0] if boxes else None


def test_a_given_name_alone_is_refused_with_its_place_and_the_text_is_kept(
    client, auth, trainee, module
):
    auth.login(trainee)
    response = _post_log(client, trainee, module, reflection="I met Maria at intake.")
    assert response.status_code == 422
    page = check_page(response.text)
    errors = " ".join(page.find("div", id="reflection-errors").text.split())
    assert "the possible name “Maria” (characters 7 to 11)" in errors
    assert "I met Maria at intake." in page.find("textarea", id="reflection").text
    box = _confirmation_box(page)
    assert box is not None
    assert "checked" not in box.attrs
    label = page.find("label", for_=box.attrs["id"]).text
    assert label == "None of the words marked as possible names is a person’s name"
    assert logs_of(trainee) == []


def test_the_box_is_not_offered_when_nothing_is_found(client, auth, trainee, module):
    auth.login(trainee)
    page = check_page(client.get(f"/practice?competency={key(module)}").text)
    assert _confirmation_box(page) is None
    response = _post_log(client, trainee, module, reflection="")
    assert response.status_code == 422
    assert _confirmation_box(check_page(response.text)) is None


def _events(action):
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))
    )


def test_ticking_the_box_records_the_log_and_says_so_on_its_audit_event(
    client, auth, trainee, module
):
    auth.login(trainee)
    text = "Grace under pressure was the theme."
    response = _post_log(client, trainee, module, reflection=text, not_names="y")
    assert response.status_code == 302
    [log] = logs_of(trainee)
    assert log.reflection == text
    [event] = _events("practice.logged")
    assert event.payload["possible_names_confirmed"] is True
    # the audit event holds a yes or no, never the words
    assert "Grace" not in str(event.payload)


def test_a_log_without_possible_names_records_no_confirmation(
    client, auth, trainee, module
):
    auth.login(trainee)
    response = _post_log(client, trainee, module, not_names="y")
    assert response.status_code == 302
    [event] = _events("practice.logged")
    assert event.payload["possible_names_confirmed"] is False


def test_a_possible_name_beside_an_e_mail_cannot_be_let_through(
    client, auth, trainee, module
):
    auth.login(trainee)
    fields = {
        "what_i_did": "I met Maria at intake.",
        "reflection": "She wrote from maria@example.org.",
    }
    response = _post_log(client, trainee, module, **fields)
    assert response.status_code == 422
    page = check_page(response.text)
    assert _confirmation_box(page) is None
    assert EMAIL in page.find("div", id="reflection-errors").text
    # ticking the box anyway (a crafted post) lets nothing through, and the name is still named
    response = _post_log(client, trainee, module, not_names="y", **fields)
    assert response.status_code == 422
    page = check_page(response.text)
    assert _confirmation_box(page) is None
    assert "the possible name “Maria” (characters 7 to 11)" in " ".join(
        page.find("div", id="what_i_did-errors").text.split()
    )
    # one field with both: both are named
    both = "I met Maria; she wrote from maria@example.org."
    response = _post_log(client, trainee, module, not_names="y", reflection=both)
    errors = check_page(response.text).find("div", id="reflection-errors").text
    assert "“Maria” (characters 7 to 11)" in " ".join(errors.split())
    assert "maria@example.org" in errors
    assert logs_of(trainee) == []


def test_a_correction_with_a_possible_name_is_refused_until_confirmed(
    client, auth, trainee, module
):
    from tests.factories.supervision import log_practice

    original = log_practice(trainee, module)
    auth.login(trainee)
    page = client.get(f"/practice/{original.id}/correct").text
    data = log_form(
        trainee, module, form_value(page, "token"), reason="Rose misread the date."
    )
    response = client.post(f"/practice/{original.id}/correct", data=data)
    assert response.status_code == 422
    page = check_page(response.text)
    assert "the possible name “Rose” (characters 1 to 4)" in " ".join(
        page.find("div", id="reason-errors").text.split()
    )
    assert _confirmation_box(page) is not None
    response = client.post(
        f"/practice/{original.id}/correct", data={**data, "not_names": "y"}
    )
    assert response.status_code == 302
    [event] = _events("practice.corrected")
    assert event.payload["possible_names_confirmed"] is True


def test_the_service_refuses_a_possible_name_unless_the_trainee_confirmed(
    trainee, module
):
    from tests.factories.supervision import log_input
    from trainer.practice.services import submit_log
    from trainer.privacy.check import IdentifierFound

    competency = module.meta.competencies[0]
    with pytest.raises(IdentifierFound, match="possible name “Maria”"):
        submit_log(
            trainee,
            module,
            competency,
            log_input(trainee, reflection="I met Maria at intake."),
            token="n-1",
        )
    confirmed = log_input(trainee, reflection="Grace helped.", names_confirmed=True)
    _log, created = submit_log(trainee, module, competency, confirmed, token="n-2")
    assert created
    # confirming never lets another finding through
    with pytest.raises(IdentifierFound, match="e-mail address"):
        submit_log(
            trainee,
            module,
            competency,
            log_input(trainee, reflection="Grace: g@x.org", names_confirmed=True),
            token="n-3",
        )


def test_the_page_says_exactly_what_is_caught(client, auth, trainee, module):
    auth.login(trainee)
    page = check_page(client.get(f"/practice?competency={key(module)}").text)
    text = " ".join(page.text.split())
    assert "common first names written with a capital (such as “Maria”)" in text
    assert "it does not recognise a surname on its own" in text
