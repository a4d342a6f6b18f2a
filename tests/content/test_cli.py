"""``flask --app app content check``, ``python -m trainer.content`` and start-up on invalid
content: the same lines, one per problem, and never a traceback."""

from __future__ import annotations

import re
import runpy
import sys

import pytest

from tests.conftest import TEST_CONFIG
from tests.content.conftest import line_of
from trainer import ConfigurationError, create_app

PROBLEM_LINE = re.compile(r"^[\w/.-]+:\d+: [^:]+: .+$")


def break_two_modules(content) -> list[str]:
    """Three modules: one valid, one with a bad kind, one whose quiz has two problems.
    Returns the lines the check must print, in order."""
    content.write(slug="good")
    content.write(slug="broken", module_change=lambda m: m.update(kind="elemnt"))
    content.write(
        slug="quizzed",
        quiz_change=lambda q: (
            q["items"][2].update(competency="c9"),
            q["items"][5].update(objective="o9"),
        ),
    )
    quiz = content.text("quizzes/quizzed.yaml")
    return [
        "modules/broken.md:4: kind: Input should be 'element' or 'adaptation'",
        f"quizzes/quizzed.yaml:{line_of(quiz, 'competency: c9')}: items[2].competency: "
        "no competency 'c9' in the module",
        f"quizzes/quizzed.yaml:{line_of(quiz, 'objective: o9')}: items[5].objective: "
        "no objective 'o9' in the module",
    ]


@pytest.fixture
def check(app, monkeypatch):
    """Runs ``content check`` with CONTENT_ROOT pointing at ``root``."""

    def run(root):
        monkeypatch.setitem(app.config, "CONTENT_ROOT", str(root))
        return app.test_cli_runner().invoke(args=["content", "check"])

    return run


class TestContentCheck:
    def test_broken_modules_exit_1_with_one_line_per_problem(self, check, content):
        expected = break_two_modules(content)
        result = check(content.root)
        assert result.exit_code == 1
        assert result.output.splitlines() == expected
        assert all(PROBLEM_LINE.match(line) for line in expected)
        assert "Traceback" not in result.output

    def test_a_file_that_is_not_yaml_gives_a_line_not_a_traceback(self, check, content):
        content.write(quiz_source="items: [unclosed\n")
        result = check(content.root)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        [line] = result.output.splitlines()
        assert line.startswith("quizzes/sample.yaml:2: (file): not valid YAML:")

    def test_valid_content_exits_0_and_counts_the_modules(self, check, content):
        content.write(slug="one")
        content.write(slug="two")
        result = check(content.root)
        assert result.exit_code == 0
        assert result.output == "2 modules valid.\n"


class TestModuleEntryPoint:
    def run(self, monkeypatch, capsys, root):
        monkeypatch.setattr(sys, "argv", ["trainer.content", str(root)])
        with pytest.raises(SystemExit) as exited:
            runpy.run_module("trainer.content", run_name="__main__")
        return exited.value.code, capsys.readouterr().out

    def test_it_prints_the_same_lines_as_content_check(
        self, monkeypatch, capsys, check, content
    ):
        expected = break_two_modules(content)
        code, output = self.run(monkeypatch, capsys, content.root)
        assert code == 1
        assert output.splitlines() == expected

    def test_it_exits_0_on_valid_content(self, monkeypatch, capsys, content):
        content.write()
        assert self.run(monkeypatch, capsys, content.root) == (0, "1 modules valid.\n")


class TestStartUp:
    def config(self, content):
        return {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CONTENT_ROOT": str(content.root),
        }

    def test_the_app_refuses_to_start_on_invalid_content_with_the_same_lines(
        self, capsys, content
    ):
        expected = break_two_modules(content)
        with pytest.raises(ConfigurationError) as refused:
            create_app(self.config(content))
        assert str(refused.value).splitlines() == [
            "3 content problem(s):",
            *expected,
        ]

    def test_the_app_starts_on_valid_content_with_its_modules_loaded(self, content):
        content.write()
        app = create_app(self.config(content))
        assert list(app.extensions["curriculum"].modules) == ["sample"]
