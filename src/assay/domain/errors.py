"""One error tree for all of assay; the API maps it to WorkflowErrorResponse in one place.

AssayError
 ├── UsageError              bad input from the user (CLI flags, request bodies)
 │    ├── InvalidUrl
 │    └── MissingInput
 ├── TargetError             the system under test misbehaved at the transport level
 │    ├── TargetUnreachable  nothing answers at that address
 │    ├── TargetTimeout      it answered too slowly or hung
 │    └── ConnectionDropped  it reset or closed the connection mid-exchange
 ├── SpecError               the API description could not be used
 │    ├── SpecNotFound
 │    ├── SpecParseError     not JSON/YAML, or not an OpenAPI/Swagger document
 │    │    └── SpecTooLarge  refused before it could cost unbounded memory (size, aliases, depth)
 │    └── SpecRefError       a $ref points nowhere
 ├── SafetyError             a request would leave the allowed hosts or break a safety rule
 ├── NoBrowserFound          a web page must be observed and no Chromium can be launched
 └── NotFound / NotReady     service lookups

A cancel is not an error: it is a token the stages read (``CancelToken``), and they stop at their
next step with what they have, so the partial results are kept; nothing is raised for it.
"""

from __future__ import annotations


class AssayError(Exception):
    """Base of every error assay raises on purpose. ``code`` is the machine-readable name."""

    code = "ASSAY_ERROR"


class UsageError(AssayError):
    code = "INVALID_INPUT"


class InvalidUrl(UsageError):
    code = "INVALID_URL"


class MissingInput(UsageError):
    code = "MISSING_INPUT"


class TargetError(AssayError):
    code = "TARGET_ERROR"


class TargetUnreachable(TargetError):
    code = "TARGET_UNREACHABLE"


class TargetTimeout(TargetError):
    code = "TARGET_TIMEOUT"


class ConnectionDropped(TargetError):
    code = "CONNECTION_DROPPED"


class SpecError(AssayError):
    code = "SPEC_ERROR"


class SpecNotFound(SpecError):
    code = "SPEC_NOT_FOUND"


class SpecParseError(SpecError):
    code = "SPEC_INVALID"


class SpecTooLarge(SpecParseError):
    """Same code as SpecParseError: for an API client it is a spec that cannot be used."""


class SpecRefError(SpecError):
    code = "SPEC_REF_ERROR"


class SafetyError(AssayError):
    code = "TARGET_NOT_ALLOWED"


class NotFound(AssayError):
    code = "NOT_FOUND"


class NoBrowserFound(AssayError):
    """No Chromium could be found (or launched) to observe a web page."""

    code = "NO_BROWSER"

    def __init__(self, detail: str = "") -> None:
        message = "no Chromium found: apt-get install -y chromium or set ASSAY_CHROMIUM_PATH"
        super().__init__(f"{message} ({detail})" if detail else message)


class NotReady(AssayError):
    code = "NOT_READY"
