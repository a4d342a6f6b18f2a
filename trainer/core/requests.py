"""What any request may carry, checked before a view reads it: the size of the body, ids within
the database's integer range, no NUL character in the address, and the client's address as the
trusted proxies give it."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError

#: the largest value of an INTEGER column (ids) on PostgreSQL and of a 32-bit id anywhere
DATABASE_INT_MAX = 2**31 - 1
#: the largest value of a BIGINT column (the audit log's sequence numbers)
DATABASE_BIGINT_MAX = 2**63 - 1


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` bounded to the database's integer range: an id no row can have is a 404,
    not an overflow in the database driver. Registered app-wide in place of Werkzeug's."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(
            map,
            fixed_digits=fixed_digits,
            min=min,
            max=DATABASE_INT_MAX if max is None else max,
            signed=signed,
        )

    def to_python(self, value: str):
        if len(value) > len(str(self.max)):  # int() refuses over 4,300 digits
            raise ValidationError()
        return super().to_python(value)


def _bounded(limit: int):
    def parse(value: str) -> int:
        if len(value) > 40:  # int() refuses over 4,300 digits; no id has 40
            if value.strip().isdigit():
                abort(404)
            raise ValueError("not an id")
        number = int(value)
        if not 0 <= number <= limit:
            abort(404)
        return number

    return parse


#: ``request.args.get("period", type=database_id)``: a whole number (else the default), and
#: the 404 page for one beyond the database's integer range
database_id = _bounded(DATABASE_INT_MAX)
#: the same for the audit log's BIGINT sequence numbers
database_seq = _bounded(DATABASE_BIGINT_MAX)


def init_app(app: Flask) -> None:
    """Call before the blueprints register their routes (the converter binds with them)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        # X-Forwarded-For/-Proto from exactly that many proxies; anything a client sends
        # beyond them is ignored, so rate limits key on the real client. Host is not taken
        # from the proxy: redirects are relative.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    @app.before_request
    def _refuse_nul_in_address():
        # PostgreSQL cannot store or compare text with a NUL in it.
        if "\x00" in request.path:
            abort(404)
        if any(
            "\x00" in key or "\x00" in value
            for key, value in request.args.items(multi=True)
        ):
            abort(
                400,
                "The address contains a character that cannot be used (NUL). "
                "Remove it and try again.",
            )
