"""A crash in one part of a run becomes one line in the results, never the end of the run.

Every isolated part (a stage, a security family, an oracle, a sub-part of the analysis) turns an
unexpected exception into :func:`crash_note`: a one-line account of what failed, why, and what
was skipped, for ``RunResult.incomplete`` and the console; the traceback goes to the ``assay``
logger, which the CLI writes to ``assay.log`` in the output folder.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger("assay.crash")
_MAX_REASON = 200  # a console line, not a dump: the log file has the rest


def describe(exc: BaseException) -> str:
    """``TimeoutError: Timeout 30000ms exceeded.``: the type and the first line of the message."""
    message = str(exc).strip().splitlines()[0].strip() if str(exc).strip() else ""
    if len(message) > _MAX_REASON:
        message = message[: _MAX_REASON - 1] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def crash_note(part: str, exc: BaseException, skipped: str = "") -> str:
    """The one line saying ``part`` crashed, why and what it skipped; logs the traceback."""
    line = f"{part} crashed ({describe(exc)})"
    if skipped:
        line += f"; {skipped}"
    log.error("%s", line, exc_info=(type(exc), exc, exc.__traceback__))
    return line


def isolated(part: str, skipped: str, work: Callable[[], T], fallback: T, notes: list[str]) -> T:
    """``work()``, or ``fallback`` with a crash note in ``notes`` when it raises."""
    try:
        return work()
    except Exception as exc:  # one part's bug must not take the rest of the run down with it
        notes.append(crash_note(part, exc, skipped))
        return fallback


async def isolated_async(part: str, skipped: str, work: Awaitable[T], fallback: T, notes: list[str]) -> T:
    """``await work``, or ``fallback`` with a crash note in ``notes`` when it raises.

    A cancellation (``asyncio.CancelledError``) is not a crash and goes through.
    """
    try:
        return await work
    except Exception as exc:  # one part's bug must not take the rest of the run down with it
        notes.append(crash_note(part, exc, skipped))
        return fallback
