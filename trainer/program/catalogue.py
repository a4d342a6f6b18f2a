"""Which modules a program's members see: those with a level in the program's evidence
framework."""

from __future__ import annotations

from flask import current_app

from trainer.auth.models import User
from trainer.content.loader import Curriculum, Module
from trainer.content.schema import Framework

DEFAULT_FRAMEWORK = Framework.APA_2011.value


def curriculum() -> Curriculum:
    return current_app.extensions["curriculum"]


def framework_of(user: User) -> str:
    return user.program.framework if user.program is not None else DEFAULT_FRAMEWORK


def visible_modules(user: User) -> list[Module]:
    """The modules with a level in the framework of the user's program."""
    framework = framework_of(user)
    return [module for module in curriculum() if framework in module.meta.levels]


def visible_module(user: User, slug: str) -> Module | None:
    module = curriculum().get(slug)
    if module is None or framework_of(user) not in module.meta.levels:
        return None
    return module
