"""Finding text that looks like it identifies a client. Pure functions, no Flask.

Practice logs and other free text kept in the record must be de-identified. This check is a
safety net, not a guarantee: it catches the identifiers that have a recognisable shape (e-mail
addresses, phone numbers, full dates such as a date of birth, record and ID numbers, street
addresses such as "12 Elm Street, Springfield"), names written with a title ("Mrs Jane Doe",
"Dr Okafor"), and a capitalised given name on its own ("Maria", "Anne-Marie", "Maria's"), and
says what to remove and where it is.

Given names come from the US-census-derived lists that zxcvbn ships (trainer/privacy/names.py
says why those: maintained, already a dependency, tiny; the names-dataset package needs
gigabytes). A given name on its own may be an ordinary word ("Grace", "Rose"), so it is a
*possible* name (``Finding.possible``): the practice log form lets its writer confirm that none
of the words so marked is a person's name. Every other finding is refused outright. Given names
that the curriculum uses as words (in lower case, or after an article: "a Christian
counsellor"), month names (dates are their own finding) and a given name written after an
article ("a Latina client") are not findings.

The check runs on every form submission, so its time must grow linearly with the text (a
backtracking pattern that is quadratic let one request hold a worker for half a minute). Each
pattern keeps to three rules that make Python's backtracking engine linear:

- an unbounded repetition starts only at the start of a run: a lookbehind refuses a start inside
  a run of the characters it repeats (e-mail, long numbers), or a literal keyword must come first
  (record numbers, dates of birth), so no two attempts scan the same run;
- two adjacent repetitions never match the same character (spaces, then an optional word with
  the spaces after it; not spaces, an optional word, spaces again), so backtracking out of one
  costs one step per character;
- everything else is bounded (two to six digits, up to twelve characters).

Given names are found without a pattern per name: a bounded pattern picks out capitalised words
(one attempt per word, at most forty characters each), then each part is looked up in a set,
and the article before it is read in at most six characters.

tests/practice/test_deidentify.py times the worst inputs at two lengths, and
bench/bench_deidentify.py measures the longest text a form accepts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from . import names

EMAIL = "e-mail address"
PHONE = "phone number"
DATE = "date"
DATE_OF_BIRTH = "date of birth"
RECORD_NUMBER = "record number"
NAME = "name"
ADDRESS = "street address"

#: titles written before a name; capitalised ("Mrs", "Dr") or as typed in lower case ("mrs")
_TITLE = r"(?:[Mm]rs|[Mm]r|[Mm]s|Miss|[Mm]x|[Dd]r|[Pp]rof|Professor|Mister|Madam|Sir)"
#: a capitalised word of a name: Jane, O'Brien, Smith-Jones (bounded)
_NAME_WORD = r"[A-Z][a-z'’-]{0,30}"
_STREET_TYPE = (
    r"(?i:street|st|avenue|ave|road|rd|lane|ln|drive|boulevard|blvd|court|ct|place|pl"
    r"|way|terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|row|alley)"
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
#: a calendar date with at least a day and a month: 3/14/1990, 14.03, 14 March 1990, March 14
_CALENDAR = (
    r"(?:\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"
    r"|" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\.?(?:,?\s+" + _YEAR + r")?"
    r"|" + _MONTH + r"\.?\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        EMAIL,
        re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE),
    ),
    (
        DATE_OF_BIRTH,
        re.compile(
            r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date)[\s:#-]*+[^\n\d]{0,12}?"
            r"(?:" + _CALENDAR + r"|\d+)",
            re.IGNORECASE,
        ),
    ),
    (
        DATE_OF_BIRTH,
        re.compile(
            r"\bborn\s+(?:on\s+|in\s+)?(?:the\s+)?(?:"
            + _CALENDAR
            + r"|"
            + _YEAR
            + r")\b",
            re.IGNORECASE,
        ),
    ),
    (
        DATE,
        re.compile(
            # 12/03/1990, 12-3-90, 12.03.1990 (three numeric parts)
            r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/-])"
            # 1990-03-12, 1990/3/12
            r"|(?<![\w/.-])" + _YEAR + r"[/.-]\d{1,2}[/.-]\d{1,2}(?![\w/-])"
            # 12 March 1990, 12th of Mar. 1990
            r"|\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+" + _YEAR + r"\b"
            # March 12, 1990
            r"|\b" + _MONTH + r"\.?\s+" + _DAY + r",?\s+" + _YEAR + r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        RECORD_NUMBER,
        re.compile(
            r"\b(?:mrn|m\.r\.n\.?|ssn|nhs|medicaid|medicare"
            r"|(?:medical\s+)?record|chart|case|file|patient|client|member|account|insurance|policy|id)"
            r"\s*(?:(?:number|no\.?|num\.?|nr\.?|#|id)\s*)?(?:[:#=]\s*)?[A-Z]{0,3}-?\d(?:[\d-]|\s(?=\d)){2,}\b",
            re.IGNORECASE,
        ),
    ),
    (
        RECORD_NUMBER,
        re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"),
    ),  # US social security number
    (
        PHONE,
        re.compile(
            r"(?<![\w/.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,6}){1,4}(?![\w/]|\.\d)"
            r"|(?<![\w/.])\+?\d{7,15}(?![\w/]|\.\d)"
        ),
    ),
    (RECORD_NUMBER, re.compile(r"(?<![\w.,-])[A-Z]{0,3}\d{6,}(?![\w.,-]|\.\d)")),
    (
        # 12 Elm Street, Springfield · 4B Rue Road · 221 Baker St.: a house number (starting a
        # run of digits), one to three capitalised words, a street type, then the town if given
        ADDRESS,
        re.compile(
            r"(?<![\w/.,-])\d{1,5}[A-Za-z]?\s{1,3}(?:"
            + _NAME_WORD
            + r"\s{1,3}){1,3}"
            + _STREET_TYPE
            + r"\b\.?(?:,[ \t]{0,3}"
            + _NAME_WORD
            + r"(?:[ \t]"
            + _NAME_WORD
            + r"){0,2})?"
        ),
    ),
    (
        # Mrs Jane Doe · Dr. Okafor · mr Smith: a title (a keyword first), then one to three
        # capitalised words
        NAME,
        re.compile(
            r"\b"
            + _TITLE
            + r"\.?[ \t]{1,3}"
            + _NAME_WORD
            + r"(?:[ \t]"
            + _NAME_WORD
            + r"){0,2}\b"
        ),
    ),
]

# Number-shaped text that is not an identifier: year ranges (2019-2020) and score ranges.
_YEAR_RANGE = re.compile(r"^" + _YEAR + r"\s?[-–]\s?" + _YEAR + r"$")


#: a capitalised word, with its joined parts (Anne-Marie, O'Neil, Maria's); it starts where no
#: word character or joiner comes before, and is bounded, so each word is read once
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][A-Za-z'’-]{0,40}(?![\w'’-])")
#: the parts of such a word: Anne, Marie; O, Neil
_PART = re.compile(r"[A-Za-z]+")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int
    #: a given name on its own, which may be an ordinary word: the writer may confirm it is not
    #: a person's name (every other finding is refused outright)
    possible: bool = False


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The given names looked for, in lower case (month names are dates, not names)."""
    month = re.compile(_MONTH, re.IGNORECASE)
    return frozenset(name for name in names.given_names() if not month.fullmatch(name))


def _given_names(text: str) -> list[Finding]:
    known = given_names()
    found = []
    for match in _CAPITALISED.finditer(text):
        word = _POSSESSIVE.sub("", match.group(0)).rstrip("-")
        is_name = any(
            part[0].isupper() and part[1:].islower() and part.lower() in known
            for part in _PART.findall(word)
        )
        if is_name and not names.after_article(text, match.start()):
            start = match.start()
            found.append(Finding(NAME, word, start, start + len(word), possible=True))
    return found


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _plausible(kind: str, text: str) -> bool:
    if kind == PHONE:
        return 7 <= _digits(text) <= 15 and not _YEAR_RANGE.match(text.strip())
    return True


def find_identifiers(text: str) -> list[Finding]:
    """The identifier-like passages of ``text``, in order, without overlaps."""
    candidates = [
        Finding(kind, match.group(0).strip(), *match.span())
        for kind, pattern in _PATTERNS
        for match in pattern.finditer(text)
    ]
    # given names last: the "Jane" of "Mrs Jane Doe" is part of a titled name
    candidates.extend(_given_names(text))
    findings: list[Finding] = []
    # the spans taken so far, disjoint and sorted: an overlap check is two comparisons
    starts: list[int] = []
    ends: list[int] = []
    for finding in candidates:
        start, end = finding.start, finding.end
        index = bisect.bisect_right(starts, start)
        if (index > 0 and ends[index - 1] > start) or (
            index < len(starts) and starts[index] < end
        ):
            continue
        if not _plausible(finding.kind, finding.text):
            continue
        findings.append(finding)
        starts.insert(index, start)
        ends.insert(index, end)
    return sorted(findings, key=lambda finding: finding.start)


def certain(findings: list[Finding]) -> list[Finding]:
    """The findings that are refused outright (all but the possible names)."""
    return [finding for finding in findings if not finding.possible]


def where(finding: Finding) -> str:
    """Where a finding is, in words a writer can use: "characters 5 to 16"."""
    return f"characters {finding.start + 1} to {finding.end}"


def describe(findings: list[Finding]) -> str:
    """A message that names every finding and where it is, e.g. 'Remove the e-mail address
    “a@b.org” (characters 5 to 11).'"""
    parts = [
        f"the {'possible ' if finding.possible else ''}{finding.kind} “{finding.text}” "
        f"({where(finding)})"
        for finding in findings
    ]
    listed = (
        parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    )
    return (
        f"This looks like it identifies someone. Remove {listed}: keep records free of names, "
        "addresses, contact details, dates of birth and record numbers (the practice date has "
        "its own field)."
    )
