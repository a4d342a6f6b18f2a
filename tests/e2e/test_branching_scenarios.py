"""Every adaptation module's branching scenario can be played to each of its endings by
keyboard, and the result page replays the path with the feedback at each step."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.quizbot import paths_to_endings, take_quiz
from trainer import ROOT
from trainer.content.loader import load_curriculum
from trainer.content.schema import BranchingItem, Kind

ADAPTATION_MODULES = [
    module.slug
    for module in load_curriculum(Path(os.environ.get("CONTENT_ROOT") or ROOT))
    if module.kind is Kind.ADAPTATION
]


@pytest.mark.parametrize("slug", ADAPTATION_MODULES)
def test_each_ending_of_the_scenario_is_reachable_by_keyboard(
    slug, page, live_server, sign_in, assert_accessible
):
    module = live_server.app.extensions["curriculum"].get(slug)
    scenarios = [item for item in module.quiz.items if isinstance(item, BranchingItem)]
    assert scenarios, f"{slug} has no branching scenario"
    sign_in("trainee@example.org")
    checked: set[str] = set()

    def check_decision_page_once():
        if "decision" not in checked:
            assert_accessible(f"a branching decision in {slug}")
            checked.add("decision")

    for scenario in scenarios:
        points = {point.id: point for point in scenario.points}
        for end_id, path in paths_to_endings(scenario).items():
            take_quiz(
                page,
                live_server.url,
                module,
                right=True,
                keyboard=True,
                route={scenario.id: list(path)},
                on_branch=check_decision_page_once,
            )
            expect(
                page.get_by_role("heading", name="Score per competency")
            ).to_be_visible()
            expect(
                page.get_by_text(points[end_id].situation, exact=False).first
            ).to_be_visible()
            if "result" not in checked:
                assert_accessible(f"the result of a branching scenario in {slug}")
                checked.add("result")
