"""What this run tests and, as plainly, what it does not (the "What's NOT tested" of a QA report)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import CoverageItem, CoverageMetrics, Scenario

# Always out of reach of one generated, single-identity, sequential run: said every time.
STANDING_GAPS: tuple[CoverageItem, ...] = (
    CoverageItem("rate limiting", "not in this run's scope: bursts of requests are not generated here"),
    CoverageItem("concurrency", "not tested: scenarios run one request at a time"),
    CoverageItem(
        "multi-tenant isolation", "needs a second identity (tenant) to try reading another's objects"
    ),
    CoverageItem("performance and load", "only each request's latency is observed; no load test"),
)
_KIND_WORDS = {
    "happy_path": "valid request",
    "list_read": "list",
    "create_status": "201 on create",
    "crud_lifecycle": "CRUD lifecycle",
    "missing_required": "missing required fields",
    "wrong_type": "wrong types",
    "boundary": "boundaries",
    "no_auth": "no credentials",
    "not_found": "unknown id",
    "trailing_slash": "trailing slash",
}


def _kinds_by_operation(scenarios: Sequence[Scenario]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in scenarios:
        for action in s.actions:
            kinds = out.setdefault(action.request.operation, [])
            if s.kind not in kinds:
                kinds.append(s.kind)
    return out


def _exercised(scenarios: Sequence[Scenario]) -> set[str]:
    """Operations called at least once the way they are meant to be used (not only refused)."""
    return {
        a.request.operation
        for s in scenarios
        for a in s.actions
        if a.request.intent in ("valid", "probe", "variant")
    }


def _auth_gaps(api: ApiModel) -> list[CoverageItem]:
    needing = [op for op in api.operations if op.requires_auth]
    if not needing:
        return []
    schemes = {s.name: s.kind for s in api.security_schemes}
    key_only = [op for op in needing if op.security and all(schemes.get(n) == "api_key" for n in op.security)]
    gaps: list[CoverageItem] = []
    if key_only and api.auth.kind != "api_key":
        gaps.append(
            CoverageItem(
                f"{len(key_only)} operations requiring an API key", "no key given: only tried without it"
            )
        )
    if api.auth.kind == "none":
        gaps.append(
            CoverageItem(
                f"{len(needing)} operations requiring authentication",
                "no way to log in was found; give credentials, or calls will be refused",
            )
        )
    return gaps


def _uncovered(
    ops: Sequence[Operation], kinds: dict[str, list[str]], skipped: Sequence[CoverageItem]
) -> list[CoverageItem]:
    said = {item.item for item in skipped}
    return [
        CoverageItem(op.key, "no scenario could be generated for it")
        for op in ops
        if op.key not in kinds and op.key not in said
    ]


def coverage_metrics(
    api: ApiModel | None,
    scenarios: Sequence[Scenario],
    skipped: Sequence[CoverageItem] = (),
    extra_gaps: Sequence[CoverageItem] = (),
) -> CoverageMetrics:
    """Operations covered, scenarios by kind, and every known gap with its reason."""
    kinds = _kinds_by_operation(scenarios)
    ops = api.operations if api else ()
    covered = [
        CoverageItem(key, ", ".join(_KIND_WORDS.get(k, k) for k in ks)) for key, ks in sorted(kinds.items())
    ]
    lifecycles = [s.title for s in scenarios if s.kind == "crud_lifecycle"]
    if lifecycles:
        covered.append(CoverageItem("CRUD lifecycles", "; ".join(lifecycles)))
    gaps = list(dict.fromkeys([*skipped, *_uncovered(ops, kinds, skipped), *extra_gaps]))
    if api is not None:
        gaps += _auth_gaps(api)
    gaps += list(STANDING_GAPS)
    known = {op.key for op in ops} if api else set(kinds)
    return CoverageMetrics(
        operations_total=len(known),
        operations_covered=len(known & _exercised(scenarios)),
        scenarios_by_kind=dict(sorted(Counter(s.kind for s in scenarios).items())),
        covered=tuple(covered),
        not_covered=tuple(gaps),
    )
