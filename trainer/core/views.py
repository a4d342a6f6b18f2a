import logging

import sqlalchemy as sa
from flask import Response

from trainer.core.access import public
from trainer.core.errors import RETRY_AFTER_SECONDS
from trainer.core.extensions import db

from . import bp

logger = logging.getLogger(__name__)


@bp.route("/healthz")
@public
def healthz() -> Response:
    """For load balancers: touches neither the session nor the database."""
    return Response("ok", mimetype="text/plain")


@bp.route("/readyz")
@public
def readyz() -> Response:
    """For load balancers: 200 when the database answers, 503 while it cannot be reached.
    Touches no session and no table (``SELECT 1`` on a pooled connection)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        logger.warning("Not ready: the database cannot be reached")
        response = Response("database unreachable", status=503, mimetype="text/plain")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return Response("ready", mimetype="text/plain")
