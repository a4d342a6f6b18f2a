"""Permissions, and the one table that maps roles to them."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    DIRECTOR = "director"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    AUDIT_EVENTS_READ = "audit:events:read"
    LEARNING_MODULE_READ = "learning:module:read"
    LEARNING_PROGRESS_READ = "learning:progress:read"
    LEARNING_QUIZ_TAKE = "learning:quiz:take"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TRAINEE: frozenset(
        {
            Permission.LEARNING_MODULE_READ,
            Permission.LEARNING_PROGRESS_READ,
            Permission.LEARNING_QUIZ_TAKE,
        }
    ),
    Role.SUPERVISOR: frozenset({Permission.LEARNING_MODULE_READ}),
    Role.DIRECTOR: frozenset({Permission.AUDIT_EVENTS_READ, Permission.LEARNING_MODULE_READ}),
    Role.REVIEWER: frozenset({Permission.AUDIT_EVENTS_READ, Permission.LEARNING_MODULE_READ}),
    Role.ADMIN: frozenset({Permission.LEARNING_MODULE_READ}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(permission: Permission) -> frozenset[Role]:
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)
