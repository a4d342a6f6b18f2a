"""Loading and validating the curriculum files.

Every problem becomes a :class:`ContentProblem` naming the file, the field and the line, so
``flask --app app content check`` and start-up can print one line per problem, never a
traceback.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .authoring import authoring_problems
from .checks import check_module, check_quiz_against_module
from .document import ContentProblem, YamlDocument
from .render import links, render_markdown
from .schema import Kind, ModuleFile, QuizFile

FRONT_MATTER_FENCE = "---"


class ContentInvalid(Exception):
    """The curriculum files do not validate; ``problems`` says where and why."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Module:
    """One module with its quiz, as loaded from one content version."""

    meta: ModuleFile
    quiz: QuizFile
    body_html: str
    version: str
    module_source: str
    quiz_source: str

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def kind(self) -> Kind:
        return self.meta.kind

    def competency(self, competency_id: str):
        return next((c for c in self.meta.competencies if c.id == competency_id), None)

    def reference(self, reference_id: str):
        return next((r for r in self.meta.references if r.id == reference_id), None)


@dataclass
class Curriculum:
    modules: dict[str, Module] = field(default_factory=dict)

    def get(self, slug: str) -> Module | None:
        return self.modules.get(slug)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._ordered())

    def in_framework(self, framework: str) -> list[Module]:
        """The modules with a level in ``framework``, in the catalogue's order."""
        cache = self._cache()
        if framework not in cache:
            cache[framework] = [
                m for m in self._ordered() if framework in m.meta.levels
            ]
        return cache[framework]

    # A curriculum is read on every page (several times) and never changes once loaded: a
    # content change is a new load. Its order and framework lists are worked out once; the
    # length check only guards the loader, which fills ``modules`` before anyone reads it.
    def _cache(self) -> dict:
        cache = self.__dict__.get("_derived")
        if cache is None or cache["_size"] != len(self.modules):
            cache = {"_size": len(self.modules)}
            self.__dict__["_derived"] = cache
        return cache

    def _ordered(self) -> list[Module]:
        cache = self._cache()
        if "_ordered" not in cache:
            cache["_ordered"] = sorted(self.modules.values(), key=catalogue_key)
        return cache["_ordered"]

    def __len__(self) -> int:
        return len(self.modules)


def catalogue_key(module: Module) -> tuple:
    """The catalogue's order, used wherever modules are listed: the relationship elements
    first, then the adaptations, each by the module's ``order`` and title."""
    return (module.kind is not Kind.ELEMENT, module.meta.order, module.title)


def content_version(module_source: str, quiz_source: str) -> str:
    """The version of a module: a hash of its two files, so any edit makes a new version."""
    digest = hashlib.sha256()
    for text in (module_source, quiz_source):
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Module and quiz files


def _split_front_matter(
    doc_file: str, text: str
) -> tuple[str, str, int, list[ContentProblem]]:
    """(front matter, body, line the body starts on, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return (
            "",
            "",
            1,
            [
                ContentProblem(
                    doc_file, 1, "(front matter)", "must start with a line '---'"
                )
            ],
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2, []
    return (
        "",
        "",
        1,
        [ContentProblem(doc_file, 1, "(front matter)", "no closing '---' line")],
    )


def _read(path: Path, display: str) -> tuple[str | None, list[ContentProblem]]:
    try:
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError as error:
        return None, [
            ContentProblem(display, 1, "(file)", f"not UTF-8 text: {error.reason}")
        ]
    except OSError as error:
        return None, [
            ContentProblem(display, 1, "(file)", f"cannot be read: {error.strerror}")
        ]


def parse_module(
    display: str, text: str
) -> tuple[ModuleFile | None, str, YamlDocument | None, list]:
    front, body, body_line, problems = _split_front_matter(display, text)
    if problems:
        return None, "", None, problems
    doc = YamlDocument(display, front, first_line=2)
    meta = doc.validate(ModuleFile)
    if meta is not None:
        check_module(meta, doc)
    if not body.strip():
        doc.problems.append(
            ContentProblem(display, body_line, "(body)", "the Markdown body is empty")
        )
    return (meta if not doc.problems else None), body, doc, doc.problems


def parse_quiz(display: str, text: str) -> tuple[QuizFile | None, YamlDocument]:
    doc = YamlDocument(display, text, first_line=1)
    quiz = doc.validate(QuizFile)
    return (quiz if not doc.problems else None), doc


def build_module(
    module_display: str,
    module_text: str,
    quiz_display: str,
    quiz_text: str,
    *,
    authoring_rules: bool = False,
) -> tuple[Module | None, list[ContentProblem]]:
    """Parse one module and its quiz from their texts (also used for stored old versions).

    ``authoring_rules`` adds the checks of :mod:`.authoring`, meant for the repository's files.
    """
    meta, body, module_doc, problems = parse_module(module_display, module_text)
    quiz, quiz_doc = parse_quiz(quiz_display, quiz_text)
    problems = list(problems) + quiz_doc.problems
    if meta is not None and quiz is not None:
        check_quiz_against_module(quiz, meta, quiz_doc)
        if authoring_rules:
            for which, path, message in authoring_problems(meta, quiz):
                (module_doc if which == "module" else quiz_doc).problem(path, message)
        problems = module_doc.problems + quiz_doc.problems
    if problems or meta is None or quiz is None:
        return None, problems
    module = Module(
        meta=meta,
        quiz=quiz,
        body_html=render_markdown(body),
        version=content_version(module_text, quiz_text),
        module_source=module_text,
        quiz_source=quiz_text,
    )
    return module, []


#: the one form an internal link takes: a module's page, optionally with a fragment
MODULE_LINK = re.compile(r"^/modules/(?P<slug>[a-z0-9][a-z0-9-]*)(?:#[^#]*)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def link_problems(
    module: Module, display: str, slugs: set[str]
) -> list[ContentProblem]:
    """A link in the body of ``module`` that leaves the site must be a web address; one that
    stays must be ``/modules/<slug>`` naming an existing module (``slugs``: the module
    files)."""
    _front, body, body_line, _problems = _split_front_matter(
        display, module.module_source
    )
    problems = []
    for line, href in links(body):
        if _SCHEME.match(href) or href.startswith("#"):
            continue
        match = MODULE_LINK.match(href)
        if match is None:
            message = (
                f"links to {href!r}: a link within the site must be /modules/<slug>"
            )
        elif match["slug"] not in slugs:
            message = f"links to {href!r}, but there is no module {match['slug']!r}"
        else:
            continue
        problems.append(ContentProblem(display, body_line + line, "(body)", message))
    return problems


def load_curriculum(root: Path) -> Curriculum:
    """Load ``modules/`` and ``quizzes/`` under ``root``; raise ContentInvalid on any problem."""
    problems: list[ContentProblem] = []
    curriculum = Curriculum()
    module_dir, quiz_dir = root / "modules", root / "quizzes"
    module_paths = sorted(module_dir.glob("*.md")) if module_dir.is_dir() else []
    quiz_paths = sorted(quiz_dir.glob("*.yaml")) if quiz_dir.is_dir() else []
    if not module_paths:
        problems.append(
            ContentProblem("modules/", 1, "(folder)", "no module files (modules/*.md)")
        )
    quiz_slugs = {path.stem for path in quiz_paths}
    for path in quiz_paths:
        if not (module_dir / f"{path.stem}.md").exists():
            problems.append(
                ContentProblem(
                    f"quizzes/{path.name}",
                    1,
                    "(file)",
                    f"no module modules/{path.stem}.md for this quiz",
                )
            )
    for path in module_paths:
        display = f"modules/{path.name}"
        quiz_display = f"quizzes/{path.stem}.yaml"
        if path.stem not in quiz_slugs:
            problems.append(
                ContentProblem(
                    display, 1, "(file)", f"the module has no quiz ({quiz_display})"
                )
            )
            continue
        module_text, read_problems = _read(path, display)
        quiz_text, quiz_read_problems = _read(
            quiz_dir / f"{path.stem}.yaml", quiz_display
        )
        problems += read_problems + quiz_read_problems
        if module_text is None or quiz_text is None:
            continue
        module, found = build_module(
            display, module_text, quiz_display, quiz_text, authoring_rules=True
        )
        problems += found
        if module is not None:
            curriculum.modules[module.slug] = module
    slugs = {path.stem for path in module_paths}
    for module in curriculum:
        problems += link_problems(module, f"modules/{module.slug}.md", slugs)
    if problems:
        raise ContentInvalid(problems)
    return curriculum
