"""Editing a copy of the content files in tests."""

from __future__ import annotations

import re
from pathlib import Path


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def set_levels(path: Path, levels: dict[str, str]) -> None:
    """Rewrite the ``levels:`` block of a module file's front matter."""
    text = path.read_text(encoding="utf-8")
    block = "levels:\n" + "".join(
        f"  {framework}: {level}\n" for framework, level in levels.items()
    )
    text, replaced = re.subn(
        r"^levels:\n(?:  \S+: \S+\n)+", block, text, count=1, flags=re.MULTILINE
    )
    assert replaced == 1, f"no levels block in {path.name}"
    path.write_text(text, encoding="utf-8")


def drop_level(path: Path, framework: str) -> None:
    """Remove a framework's line from the ``levels:`` block of a module file, if there."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(rf"^  {re.escape(framework)}: \S+\n", "", text, flags=re.MULTILINE),
        encoding="utf-8",
    )
