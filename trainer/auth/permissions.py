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
    ADMIN_ACCOUNTS_MANAGE = "admin:accounts:manage"
    ADMIN_PROGRAMS_MANAGE = "admin:programs:manage"
    AUDIT_CHAIN_VERIFY = "audit:chain:verify"
    AUDIT_CHECKPOINT_READ = "audit:checkpoint:read"
    AUDIT_EVENTS_READ = "audit:events:read"
    LEARNING_MODULE_READ = "learning:module:read"
    LEARNING_PROGRESS_READ = "learning:progress:read"
    LEARNING_QUIZ_TAKE = "learning:quiz:take"
    NOTIFICATIONS_READ = "supervision:notifications:read"
    PRACTICE_FEEDBACK_GIVE = "practice:feedback:give"
    PRACTICE_LOG_READ = "practice:log:read"
    PRACTICE_LOG_WRITE = "practice:log:write"
    PROGRAM_FEEDBACK_READ = "program:feedback:read"
    PROGRAM_ITEMS_READ = "program:items:read"
    PROGRAM_MANAGE = "program:program:manage"
    PROGRAM_PEOPLE_MANAGE = "program:people:manage"
    PROGRAM_RECORDS_READ = "program:records:read"
    PROGRAM_SETTINGS_MANAGE = "program:settings:manage"
    REPORTS_EXPORT_CREATE = "reports:export:create"
    REPORTS_OWN_RECORD_DOWNLOAD = "reports:own-record:download"
    SUPERVISION_FEEDBACK_READ = "supervision:feedback:read"
    SUPERVISION_RATING_SIGN = "supervision:rating:sign"
    SUPERVISION_RATING_WRITE = "supervision:rating:write"
    SUPERVISION_RECORD_ACKNOWLEDGE = "supervision:record:acknowledge"
    SUPERVISION_RECORD_READ = "supervision:record:read"
    SUPERVISION_TRAINEE_READ = "supervision:trainee:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TRAINEE: frozenset(
        {
            Permission.LEARNING_MODULE_READ,
            Permission.LEARNING_PROGRESS_READ,
            Permission.LEARNING_QUIZ_TAKE,
            Permission.NOTIFICATIONS_READ,
            Permission.PRACTICE_FEEDBACK_GIVE,
            Permission.PRACTICE_LOG_READ,
            Permission.PRACTICE_LOG_WRITE,
            Permission.REPORTS_OWN_RECORD_DOWNLOAD,
            Permission.SUPERVISION_RECORD_ACKNOWLEDGE,
            Permission.SUPERVISION_RECORD_READ,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.LEARNING_MODULE_READ,
            Permission.NOTIFICATIONS_READ,
            Permission.PRACTICE_LOG_READ,
            Permission.SUPERVISION_FEEDBACK_READ,
            Permission.SUPERVISION_RATING_SIGN,
            Permission.SUPERVISION_RATING_WRITE,
            Permission.SUPERVISION_RECORD_READ,
            Permission.SUPERVISION_TRAINEE_READ,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            Permission.AUDIT_CHAIN_VERIFY,
            Permission.AUDIT_CHECKPOINT_READ,
            Permission.AUDIT_EVENTS_READ,
            Permission.LEARNING_MODULE_READ,
            Permission.PRACTICE_LOG_READ,
            Permission.PROGRAM_FEEDBACK_READ,
            Permission.PROGRAM_ITEMS_READ,
            Permission.PROGRAM_MANAGE,
            Permission.PROGRAM_PEOPLE_MANAGE,
            Permission.PROGRAM_RECORDS_READ,
            Permission.PROGRAM_SETTINGS_MANAGE,
            Permission.REPORTS_EXPORT_CREATE,
            Permission.SUPERVISION_RECORD_READ,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Permission.AUDIT_CHAIN_VERIFY,
            Permission.AUDIT_CHECKPOINT_READ,
            Permission.AUDIT_EVENTS_READ,
            Permission.LEARNING_MODULE_READ,
            Permission.PRACTICE_LOG_READ,
            Permission.PROGRAM_RECORDS_READ,
            Permission.REPORTS_EXPORT_CREATE,
            Permission.SUPERVISION_RECORD_READ,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.ADMIN_ACCOUNTS_MANAGE,
            Permission.ADMIN_PROGRAMS_MANAGE,
            Permission.LEARNING_MODULE_READ,
        }
    ),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
