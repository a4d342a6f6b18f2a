"""Inviting many people from CSV text (e-mail, name, role, cohort): every bad row's error named
with its line; the good rows invited."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import normalise_email
from trainer.program.models import Cohort, Program

from .models import Invitation
from .services import InvitationError, invitation_problem, invite

#: the most rows and characters one import may hold
MAX_ROWS = 500
MAX_CHARS = 100_000
#: roles a director invites from the People page (a reviewer's access needs an end date)
ROLES = {
    "trainee": Role.TRAINEE,
    "supervisor": Role.SUPERVISOR,
    "director": Role.DIRECTOR,
}
HEADER = ("email", "e-mail", "e-mail address", "email address")


@dataclass
class RowError:
    line: int
    message: str
    text: str


@dataclass
class ImportResult:
    invited: list[Invitation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed_text(self) -> str:
        """The rows not imported, as typed, to correct and send again."""
        return "\n".join(error.text for error in self.errors)


class ImportRefused(ValueError):
    """The whole text cannot be read (too large, not CSV); nothing was invited."""


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ImportRefused(
            f"The list is too long ({len(text):,} characters; at most {MAX_CHARS:,}). "
            "Split it into several imports."
        )


def decode(data: bytes) -> str:
    """The text of an uploaded file (UTF-8, with or without a byte-order mark)."""
    if len(data) > MAX_CHARS * 4:
        raise ImportRefused(
            f"The file is too large (at most {MAX_CHARS:,} characters)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "The file is not UTF-8 text. Save it from your spreadsheet as "
            "“CSV UTF-8 (comma delimited)” and upload it again."
        ) from None
    _check_size(text)
    return text


def _rows(text: str) -> list[tuple[int, list[str], str]]:
    _check_size(text)
    if "\x00" in text:
        raise ImportRefused("The list contains a NUL character; it is not a CSV file.")
    lines = text.splitlines()
    rows = []
    try:
        reader = csv.reader(io.StringIO(text))
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((line, cells, lines[line - 1] if line - 1 < len(lines) else ""))
            if len(rows) > MAX_ROWS + 1:
                raise ImportRefused(
                    f"The list has more than {MAX_ROWS} rows. Split it into several imports."
                )
    except csv.Error as error:
        raise ImportRefused(f"The list cannot be read as CSV: {error}.") from None
    if rows and rows[0][1][0].strip().lower() in HEADER:
        rows = rows[1:]
    return rows


def _row_problem(
    program: Program, cells: list[str], cohorts: dict[str, Cohort], seen: set[str]
) -> tuple[str | None, dict]:
    if len(cells) < 3:
        return "Give at least the e-mail address, the name and the role.", {}
    if len(cells) > 4:
        return "Too many columns: give e-mail, name, role and cohort only.", {}
    email, name, role_text = (cell.strip() for cell in cells[:3])
    cohort_name = cells[3].strip() if len(cells) == 4 else ""
    try:
        email = normalise_email(
            validate_email(email, check_deliverability=False).normalized
        )
    except EmailNotValidError:
        return f"“{email[:80]}” is not an e-mail address.", {}
    if len(email) > 254:
        return "The e-mail address is too long.", {}
    if not name:
        return "Give the person's name.", {}
    if len(name) > 200:
        return "The name is longer than 200 characters.", {}
    role = ROLES.get(role_text.lower())
    if role is None:
        if role_text.lower() == "reviewer":
            return (
                "Reviewers are invited with the date their access ends, on the program's "
                "reviewer page, not from this list.",
                {},
            )
        return (
            f"“{role_text[:40]}” is not a role: use trainee, supervisor or director.",
            {},
        )
    cohort = None
    if cohort_name:
        cohort = cohorts.get(cohort_name.lower())
        if cohort is None:
            known = ", ".join(sorted(c.name for c in cohorts.values())) or "none yet"
            return (
                f"There is no cohort “{cohort_name[:80]}” (the cohorts: {known}).",
                {},
            )
    if email in seen:
        return f"{email} appears twice in the list.", {}
    problem = invitation_problem(program, email, role, cohort)
    if problem:
        return problem, {}
    return None, {"email": email, "name": name, "role": role, "cohort": cohort}


def invite_many(
    program: Program, text: str, cohorts: list[Cohort], *, by: User
) -> ImportResult:
    """Invite every good row; raises ImportRefused when the text cannot be read at all."""
    by_name = {cohort.name.lower(): cohort for cohort in cohorts}
    result = ImportResult()
    seen: set[str] = set()
    for line, cells, raw in _rows(text):
        problem, values = _row_problem(program, cells, by_name, seen)
        if problem is None:
            try:
                result.invited.append(invite(program, by=by, **values))
                seen.add(values["email"])
                continue
            except InvitationError as error:
                problem = str(error)
        result.errors.append(RowError(line, problem, raw))
    return result
