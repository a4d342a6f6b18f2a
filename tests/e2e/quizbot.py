"""Answers a quiz in the browser the way a person does: reads which item is shown, picks an
option by its label, and moves on with the keyboard or the mouse."""

from __future__ import annotations

import html
import re

from playwright.sync_api import Page, expect

from trainer.content.render import render_inline
from trainer.content.schema import BranchingItem, MultipleItem, Quality


def accessible_name(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(render_inline(text)))).strip()


def _current_item(page: Page, module):
    heading = page.get_by_role("heading", level=1).inner_text()
    match = re.search(r"item (\d+) of (\d+)", heading)
    assert match, f"not on a quiz step: {heading!r}"
    return module.quiz.items[int(match.group(1)) - 1]


def _current_point(page: Page, item: BranchingItem):
    """The point whose options (by label: the values in the page are opaque) and situation
    are shown."""
    labels = page.locator("main label.form-check-label")
    shown = {
        " ".join(labels.nth(i).inner_text().split()) for i in range(labels.count())
    }
    situation = page.get_by_role("main").inner_text()
    for point in item.points:
        if (
            point.end
            or {
                " ".join(accessible_name(option.text).split())
                for option in point.options
            }
            != shown
        ):
            continue
        if " ".join(point.situation.split())[:40] in " ".join(situation.split()):
            return point
    raise AssertionError(
        f"no decision point of {item.id} is shown: options {shown}, text {situation!r}"
    )


def paths_to_endings(item: BranchingItem) -> dict[str, list[str]]:
    """For each ending of a scenario, the option ids of one path that reaches it."""
    points = {point.id: point for point in item.points}
    found: dict[str, list[str]] = {}

    def walk(point_id: str, trail: list[str]) -> None:
        point = points[point_id]
        if point.end:
            found.setdefault(point_id, trail)
            return
        for option in point.options:
            walk(option.next, [*trail, option.id])

    walk(item.start, [])
    return found


def choose(
    page: Page,
    module,
    *,
    right: bool,
    keyboard: bool = False,
    route: dict | None = None,
    on_branch=None,
) -> None:
    """Answer the step on screen, rightly or wrongly, and continue. ``route`` maps a
    branching item's id to the option ids to take, in order, instead."""
    item = _current_item(page, module)
    if isinstance(item, BranchingItem):
        point = _current_point(page, item)
        if on_branch is not None:
            on_branch()
        if route and item.id in route:
            wanted_id = route[item.id].pop(0)
            options = [o for o in point.options if o.id == wanted_id]
        else:
            wanted = Quality.BEST if right else Quality.POOR
            options = [o for o in point.options if o.quality is wanted] or [
                o for o in point.options if o.quality is not Quality.BEST
            ]
        picks, role = options[:1], "radio"
    elif isinstance(item, MultipleItem):
        keyed = [o for o in item.options if o.correct]
        unkeyed = [o for o in item.options if not o.correct]
        picks = (
            keyed
            if right
            else (unkeyed[: len(keyed)] if len(unkeyed) >= len(keyed) else unkeyed)
        )
        role = "checkbox"
    else:
        picks = [next(o for o in item.options if o.correct is right)]
        role = "radio"
    for option in picks:
        control = page.get_by_role(role, name=accessible_name(option.text), exact=True)
        if keyboard:
            control.focus()
            page.keyboard.press("Space")
        else:
            control.check()
        expect(control).to_be_checked()
    button = page.get_by_role(
        "button", name=re.compile(r"^(Continue|Choose and continue)$")
    )
    with page.expect_navigation():
        if keyboard:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()


def take_quiz(
    page: Page,
    base_url: str,
    module,
    *,
    right: bool,
    keyboard: bool = False,
    route: dict | None = None,
    on_branch=None,
) -> None:
    page.goto(f"{base_url}/modules/{module.slug}/quiz")
    # "Start again from the first item" when a quiz begun earlier is offered to resume
    page.get_by_role(
        "button", name=re.compile("^(Start the quiz|Start again from the first item)$")
    ).click()
    for _ in range(200):
        if page.get_by_role("button", name="Submit my attempt").count():
            break
        choose(
            page,
            module,
            right=right,
            keyboard=keyboard,
            route=route,
            on_branch=on_branch,
        )
    page.get_by_role("button", name="Submit my attempt").click()
