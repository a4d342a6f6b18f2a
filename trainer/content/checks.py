"""The consistency checks on one module and its quiz that the schema cannot express: unique
ids, references that exist, a quiz that covers every competency and objective, and branching
scenarios that start at a decision, reach every point and never loop."""

from __future__ import annotations

from pathlib import PurePosixPath

from .document import YamlDocument
from .schema import BranchingItem, ModuleFile, QuizFile


def check_module(meta: ModuleFile, doc: YamlDocument) -> None:
    file_name = PurePosixPath(doc.file)
    if meta.slug != file_name.stem:
        doc.problem(
            ("slug",), f"is {meta.slug!r} but the file is named {file_name.name}"
        )
    _unique(doc, ("objectives",), [o.id for o in meta.objectives])
    _unique(doc, ("competencies",), [c.id for c in meta.competencies])
    _unique(doc, ("references",), [r.id for r in meta.references])
    references = {r.id for r in meta.references}
    for index, stat in enumerate(meta.evidence.statistics):
        if stat.source not in references:
            doc.problem(
                ("evidence", "statistics", index, "source"),
                f"names reference {stat.source!r}, which is not in references",
            )
    if meta.evidence.framework not in meta.levels:
        doc.problem(
            ("evidence", "framework"), "names a framework the module has no level in"
        )


def _unique(doc: YamlDocument, path: tuple, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, identifier in enumerate(ids):
        if identifier in seen:
            doc.problem((*path, index, "id"), f"duplicate id {identifier!r}")
        seen.add(identifier)


def check_quiz_against_module(
    quiz: QuizFile, meta: ModuleFile, doc: YamlDocument
) -> None:
    """Cross-checks between a quiz and its module, and the shape of branching scenarios."""
    competencies = {c.id for c in meta.competencies}
    objectives = {o.id for o in meta.objectives}
    if quiz.module != meta.slug:
        doc.problem(
            ("module",), f"names module {quiz.module!r}, expected {meta.slug!r}"
        )
    _unique(doc, ("items",), [item.id for item in quiz.items])
    for index, item in enumerate(quiz.items):
        if item.competency not in competencies:
            doc.problem(
                ("items", index, "competency"),
                f"no competency {item.competency!r} in the module",
            )
        if item.objective not in objectives:
            doc.problem(
                ("items", index, "objective"),
                f"no objective {item.objective!r} in the module",
            )
        if isinstance(item, BranchingItem):
            _check_branching(item, ("items", index), doc)
        else:
            _unique(doc, ("items", index, "options"), [o.id for o in item.options])
    types = {item.type for item in quiz.items}
    for needed in ("single", "multiple", "branching"):
        if needed not in types:
            doc.problem(("items",), f"needs at least one item of type {needed!r}")
    for label, wanted, seen in (
        ("competency", competencies, {i.competency for i in quiz.items}),
        ("objective", objectives, {i.objective for i in quiz.items}),
    ):
        for missing in sorted(wanted - seen):
            doc.problem(("items",), f"no item covers {label} {missing!r}")


def _check_branching(item: BranchingItem, path: tuple, doc: YamlDocument) -> None:
    points = {p.id: p for p in item.points}
    _unique(doc, (*path, "points"), [p.id for p in item.points])
    if item.start not in points:
        doc.problem(
            (*path, "start"), f"names point {item.start!r}, which does not exist"
        )
        return
    if points[item.start].end:
        doc.problem(
            (*path, "start"),
            f"names the ending {item.start!r}; a scenario starts at a decision point",
        )
        return
    for p_index, point in enumerate(item.points):
        _unique(
            doc, (*path, "points", p_index, "options"), [o.id for o in point.options]
        )
        for o_index, option in enumerate(point.options):
            if option.next not in points:
                doc.problem(
                    (*path, "points", p_index, "options", o_index, "next"),
                    f"names point {option.next!r}, which does not exist",
                )
    cycle = _find_cycle(item.start, points)
    if cycle:
        doc.problem(
            (*path, "points"), "the scenario has a cycle: " + " -> ".join(cycle)
        )
        return
    reachable = _reachable(item.start, points)
    for p_index, point in enumerate(item.points):
        if point.id not in reachable:
            doc.problem(
                (*path, "points", p_index, "id"),
                f"point {point.id!r} cannot be reached from start",
            )


def _reachable(start: str, points: dict) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current in seen or current not in points:
            continue
        seen.add(current)
        stack.extend(option.next for option in points[current].options)
    return seen


def _find_cycle(start: str, points: dict) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node not in points:
            return None
        if state.get(node) == 1:
            return [*trail[trail.index(node) :], node]
        if state.get(node) == 2:
            return None
        state[node] = 1
        for option in points[node].options:
            found = visit(option.next, [*trail, node])
            if found:
                return found
        state[node] = 2
        return None

    return visit(start, [])
