"""Tried as a new user would: a trainee can pass every quiz in the catalogue, one after
another, and /progress then shows knowledge demonstrated for every module: the fifteen the
program requires, and the five promising ones as optional until the program counts them."""

from tests.learning.quiztaker import QuizTaker, verdict
from tests.pagetools import check_page
from trainer.program.services import set_promising_required


def totals(client) -> tuple[str, str, str]:
    """(the totals section, its required list, its optional list or "")."""
    section = check_page(client.get("/progress").text).find(
        "section", aria_labelledby="totals"
    )
    [required] = section.find_all("ul", aria_labelledby="totals-required")
    optional = section.find_all("ul", aria_labelledby="totals-optional")
    return section.text, required.text, optional[0].text if optional else ""


def test_a_trainee_completes_the_whole_catalogue(signed_in, curriculum, trainee):
    slugs = [module.slug for module in curriculum]
    assert len(slugs) == 20
    for slug in slugs:
        response = QuizTaker(signed_in, slug).take(right=True)
        result = signed_in.get(response.location)
        assert verdict(result.text).startswith("Passed: 100%"), slug

    section, required, optional = totals(signed_in)
    assert "Required by your program: 15 modules" in section
    assert "Knowledge demonstrated: 15" in required
    assert "Not started: 0" in required
    assert "Optional (promising, not required by your program): 5 modules" in section
    assert "Knowledge demonstrated: 5" in optional
    assert "Not started: 0" in optional

    set_promising_required(trainee.program, True, by=None)
    section, required, optional = totals(signed_in)
    assert "Required by your program: 20 modules" in section
    assert "Knowledge demonstrated: 20" in required
    assert "Not started: 0" in required
    assert optional == ""
