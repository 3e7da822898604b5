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
)


def planted_keys() -> frozenset[tuple[str, str, str]]:
    """The (category, METHOD, path) keys of every planted fault."""
    return frozenset(fault.key for fault in PLANTED_FAULTS)
