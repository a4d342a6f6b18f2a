"""Time as the program sees it: dates and times in the program's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> ZoneInfo:
    """The named time zone; UTC when it is missing or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(zone_name: str | None) -> date:
    return datetime.now(zone(zone_name)).date()


def local_time(moment: datetime | None, zone_name: str | None = None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(zone(zone_name)).strftime("%d %b %Y, %H:%M %Z")


def long_date(moment: datetime | date | None, zone_name: str | None = None) -> str:
    """A date in words, e.g. "2 December 2026" (in the program's time zone for a moment)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone(zone_name)).date()
    return f"{moment.day} {moment:%B %Y}"
