"""The one timestamp format of assay: ISO 8601 in UTC with a ``Z``, to the microsecond.

API records, SSE events, stored runs and the CLI's findings.json / report.md all carry it. The
fraction is kept because workflows are listed newest first by this string and durations are
taken from it; it is also what pydantic writes for an aware UTC datetime, so the API's
responses read the same as the raw records and events.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``2026-02-23T10:00:00.000000Z``; a naive ``moment`` is taken as UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(now())


def parse(stamp: str) -> datetime:
    """The aware datetime of an ISO 8601 stamp (``Z`` or an offset; a naive one is UTC)."""
    moment = datetime.fromisoformat(stamp)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def folder_stamp(moment: datetime) -> str:
    """The same instant for a folder name, to the second and without colons (Windows refuses them)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def is_stamp(stamp: str) -> bool:
    """Whether ``stamp`` is an ISO 8601 date-time (formats that require one must not get another)."""
    try:
        parse(stamp)
    except ValueError:
        return False
    return "T" in stamp
