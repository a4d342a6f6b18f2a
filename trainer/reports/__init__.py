"""What reviewers read: the program's audit log (/audit) and the public verification page
(/verify). They sit above every area whose events they show."""

from flask import Blueprint, request

from trainer.core.database import declare_read_only_request

audit_bp = Blueprint("audit", __name__, url_prefix="/audit")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")

#: POST endpoints that only read: they must not take SQLite's write lock while they run
READ_ONLY_POSTS = frozenset(
    {"audit.verify_now", "verify.verify_page", "verify.verify_export"}
)


def _reads_only():
    if request.method == "POST" and request.endpoint in READ_ONLY_POSTS:
        declare_read_only_request()


for _blueprint in (audit_bp, verify_bp):
    _blueprint.before_request(_reads_only)
