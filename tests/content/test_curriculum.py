"""The curriculum as a whole: content versions, module order, the shipped twenty modules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from trainer import ROOT
from trainer.content.loader import content_version, load_curriculum
from trainer.content.schema import BranchingItem, Kind

MODULE = "modules/sample.md"
QUIZ = "quizzes/sample.yaml"


def test_modules_are_listed_by_order_then_title(content):
    content.write(slug="b", module_change=lambda m: m.update(title="Zeta", order=10))
    content.write(slug="c", module_change=lambda m: m.update(title="Beta"))
    content.write(slug="a", module_change=lambda m: m.update(title="Alpha"))
    assert [m.title for m in content.load()] == ["Zeta", "Alpha", "Beta"]


class TestContentVersion:
    def test_it_is_the_sha256_of_both_files_each_prefixed_by_its_length(self):
        module, quiz = "module text", "quiz text"
        expected = hashlib.sha256(
            len(module).to_bytes(8, "big")
            + module.encode()
            + len(quiz).to_bytes(8, "big")
        )
        expected.update(quiz.encode())
        assert content_version(module, quiz) == expected.hexdigest()

    def test_moving_text_from_one_file_to_the_other_changes_it(self):
        assert content_version("ab", "c") != content_version("a", "bc")

    def test_it_is_stable_when_nothing_changes(self, content):
        content.write()
        assert (
            content.load().get("sample").version == content.load().get("sample").version
        )

    @pytest.mark.parametrize("relative", [MODULE, QUIZ])
    def test_it_changes_when_either_file_changes(self, content, relative):
        content.write()
        before = content.load().get("sample").version
        path = content.root / relative
        path.write_text(
            path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
        )
        after = content.load().get("sample")
        assert after.version != before
        assert after.version == content_version(after.module_source, after.quiz_source)


@pytest.fixture(scope="module")
def shipped():
    return load_curriculum(Path(ROOT))


class TestShippedCurriculum:
    def test_it_loads_without_problems_and_has_twenty_modules(self, shipped):
        # the fifteen demonstrably and probably effective items of 2011 and its five promising ones
        assert len(shipped) == 20
        promising = [m for m in shipped if m.meta.levels["apa-2011"] == "promising"]
        assert len(promising) == 5

    def test_every_adaptation_module_has_a_branching_scenario(self, shipped):
        adaptations = [m for m in shipped if m.kind is Kind.ADAPTATION]
        assert adaptations
        for module in adaptations:
            assert any(isinstance(i, BranchingItem) for i in module.quiz.items), (
                module.slug
            )
