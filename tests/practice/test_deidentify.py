"""The identifier check behind the practice log form: many shapes of identifiers are found,
and ordinary clinical writing with numbers in it is left alone."""

from __future__ import annotations

import time

import pytest

from bench.adversarial import worst_texts
from trainer.practice.forms import TEXT_LIMIT
from trainer.privacy.deidentify import (
    DATE,
    DATE_OF_BIRTH,
    EMAIL,
    PHONE,
    RECORD_NUMBER,
    describe,
    find_identifiers,
)

IDENTIFYING = [
    ("Contact her at jane.doe@example.org later", EMAIL, "jane.doe@example.org"),
    ("email JDoe+1@mail.co.uk after the session", EMAIL, "JDoe+1@mail.co.uk"),
    (
        "her partner's address o'brien@clinic.example.com",
        EMAIL,
        "o'brien@clinic.example.com",
    ),
    ("call 555-123-4567 to reschedule", PHONE, "555-123-4567"),
    ("phone (555) 123-4567", PHONE, "(555) 123-4567"),
    ("Her number is +44 20 7946 0958", PHONE, "+44 20 7946 0958"),
    ("mobile 07700 900123", PHONE, "07700 900123"),
    ("ring 555 1234 tomorrow", PHONE, "555 1234"),
    ("number 5551234567", PHONE, "5551234567"),
    ("the crisis line 555.123.4567 was given", PHONE, "555.123.4567"),
    ("DOB 3/14/1990", DATE_OF_BIRTH, "DOB 3/14/1990"),
    ("D.O.B.: 14.03.1990", DATE_OF_BIRTH, "D.O.B.: 14.03.1990"),
    ("date of birth: 14 March 1990", DATE_OF_BIRTH, "date of birth: 14 March 1990"),
    ("born on March 14, 1990", DATE_OF_BIRTH, "born on March 14, 1990"),
    ("born 14th of March 1990", DATE_OF_BIRTH, "born 14th of March 1990"),
    ("Born 1/2/03 in the city", DATE_OF_BIRTH, "Born 1/2/03"),
    ("birthdate is the 3rd of May", DATE_OF_BIRTH, "birthdate is the 3rd of May"),
    ("born in 1985 in Ohio", DATE_OF_BIRTH, "born in 1985"),
    ("DOB 1990", DATE_OF_BIRTH, "DOB 1990"),
    ("seen 2023-10-12 in clinic", DATE, "2023-10-12"),
    ("on 12/03/2023 she said", DATE, "12/03/2023"),
    ("on 12-3-23 she said", DATE, "12-3-23"),
    ("first met on 3 March 2024 at intake", DATE, "3 March 2024"),
    ("first met on Sept. 4, 2024", DATE, "Sept. 4, 2024"),
    ("MRN 1234567", RECORD_NUMBER, "MRN 1234567"),
    ("MRN: A123456", RECORD_NUMBER, "MRN: A123456"),
    ("record #48213", RECORD_NUMBER, "record #48213"),
    ("medical record number 00123", RECORD_NUMBER, "medical record number 00123"),
    ("chart no. 8812", RECORD_NUMBER, "chart no. 8812"),
    ("patient ID 4471-22", RECORD_NUMBER, "patient ID 4471-22"),
    ("case number: 2023-0412", RECORD_NUMBER, "case number: 2023-0412"),
    ("SSN 123-45-6789", RECORD_NUMBER, "SSN 123-45-6789"),
    ("ssn was 123-45-6789", RECORD_NUMBER, "123-45-6789"),
    ("client id 99812", RECORD_NUMBER, "client id 99812"),
    ("his insurance number is XZ1234567", RECORD_NUMBER, "XZ1234567"),
    ("NHS number 943 476 5919", RECORD_NUMBER, "NHS number 943 476 5919"),
]

ORDINARY = [
    "The client (a woman in her 30s) described feeling unheard.",
    "Session 3 of 12; we spent 45-50 minutes on goals.",
    "PHQ-9 went from 18 to 11 over 6 weeks.",
    "Her score was 14/27 on the measure.",
    "She was born in Ohio and moved at 12.",
    "He was born at 32 weeks and spoke about it.",
    "We talked about her birthday party.",
    "Over the 2019-2020 school year things changed.",
    "About 2/3 of the session was spent on the rupture.",
    "ORS rose from 21.5 to 28.4 by week 4.",
    "In March she said she felt better.",
    "Group of 8 adolescents, ages 13-15.",
    "I used the 5-point scale and rated 3.",
    "He is 45 years old and works in IT.",
    "We met for 90 minutes on a Tuesday.",
    "The SRS total was 36.2 out of 40.",
    "The case was discussed with the team.",
    "I asked the client to rate the session from 0-10.",
    "Took 1.5 hours, 3 breaks.",
    "She earns $45,000 a year.",
    "Room 101 was used.",
    "Patient seemed tired.",
    "The file had 3 pages.",
    "Follow-up in 2 weeks; 1 no-show.",
    "Version 2.0.1 of the protocol.",
    "The client's 2nd session went better than the 1st.",
    "The case from 2021 came up again.",
    "He was born again, he says.",
    "",
]


@pytest.mark.parametrize(("text", "kind", "found"), IDENTIFYING)
def test_it_finds_identifiers(text, kind, found):
    findings = find_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]


@pytest.mark.parametrize("text", ORDINARY)
def test_it_leaves_ordinary_clinical_writing_alone(text):
    assert find_identifiers(text) == []


def test_it_finds_several_in_order_without_overlap():
    text = "Reach me at a@b.org or 555-123-4567; DOB 3/4/1990."
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == [EMAIL, PHONE, DATE_OF_BIRTH]
    assert [text[f.start : f.end].strip() for f in findings] == [
        f.text for f in findings
    ]


def test_the_message_says_what_to_remove():
    message = describe(find_identifiers("call 555-123-4567 or write to x@y.org"))
    assert (
        "Remove the phone number “555-123-4567” (characters 6 to 17) and the e-mail "
        "address “x@y.org” (characters 31 to 37)" in message
    )
    assert "practice date has its own field" in message


def test_the_message_names_every_finding_and_where_it_is():
    text = "a@b.org c@d.org e@f.org g@h.org h@i.org"
    message = describe(find_identifiers(text))
    assert "more" not in message
    for address in text.split():
        assert f"“{address}”" in message
    assert "“h@i.org” (characters 33 to 39)" in message


def _cpu_seconds(text: str, repeat: int = 2) -> float:
    """The least CPU time of this thread over ``repeat`` checks (other processes on the machine
    do not count, so the figure is steady under load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        find_identifiers(text)
        best = min(best, time.thread_time() - start)
    return best


@pytest.fixture(scope="module")
def longest_texts_timed() -> dict[str, float]:
    """Seconds to check each worst text at the longest length a form accepts."""
    return {name: _cpu_seconds(text) for name, text in worst_texts(TEXT_LIMIT).items()}


class TestTheCheckTakesLinearTime:
    """Quadratic patterns let one long field hold a worker for half a minute (the probe's
    finding 1). Each of the worst texts (bench/adversarial.py) is timed at the longest length a
    form accepts and at a quarter of it: linear time is four times as long, quadratic sixteen."""

    def test_four_times_the_text_takes_at_most_eight_times_as_long(
        self, longest_texts_timed
    ):
        short = worst_texts(TEXT_LIMIT // 4)
        slow = {}
        for name, seconds in longest_texts_timed.items():
            if seconds > 0.002:  # below that the ratio is timer noise
                ratio = seconds / max(_cpu_seconds(short[name]), 1e-6)
                if ratio > 8:
                    slow[name] = round(ratio, 1)
        assert not slow, f"super-linear on {slow}"

    def test_the_longest_text_a_form_accepts_is_checked_well_under_100_ms(
        self, longest_texts_timed
    ):
        name, seconds = max(longest_texts_timed.items(), key=lambda item: item[1])
        assert seconds < 0.1, (name, seconds)
