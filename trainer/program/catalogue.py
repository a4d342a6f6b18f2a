"""Which modules a program's members see, and which of them the program requires.

- **Visible**: the modules with a level in the program's evidence framework.
- **Required**: the visible modules rated demonstrably or probably effective, and those rated
  promising when the program counts them (``Program.is_promising_required``, off by default).
  Modules rated "insufficient" are never required. This is the one place the rule lives: the
  catalogue, /progress totals and the supervisor's counts all ask it.
"""

from __future__ import annotations

from flask import current_app

from trainer.auth.models import User
from trainer.content.loader import Curriculum, Module, catalogue_key
from trainer.content.schema import Framework, Level

DEFAULT_FRAMEWORK = Framework.APA_2011.value

#: the evidence levels whose modules every program requires
ALWAYS_REQUIRED = frozenset({Level.DEMONSTRABLY, Level.PROBABLY})


def curriculum() -> Curriculum:
    return current_app.extensions["curriculum"]


def competency_key(module_slug: str, competency_id: str) -> tuple:
    """Sorts (module, competency) pairs in the catalogue's order: the modules as the
    catalogue lists them, each module's competencies in its own order; unknown ones last."""
    module = curriculum().get(module_slug)
    if module is None:
        return (1, (), module_slug, competency_id)
    ids = [competency.id for competency in module.meta.competencies]
    position = ids.index(competency_id) if competency_id in ids else len(ids)
    return (0, catalogue_key(module), position, competency_id)


def framework_of(user: User) -> str:
    return user.program.framework if user.program is not None else DEFAULT_FRAMEWORK


def frameworks_with_content() -> set[str]:
    """The frameworks in which at least one module has a level."""
    return {framework for module in curriculum() for framework in module.meta.levels}


def visible_modules(user: User) -> list[Module]:
    """The modules with a level in the framework of the user's program."""
    return list(curriculum().in_framework(framework_of(user)))


def visible_module(user: User, slug: str) -> Module | None:
    module = curriculum().get(slug)
    if module is None or framework_of(user) not in module.meta.levels:
        return None
    return module


def level_of(user: User, module: Module) -> Level:
    """The module's evidence level in the framework of the user's program."""
    return Level(module.meta.levels[framework_of(user)])


def required_levels(user: User) -> frozenset[Level]:
    """The evidence levels whose modules the user's program requires."""
    program = user.program
    if program is not None and program.is_promising_required:
        return ALWAYS_REQUIRED | {Level.PROMISING}
    return ALWAYS_REQUIRED


def is_required(user: User, module: Module) -> bool:
    return level_of(user, module) in required_levels(user)


def required_slugs(user: User) -> set[str]:
    """The slugs of the visible modules that the user's program requires (no query beyond
    the user's program)."""
    framework = framework_of(user)
    levels = required_levels(user)
    return {
        module.slug
        for module in curriculum().in_framework(framework)
        if module.meta.levels[framework] in levels
    }
