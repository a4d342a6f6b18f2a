"""Links in a module's body: one within the site names an existing module's page
(/modules/<slug>); anything else must be a web address. The check runs on the whole
curriculum (content check and start-up)."""

from __future__ import annotations

from tests.content.conftest import line_of
from tests.factories.content import BODY

MODULE = "modules/sample.md"


def body_with(link: str) -> str:
    return BODY + f"\nSee also the [other module]({link}) for more.\n"


def problem_line(content, needle: str) -> int:
    return line_of(content.text(MODULE), needle)


def test_a_link_to_an_existing_module_passes_and_renders_as_a_link(content):
    content.write(body=body_with("/modules/other"))
    content.write(slug="other")
    curriculum = content.load()
    assert len(curriculum) == 2
    assert '<a href="/modules/other"' in curriculum.get("sample").body_html


def test_a_link_with_a_fragment_to_an_existing_module_passes(content):
    content.write(body=body_with("/modules/other#what-it-is"))
    content.write(slug="other")
    assert len(content.load()) == 2


def test_a_link_to_a_missing_module_names_the_file_line_and_slug(content):
    content.write(body=body_with("/modules/no-such-module"))
    line = problem_line(content, "/modules/no-such-module")
    assert content.problems() == [
        f"{MODULE}:{line}: (body): links to '/modules/no-such-module', "
        "but there is no module 'no-such-module'"
    ]


def test_a_reference_style_link_is_checked_too(content):
    content.write(body=BODY + "\nSee [the other one][o].\n\n[o]: /modules/gone\n")
    [problem] = content.problems()
    assert problem.endswith("links to '/modules/gone', but there is no module 'gone'")


def test_any_other_link_within_the_site_is_refused(content):
    content.write(body=body_with("/modules/other/quiz"))
    content.write(slug="other")
    line = problem_line(content, "/modules/other/quiz")
    assert content.problems() == [
        f"{MODULE}:{line}: (body): links to '/modules/other/quiz': "
        "a link within the site must be /modules/<slug>"
    ]


def test_a_relative_link_is_refused(content):
    content.write(body=body_with("other"))
    [problem] = content.problems()
    assert "links to 'other': a link within the site must be /modules/<slug>" in problem


def test_web_addresses_and_fragments_are_not_internal_links(content):
    content.write(body=BODY + "\n[APA](https://www.apa.org) · [below](#what-it-is)\n")
    assert len(content.load()) == 1


def test_the_shipped_modules_link_to_the_promising_ones(app):
    curriculum = app.extensions["curriculum"]
    expected = [
        ("alliance-individual", "rupture-repair"),
        ("alliance-youth", "rupture-repair"),
        ("alliance-family", "rupture-repair"),
        ("collecting-client-feedback", "rupture-repair"),
        ("positive-regard", "congruence"),
        ("empathy", "congruence"),
        ("preferences", "expectations"),
        ("culture", "expectations"),
        ("reactance", "expectations"),
    ]
    for slug, target in expected:
        html = curriculum.get(slug).body_html
        assert f'href="/modules/{target}"' in html, slug
