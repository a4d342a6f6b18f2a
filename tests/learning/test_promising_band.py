"""The modules the 2011 task force rated promising: their own band in the catalogue, below the
effective ones, and optional unless the trainee's program counts them towards its
requirements."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories.supervision import take_attempt
from tests.learning.quiztaker import QuizTaker
from tests.learning.test_views import (
    EFFECTIVE,
    PROMISING,
    REQUIRED_BY_DEFAULT,
    catalogue_bands,
    module_card,
    progress_row,
)
from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.program.catalogue import required_slugs
from trainer.program.services import set_promising_required
from trainer.record.pages import trainee_summaries

PROMISING_SLUGS = {
    "rupture-repair",
    "countertransference",
    "congruence",
    "expectations",
    "attachment-style",
}
REQUIRED = "Required by your program"
OPTIONAL = "Optional: not required by your program"


@pytest.fixture
def promising_required(program, director):
    set_promising_required(program, True, by=director)
    return program


def totals(html: str) -> dict[str, str]:
    page = check_page(html)
    section = page.find("section", aria_labelledby="totals")
    found = {"all": section.text}
    for which in ("required", "optional"):
        lists = section.find_all("ul", aria_labelledby=f"totals-{which}")
        if lists:
            found[which] = lists[0].text
    return found


def test_the_curriculum_rates_these_five_promising(curriculum):
    assert {
        module.slug
        for module in curriculum
        if module.meta.levels["apa-2011"] == "promising"
    } == PROMISING_SLUGS


class TestCatalogueBand:
    def test_a_trainee_sees_the_promising_band_below_the_effective_one(
        self, signed_in, curriculum
    ):
        bands = catalogue_bands(signed_in.get("/modules").text)
        assert list(bands) == [EFFECTIVE, PROMISING]
        promising = bands[PROMISING]
        assert list(promising) == [
            "Elements of the relationship",
            "Methods of adapting therapy",
        ]
        assert set(promising["Elements of the relationship"]) == {
            curriculum.get(slug).title
            for slug in ("rupture-repair", "countertransference", "congruence")
        }
        assert set(promising["Methods of adapting therapy"]) == {
            curriculum.get("expectations").title,
            curriculum.get("attachment-style").title,
        }
        effective_titles = {t for titles in bands[EFFECTIVE].values() for t in titles}
        assert not effective_titles & {
            curriculum.get(slug).title for slug in PROMISING_SLUGS
        }

    def test_every_card_says_in_words_whether_the_program_requires_it(
        self, signed_in, curriculum
    ):
        html = signed_in.get("/modules").text
        for module in curriculum:
            card = module_card(html, module.slug).text
            if module.slug in PROMISING_SLUGS:
                assert OPTIONAL in card, module.slug
            else:
                assert REQUIRED in card, module.slug
                assert OPTIONAL not in card, module.slug
        band = next(
            section
            for section in check_page(html).find("main").find_all("section")
            if section.find_all("h2") and section.find("h2").text == PROMISING
        )
        assert "Your program does not require them: they are optional." in band.text

    def test_a_program_that_counts_them_marks_them_required(
        self, signed_in, curriculum, promising_required
    ):
        html = signed_in.get("/modules").text
        for slug in PROMISING_SLUGS:
            assert REQUIRED in module_card(html, slug).text
            assert OPTIONAL not in module_card(html, slug).text
        assert "Your program requires them." in html


class TestRequirements:
    def test_promising_modules_are_not_required_by_default(self, trainee, curriculum):
        assert not trainee.program.is_promising_required
        required = required_slugs(trainee)
        assert len(required) == REQUIRED_BY_DEFAULT
        assert not required & PROMISING_SLUGS
        assert required | PROMISING_SLUGS == {module.slug for module in curriculum}

    def test_the_program_can_count_them(self, trainee, curriculum, promising_required):
        assert required_slugs(trainee) == {module.slug for module in curriculum}

    def test_turning_it_on_and_off_is_audited_once_each(self, program, director):
        set_promising_required(program, True, by=director)
        set_promising_required(program, True, by=director)
        set_promising_required(program, False, by=director)
        actions = list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.subject == f"program:{program.id}")
                .order_by(AuditEvent.seq)
            )
        )
        assert actions[-2:] == [
            "program.promising_required",
            "program.promising_optional",
        ]
        assert actions.count("program.promising_required") == 1
        assert not program.is_promising_required


class TestProgressTotals:
    def test_totals_count_the_required_modules_and_the_optional_ones_apart(
        self, signed_in, curriculum
    ):
        QuizTaker(signed_in, "rupture-repair").take(right=True)
        html = signed_in.get("/progress").text
        found = totals(html)
        assert (
            f"Required by your program: {REQUIRED_BY_DEFAULT} modules" in found["all"]
        )
        assert "Knowledge demonstrated: 0" in found["required"]
        assert f"Not started: {REQUIRED_BY_DEFAULT}" in found["required"]
        assert (
            "Optional (promising, not required by your program): 5 modules"
            in found["all"]
        )
        assert "Knowledge demonstrated: 1" in found["optional"]
        assert "Not started: 4" in found["optional"]
        assert OPTIONAL in progress_row(html, "rupture-repair").text
        assert REQUIRED in progress_row(html, "empathy").text

    def test_a_program_that_counts_them_totals_all_twenty(
        self, signed_in, curriculum, promising_required
    ):
        QuizTaker(signed_in, "rupture-repair").take(right=True)
        html = signed_in.get("/progress").text
        found = totals(html)
        assert f"Required by your program: {len(curriculum)} modules" in found["all"]
        assert "Knowledge demonstrated: 1" in found["required"]
        assert "optional" not in found
        assert REQUIRED in progress_row(html, "rupture-repair").text


class TestSupervisorCounts:
    def test_the_index_counts_required_modules_only(
        self, supervisor, trainee, curriculum
    ):
        take_attempt(trainee, curriculum.get("congruence"))
        take_attempt(trainee, curriculum.get("empathy"))
        [row] = trainee_summaries(supervisor, [trainee])
        assert (row.knowledge, row.modules) == (1, REQUIRED_BY_DEFAULT)

    def test_a_program_that_counts_them_counts_them_on_the_index(
        self, supervisor, trainee, curriculum, promising_required
    ):
        take_attempt(trainee, curriculum.get("congruence"))
        take_attempt(trainee, curriculum.get("empathy"))
        [row] = trainee_summaries(supervisor, [trainee])
        assert (row.knowledge, row.modules) == (2, len(curriculum))
