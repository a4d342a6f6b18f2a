"""A content root in tmp_path holding the valid sample module, broken one thing at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.factories.content import SLUG, module_data, quiz_data, write_content
from trainer.content.loader import ContentInvalid, Curriculum, load_curriculum

Change = Callable[[dict[str, Any]], Any]


def line_of(
    text: str, needle: str, after: str | None = None, occurrence: int = 1
) -> int:
    """The 1-based number of the ``occurrence``-th line containing ``needle`` (counting from
    the first line containing ``after``): found from the text itself, not by the loader."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(n for n, line in enumerate(lines) if after in line) + 1
    found = [n for n, line in enumerate(lines[start:], start + 1) if needle in line]
    return found[occurrence - 1]


class ContentRoot:
    def __init__(self, root: Path):
        self.root = root

    def write(
        self,
        *,
        slug: str = SLUG,
        module_change: Change | None = None,
        quiz_change: Change | None = None,
        **kwargs: Any,
    ) -> tuple[Path, Path]:
        """Write the sample for ``slug``, after ``module_change``/``quiz_change`` have
        edited its data in place; other arguments go to ``write_content``."""
        if module_change is not None:
            module = module_data(slug)
            module_change(module)
            kwargs["module"] = module
        if quiz_change is not None:
            quiz = quiz_data(slug)
            quiz_change(quiz)
            kwargs["quiz"] = quiz
        return write_content(self.root, slug=slug, **kwargs)

    def load(self) -> Curriculum:
        return load_curriculum(self.root)

    def problems(self) -> list[str]:
        """The problem lines the loader reports (it must report some)."""
        with pytest.raises(ContentInvalid) as caught:
            load_curriculum(self.root)
        return [str(problem) for problem in caught.value.problems]

    def text(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")


@pytest.fixture
def content(tmp_path) -> ContentRoot:
    return ContentRoot(tmp_path)
