"""One timestamp format for API records, events and CLI outputs (domain/clock.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from assay.domain import clock

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def test_now_iso_is_utc_iso8601_to_the_microsecond() -> None:
    stamp = clock.now_iso()
    assert STAMP.match(stamp), stamp
    assert abs(clock.parse(stamp) - datetime.now(UTC)) < timedelta(seconds=5)


def test_iso_converts_offsets_and_takes_naive_as_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert clock.iso(datetime(2026, 2, 23, 11, 0, tzinfo=paris)) == "2026-02-23T10:00:00.000000Z"
    assert clock.iso(datetime(2026, 2, 23, 10, 0, 0, 5)) == "2026-02-23T10:00:00.000005Z"


def test_parse_reads_its_own_format_and_the_spec_example() -> None:
    moment = datetime(2026, 2, 23, 10, 0, 0, 123456, tzinfo=UTC)
    assert clock.parse(clock.iso(moment)) == moment
    assert clock.parse("2026-02-23T10:00:00Z") == datetime(2026, 2, 23, 10, tzinfo=UTC)
    assert clock.parse("2026-02-23T10:00:00").tzinfo is UTC


def test_stamps_sort_like_the_instants_they_name() -> None:
    # The store lists workflows newest first by this string.
    base = datetime(2026, 2, 23, 10, 0, 0, 999999, tzinfo=UTC)
    later = base + timedelta(microseconds=1)
    assert clock.iso(base) < clock.iso(later)


def test_folder_stamp_has_no_colon() -> None:
    assert clock.folder_stamp(datetime(2026, 2, 23, 10, 1, 2, 3, tzinfo=UTC)) == "20260223T100102Z"
