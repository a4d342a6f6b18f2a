from flask import Response

from trainer.core.access import public

from . import bp


@bp.route("/healthz")
@public
def healthz() -> Response:
    """For load balancers: touches neither the session nor the database."""
    return Response("ok", mimetype="text/plain")
