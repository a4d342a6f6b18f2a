"""The trainee's pages: the catalogue, a module, progress, and what a program's evidence
framework shows. The quiz itself is in test_quiz_views.py."""

from __future__ import annotations

import pytest

from tests.learning.content_files import drop_level, set_levels
from tests.pagetools import check_page, squash, strip_tags
from trainer.content.render import render_inline
from trainer.content.schema import KIND_LABELS, LEVEL_LABELS, Kind, Level
from trainer.core.extensions import db


def group_title(module, framework: str = "apa-2011") -> str:
    return f"{KIND_LABELS[module.kind]} — {LEVEL_LABELS[module.meta.levels[framework]]}"


def catalogue_bands(html: str) -> dict[str, dict[str, list[str]]]:
    """{band heading: {group heading: [module titles]}} in page order."""
    main = check_page(html).find("main")
    return {
        band.find("h2").text: {
            group.find("h3").text: [link.text for link in group.find_all("a")]
            for group in band.find_all("section")
        }
        for band in main.find_all("section")
        if band.find_all("h2")
    }


def catalogue_groups(html: str) -> dict[str, list[str]]:
    """{group heading: [module titles]} in page order, the group headings of a band below
    the effective one prefixed with the band's heading."""
    return {
        (group if band == EFFECTIVE else f"{band}: {group}"): titles
        for band, groups in catalogue_bands(html).items()
        for group, titles in groups.items()
    }


#: the 2011 framework rates fifteen modules demonstrably or probably effective
REQUIRED_BY_DEFAULT = 15
EFFECTIVE = "Demonstrably and probably effective"
PROMISING = "Promising: insufficient research to judge"


def module_card(html: str, slug: str):
    main = check_page(html).find("main")
    return next(
        card
        for card in main.find_all("li", class_="card")
        if card.find_all("a", href=f"/modules/{slug}")
    )


def progress_row(html: str, slug: str):
    main = check_page(html).find("main")
    return next(
        row for row in main.find_all("tr") if row.find_all("a", href=f"/modules/{slug}")
    )


def test_the_start_page_sends_a_trainee_to_the_catalogue(signed_in):
    response = signed_in.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/modules"


class TestCatalogue:
    def test_groups_effective_modules_by_kind_then_level_and_promising_ones_below_by_kind(
        self, signed_in, curriculum
    ):
        groups = catalogue_groups(signed_in.get("/modules").text)
        expected: dict[str, list[str]] = {}
        effective = [Level.DEMONSTRABLY, Level.PROBABLY]
        for kind in Kind:
            for level in effective:
                for module in curriculum:
                    if (module.kind, module.meta.levels["apa-2011"]) == (kind, level):
                        expected.setdefault(group_title(module), []).append(
                            module.title
                        )
        for kind in Kind:
            for module in curriculum:
                if (module.kind, module.meta.levels["apa-2011"]) == (
                    kind,
                    Level.PROMISING,
                ):
                    expected.setdefault(f"{PROMISING}: {KIND_LABELS[kind]}", []).append(
                        module.title
                    )
        assert sum(len(titles) for titles in expected.values()) == len(curriculum)
        assert list(groups) == list(expected)
        assert {title: sorted(titles) for title, titles in groups.items()} == {
            title: sorted(titles) for title, titles in expected.items()
        }

    def test_every_module_shows_its_status_as_text_and_a_progress_bar(
        self, signed_in, curriculum
    ):
        html = signed_in.get("/modules").text
        for module in curriculum:
            card = module_card(html, module.slug)
            assert "Status: Not started" in card.text
            bar = card.find(role="progressbar")
            assert bar.attrs["aria-valuetext"] == "not started (step 0 of 3)"
            assert bar.attrs["aria-label"] == f"{module.title}: not started"

    def test_status_follows_the_quiz_attempts(self, signed_in, quiz, module):
        quiz.take(right=False)
        card = module_card(signed_in.get("/modules").text, module.slug)
        assert "Status: In progress" in card.text
        assert card.find(role="progressbar").attrs["aria-valuenow"] == "1"
        quiz.take(right=True)
        card = module_card(signed_in.get("/modules").text, module.slug)
        assert "Status: Knowledge demonstrated" in card.text
        assert "best quiz score 100%" in card.text
        assert card.find(role="progressbar").attrs["aria-valuenow"] == "2"

    def test_other_roles_read_the_catalogue(self, client, auth, supervisor, curriculum):
        auth.login(supervisor)
        response = client.get("/modules")
        assert response.status_code == 200
        assert sum(
            len(titles) for titles in catalogue_groups(response.text).values()
        ) == len(curriculum)


class TestModulePage:
    def test_renders_objectives_evidence_competencies_body_and_references(
        self, signed_in, module
    ):
        response = signed_in.get(f"/modules/{module.slug}")
        assert response.status_code == 200
        main = check_page(response.text).find("main")
        text = main.text
        assert main.find("h1").text == module.title
        for objective in module.meta.objectives:
            assert squash(objective.text) in text
        assert squash(module.meta.evidence.summary) in text
        assert squash(module.meta.evidence.interpretation) in text
        assert module.body_html in response.text

    def test_every_figure_cites_its_reference(self, signed_in, module):
        main = check_page(signed_in.get(f"/modules/{module.slug}").text).find("main")
        body_rows = main.find("table").find("tbody").find_all("tr")
        assert len(body_rows) == len(module.meta.evidence.statistics)
        for row, stat in zip(body_rows, module.meta.evidence.statistics, strict=True):
            assert squash(stat.label) in row.text
            assert squash(stat.value) in row.text
            link = row.find("a")
            assert link.attrs["href"] == f"#ref-{stat.source}"
            reference = main.find("li", id=f"ref-{stat.source}")
            assert (
                strip_tags(render_inline(module.reference(stat.source).citation))
                in reference.text
            )

    def test_every_competency_has_its_rubric_anchors(self, signed_in, module):
        main = check_page(signed_in.get(f"/modules/{module.slug}").text).find("main")
        for competency in module.meta.competencies:
            heading = main.find("h3", id=f"competency-{competency.id}")
            assert heading.text == squash(competency.statement)
            card_text = next(
                card
                for card in main.find_all(class_="card")
                if any(e is heading for e in card.iter())
            ).text
            for level, anchor in competency.anchors.by_level().items():
                assert squash(anchor) in card_text, f"{competency.id} level {level}"
            assert "4 · Competent" in card_text

    def test_lists_every_reference(self, signed_in, module):
        main = check_page(signed_in.get(f"/modules/{module.slug}").text).find("main")
        for reference in module.meta.references:
            item = main.find("li", id=f"ref-{reference.id}")
            assert strip_tags(render_inline(reference.citation)) in item.text
            if reference.doi:
                assert f"https://doi.org/{reference.doi}" in item.text

    def test_a_trainee_is_offered_the_quiz(self, signed_in, module):
        page = check_page(signed_in.get(f"/modules/{module.slug}").text)
        assert (
            page.find("a", href=f"/modules/{module.slug}/quiz").text
            == "Take the scenario quiz"
        )

    def test_a_supervisor_reads_it_without_a_quiz_button(
        self, client, auth, supervisor, module
    ):
        auth.login(supervisor)
        response = client.get(f"/modules/{module.slug}")
        assert response.status_code == 200
        assert f'href="/modules/{module.slug}/quiz"' not in response.text

    def test_an_unknown_module_is_404(self, signed_in):
        assert signed_in.get("/modules/no-such-module").status_code == 404


class TestProgress:
    def test_status_goes_from_not_started_to_in_progress_to_knowledge_demonstrated(
        self, signed_in, quiz, module
    ):
        def status() -> str:
            return (
                progress_row(signed_in.get("/progress").text, module.slug)
                .find(class_="status")
                .text
            )

        assert status() == "Not started"
        quiz.take(right=False)
        assert status() == "In progress"
        quiz.take(right=True)
        assert status() == "Knowledge demonstrated"

    def test_shows_attempts_best_score_and_totals(
        self, signed_in, quiz, module, curriculum
    ):
        quiz.take(right=False)
        quiz.take(right=True)
        html = signed_in.get("/progress").text
        row = progress_row(html, module.slug)
        assert row.find("a", href=f"/modules/{module.slug}/quiz").text == "2"
        assert row.text.endswith("100%")
        page = check_page(html)
        required = page.find("ul", aria_labelledby="totals-required").text
        assert "Knowledge demonstrated: 1" in required
        assert f"Not started: {REQUIRED_BY_DEFAULT - 1}" in required
        totals = page.find("section", aria_labelledby="totals").text
        assert f"Required by your program: {REQUIRED_BY_DEFAULT} modules" in totals
        assert "Quiz attempts: 2" in totals

    def test_lists_every_module_of_the_framework(self, signed_in, curriculum):
        html = signed_in.get("/progress").text
        for module in curriculum:
            assert (
                progress_row(html, module.slug).find(class_="status").text
                == "Not started"
            )


class TestFramework:
    """A program follows one evidence framework; modules without a level in it are hidden."""

    @pytest.fixture
    def no_2019_levels(self, content_copy, use_content):
        for path in (content_copy / "modules").glob("*.md"):
            drop_level(path, "apa-2019")
        return use_content(content_copy)

    @pytest.fixture
    def on_2019(self, program):
        program.framework = "apa-2019"
        db.session.flush()
        return program

    def test_modules_without_a_level_are_not_listed(
        self, signed_in, no_2019_levels, on_2019
    ):
        response = signed_in.get("/modules")
        assert response.status_code == 200
        assert catalogue_groups(response.text) == {}
        assert (
            "No modules are available in your program's evidence framework yet."
            in response.text
        )
        progress = check_page(signed_in.get("/progress").text).find("main")
        assert progress.find_all("tr") == []

    def test_their_pages_are_404(self, signed_in, no_2019_levels, on_2019):
        for module in no_2019_levels:
            base = f"/modules/{module.slug}"
            for url in (base, f"{base}/quiz", f"{base}/quiz/attempts/1"):
                assert signed_in.get(url).status_code == 404, url
            for action in ("begin", "step", "submit"):
                assert (
                    signed_in.post(
                        f"{base}/quiz/{action}", data={"state": "x"}
                    ).status_code
                    == 404
                ), action

    def test_a_module_with_a_level_is_listed_under_that_level(
        self, signed_in, content_copy, use_content, module, on_2019
    ):
        for path in (content_copy / "modules").glob("*.md"):
            drop_level(path, "apa-2019")
        set_levels(
            content_copy / "modules" / f"{module.slug}.md",
            {**module.meta.levels, "apa-2019": "probably"},
        )
        use_content(content_copy)
        groups = catalogue_groups(signed_in.get("/modules").text)
        assert groups == {
            "Elements of the relationship — Probably effective": [module.title]
        }
        assert signed_in.get(f"/modules/{module.slug}").status_code == 200
