"""Local time for the region (WIT, Asia/Jayapura, by default). Stored times are always UTC."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(local_zone()) if value is not None else None


def from_local(naive: datetime) -> datetime:
    """A wall-clock time typed by a user in the region, as aware UTC."""
    return naive.replace(tzinfo=local_zone()).astimezone(timezone.utc)


def format_local(value: datetime | None, with_zone: bool = True) -> str:
    if value is None:
        return ""
    text = to_local(value).strftime("%d-%m-%Y %H:%M")
    return f"{text} {current_app.config['TIMEZONE_LABEL']}" if with_zone else text


def humanize_delta(delta: timedelta, locale: str = "id") -> str:
    """'2 hari 3 jam' / '2 days 3 hours': the time left before a deadline."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    words = {
        "id": ("hari", "hari", "jam", "jam", "menit", "menit"),
        "en": ("day", "days", "hour", "hours", "minute", "minutes"),
    }[locale if locale in ("id", "en") else "id"]
    parts = []
    if days:
        parts.append(f"{days} {words[0] if days == 1 else words[1]}")
    if hours:
        parts.append(f"{hours} {words[2] if hours == 1 else words[3]}")
    if not days and (minutes or not parts):
        parts.append(f"{minutes} {words[4] if minutes == 1 else words[5]}")
    return " ".join(parts)
