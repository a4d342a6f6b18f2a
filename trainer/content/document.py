"""A YAML document that knows the line of every field, so each problem found in a content
file can name the file, the line and the field."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError


@dataclass(frozen=True, order=True)
class ContentProblem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class _LineLocator:
    """Finds the line of a field path in a composed YAML node tree."""

    def __init__(self, node: yaml.Node | None, first_line: int):
        self.node = node
        self.first_line = first_line

    def line_of(self, path: Iterable[Any]) -> int:
        node = self.node
        if node is None:
            return self.first_line
        line = node.start_mark.line
        for part in path:
            child = self._child(node, part)
            if child is None:
                break
            node, line = child
        return line + self.first_line

    @staticmethod
    def _child(node: yaml.Node, part: Any) -> tuple[yaml.Node, int] | None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    return value, key.start_mark.line
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            return child, child.start_mark.line
        return None


def _duplicate_keys(
    node: yaml.Node | None, path: tuple = ()
) -> Iterator[tuple[tuple, int, str]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield (*path, name), key.start_mark.line, f"duplicate key {name!r}"
            seen.add(name)
            yield from _duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _duplicate_keys(child, (*path, index))


def field_name(path: Iterable[Any]) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "(file)"


class YamlDocument:
    """One YAML document of a content file, with what is needed to name lines."""

    def __init__(self, file: str, text: str, first_line: int):
        self.file = file
        self.first_line = first_line
        self.problems: list[ContentProblem] = []
        self.data: Any = None
        self.locator = _LineLocator(None, first_line)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            self.problem(
                (), _yaml_message(error, first_line), line=_yaml_line(error, first_line)
            )
            return
        self.locator = _LineLocator(node, first_line)
        for path, line, message in _duplicate_keys(node):
            self.problem(path, message, line=line + first_line)

    def problem(
        self, path: Iterable[Any], message: str, *, line: int | None = None
    ) -> None:
        path = tuple(path)
        if line is None:
            line = self.locator.line_of(path)
        self.problems.append(ContentProblem(self.file, line, field_name(path), message))

    def validate(self, model: type):
        if self.problems:
            return None
        if not isinstance(self.data, dict):
            self.problem((), "expected a mapping of fields")
            return None
        try:
            return model.model_validate(self.data)
        except ValidationError as error:
            for detail in error.errors():
                loc = [part for part in detail["loc"] if part not in _UNION_TAGS]
                self.problem(loc, _message(detail))
            return None


_UNION_TAGS = {"single", "multiple", "branching", "int", "literal['all']", "[key]"}


def _yaml_line(error: yaml.YAMLError, first_line: int) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return first_line + (mark.line if mark else 0)


def _yaml_message(error: yaml.YAMLError, first_line: int) -> str:
    """The parser's complaint, with where the construct it was reading began when that is
    on another line (an unclosed bracket is only noticed lines later)."""
    problem = getattr(error, "problem", None) or str(error)
    context, context_mark = (
        getattr(error, "context", None),
        getattr(error, "context_mark", None),
    )
    problem_mark = getattr(error, "problem_mark", None)
    if (
        context
        and context_mark
        and (problem_mark is None or context_mark.line != problem_mark.line)
    ):
        return f"not valid YAML: {problem} ({context} started on line {first_line + context_mark.line})"
    return f"not valid YAML: {problem}"


def _message(detail: dict) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = detail["msg"]
    return message.removeprefix("Value error, ")
