"""The faults planted in the demo target, as data: what a correct run of assay must report.

Each entry is one finding of findings.json, keyed as assay keys findings: (category, method,
path template as the demo's OpenAPI writes it). Tests and the benchmark compare assay's
findings against this list: every entry found, nothing else reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.domain.findings import Category


@dataclass(frozen=True)
class PlantedFault:
    """One deliberate fault of the demo target and how a QA engineer would describe it."""

    category: Category
    method: str
    path: str
    summary: str

    @property
    def key(self) -> tuple[str, str, str]:
        """The same key as `Finding.dedup_key`."""
        return (self.category, self.method.upper(), self.path)


# One per security family (demo/authz_routes.py, demo/attack_routes.py, demo/account_routes.py and
# the JWT key in store.py).
SECURITY_FAULTS: tuple[PlantedFault, ...] = (
    PlantedFault(
        "broken_object_authorization",
        "GET",
        "/api/v1/notes/{note_id}",
        "Any logged-in user reads any other user's note by its id.",
    ),
    PlantedFault(
        "broken_function_authorization",
        "GET",
        "/api/v1/admin/stats",
        "The admin statistics are served to every logged-in user, not only administrators.",
    ),
    PlantedFault(
        "mass_assignment",
        "POST",
        "/api/v1/members/",
        "The create keeps an undeclared `is_admin: true` sent by the client.",
    ),
    PlantedFault(
        "missing_authentication",
        "GET",
        "/api/v1/notes/{note_id}/export",
        "Documented as secured, the export serves the note without checking the token.",
    ),
    PlantedFault(
        "stale_resource",
        "DELETE",
        "/api/v1/notes/{note_id}",
        "Deleting a note answers 204 but the note is still served.",
    ),
    PlantedFault(
        "lost_update",
        "PATCH",
        "/api/v1/notes/{note_id}",
        "A PATCH answers with the new title but only the body is stored.",
    ),
    PlantedFault(
        "race_condition",
        "POST",
        "/api/v1/tags/",
        "Tag names are unique per user, checked before the insert: concurrent creates make duplicates.",
    ),
    PlantedFault(
        "injection",
        "GET",
        "/api/v1/search/notes",
        "The search term is formatted into SQLite SQL; a quote answers 500 with the database error.",
    ),
    PlantedFault(
        "ssrf",
        "POST",
        "/api/v1/imports/",
        "The import fetches any URL the client names, loopback included.",
    ),
    PlantedFault(
        "broken_authentication",
        "GET",
        "/api/v1/users/me",
        "Bearer tokens are HS256 JWTs signed with the key `changeme`: anyone can forge one.",
    ),
    PlantedFault(
        "business_flow",
        "POST",
        "/api/v1/coupons/redeem",
        "The same coupon code can be redeemed again and again.",
    ),
    PlantedFault(
        "information_disclosure",
        "GET",
        "/debug",
        "An unlisted /debug page answers with the app's settings to anyone.",
    ),
    PlantedFault(
        "user_enumeration",
        "POST",
        "/api/v1/auth/password-reset",
        "A password reset answers 202 for a registered email and 404 for an unknown one.",
    ),
    PlantedFault(
        "rate_limiting",
        "POST",
        "/api/v1/auth/password-reset/confirm",
        "Wrong reset codes are never counted: the six-digit code can be guessed at full speed.",
    ),
    PlantedFault(
        "data_exposure",
        "GET",
        "/api/v1/users/",
        "The team directory hands out every user's password hash.",
    ),
    PlantedFault(
        "cors",
        "GET",
        "/api/v1/users/me/sessions",
        "The sessions list reflects any Origin together with Access-Control-Allow-Credentials: true.",
    ),
    PlantedFault(
        "resource_exhaustion",
        "GET",
        "/api/v1/handles/check",
        "The handle is checked with a nested-quantifier regex: 25 characters keep a worker busy seconds.",
    ),
)

PLANTED_FAULTS: tuple[PlantedFault, ...] = (
    PlantedFault(
        "status_code",
        "POST",
        "/api/v1/auth/register",
        "Registration creates the user but answers 200; the spec documents 201 Created.",
    ),
    PlantedFault(
        "redirect",
        "GET",
        "/api/v1/projects/",
        "GET /api/v1/projects (no trailing slash) answers 307 to /api/v1/projects/.",
    ),
    PlantedFault(
        "redirect",
        "POST",
        "/api/v1/projects/",
        "POST /api/v1/projects (no trailing slash) answers 307; many clients drop the body.",
    ),
    PlantedFault(
        "spec_drift",
        "POST",
        "/api/v1/agent-kits/",
        "The spec marks config.primary_objective optional; the server answers 422 without it.",
    ),
    PlantedFault(
        "server_error",
        "POST",
        "/api/v1/chat/sessions/{session_id}/messages",
        "Every valid message to an existing chat session answers 500 Internal Server Error.",
    ),
    PlantedFault(
        "missing_endpoint",
        "GET",
        "/api/v1/analytics/public/metrics",
        "Documented in the spec, not implemented: the server answers 404.",
    ),
    PlantedFault(
        "response_schema",
        "GET",
        "/api/v1/analytics/summary",
        "The response lacks `generated_at`, which its documented schema requires.",
    ),
    PlantedFault(
        "spec_quality",
        "GET",
        "/api/v1/datasets/{dataset_id}/preview",
        "The 200 response is the placeholder `TODOSchema` (no properties): clients get Dict[str, Any].",
    ),
    *SECURITY_FAULTS,
)


# The web UI's faults (see assay.demo.webui): found by the browser side, so kept apart from the API's.
UI_FAULTS: tuple[PlantedFault, ...] = (
    PlantedFault("ui_broken_link", "GET", "/ui/items/99", "/ui/items links 'Archived item' to a 404 page."),
    PlantedFault("ui_console_error", "GET", "/ui/reports", "The reports page throws a TypeError on load."),
    PlantedFault("ui_server_error", "POST", "/ui/contact", "Submitting the contact form answers 500."),
    PlantedFault(
        "ui_accessibility", "GET", "/ui/search", "A search box, an icon button and an image have no name."
    ),
    PlantedFault("ui_silent_failure", "POST", "/ui/login", "A wrong password re-shows the form silently."),
)
ALL_PLANTED_FAULTS = PLANTED_FAULTS + UI_FAULTS


def planted_keys(*, ui: bool = False) -> frozenset[tuple[str, str, str]]:
    """The (category, METHOD, path) keys of every planted API fault (and the web UI's, with ``ui``)."""
    return frozenset(fault.key for fault in (ALL_PLANTED_FAULTS if ui else PLANTED_FAULTS))
