"""The worst texts for the identifier check: each repeats a short unit (a character or a piece of
an identifier) up to a length, so that a pattern with a super-linear path spends it on every
position. Shared by tests/practice/test_deidentify.py and bench/bench_deidentify.py."""

from __future__ import annotations

import string

#: pieces of the shapes the patterns look for: keywords, separators, parts of dates and numbers
PIECES = [
    "a@",
    "a@b.",
    "a.",
    "a'",
    "a-",
    "a+",
    "1-",
    "1.",
    "1/",
    "1 ",
    "12 ",
    "1-1",
    "12/3",
    "+1 ",
    "(12)",
    "(12) ",
    "1st ",
    "1 march ",
    "march 1 ",
    "march ",
    "mar. ",
    "1990 ",
    "id ",
    "id",
    "id#",
    "id: ",
    "mrn ",
    "record number ",
    "patient id ",
    "no. ",
    "dob ",
    "dob",
    "d.o.b.",
    "date of birth ",
    "birth date ",
    "born ",
    "born on the ",
    "AB1",
    "A1",
    "123-45-",
    "1 1-",
    "Mrs ",
    "Mrs Jane ",
    "Dr. ",
    "Jane ",
    "J",
    "12 Elm ",
    "12 Elm Street, ",
    "1 A ",
    "O'",
    "\n",
    "\t",
    "é",
    "٣",
]
#: after a keyword, a long run of what may follow it
RUNS_AFTER = [
    "id",
    "mrn",
    "dob",
    "date of birth",
    "born",
    "record",
    "march",
    "1",
    "a@b",
    "Mrs",
    "12",
    "12 Elm",
]


def worst_texts(length: int) -> dict[str, str]:
    """Name -> text of exactly ``length`` characters."""
    texts: dict[str, str] = {}
    for unit in [*string.printable, *PIECES]:
        texts[f"repeat {unit!r}"] = (unit * (length // len(unit) + 1))[:length]
    for keyword in RUNS_AFTER:
        for filler in (" ", "-", ":", "1", "#", " 1"):
            body = keyword + filler * length
            texts[f"{keyword!r} then {filler!r}"] = body[: length - 1] + "x"
    return texts
