"""Finding post-processing: one finding per (category, method, path), numbered, secret-free.

Every finding leaves here with its ``proof`` and ``identity`` (FINDINGS.md): a producer may set
them, else the proof follows from the category (:data:`PROOF_BY_CATEGORY`) and the identity is
the run's primary one. Merging is order-free: the instance shown for a group is chosen by
severity then a stable key, never by which concurrent request happened to finish first.

Also the proof-before-report check: the runner replays each single-exchange finding's request
on a fresh connection, and a fault the replay does not show again is ``flaky``: at most ``low``
and out of the exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.domain.exchanges import Exchange
from assay.domain.findings import SEVERITY_ORDER, Category, Finding, Proof, Severity, default_proof
from assay.domain.json import Json, JsonObject, as_object
from assay.domain.redaction import redact_json, redact_text

_RELATED_LIMIT = 10
FLAKY_CEILING: Severity = "low"


def settle(finding: Finding, identity: str = "") -> Finding:
    """``finding`` with ``proof`` and ``identity`` filled in (the producer's own values kept)."""
    proof: Proof = "flaky" if finding.flaky else (finding.proof or default_proof(finding.category))
    who = finding.identity or identity or "user"
    if proof == "flaky":
        return replace(
            finding, proof=proof, identity=who, flaky=True, severity=flaky_severity(finding.severity)
        )
    return replace(finding, proof=proof, identity=who)


def flaky_severity(severity: Severity) -> Severity:
    """The severity a finding keeps when it did not reproduce: at most ``low``."""
    return FLAKY_CEILING if SEVERITY_ORDER[severity] > SEVERITY_ORDER[FLAKY_CEILING] else severity


def shown_key(finding: Finding) -> tuple[int, int, str, str, str, str]:
    """The order in which a group's instances compete to be shown: best first, ties stable.

    Most severe first, proven before flaky, then by scenario id, title, request and detail: the
    same set of instances always shows the same one, whatever order they were found in.
    """
    return (
        -SEVERITY_ORDER[finding.severity],
        1 if finding.flaky or finding.proof == "flaky" else 0,
        finding.scenario_id or "",
        finding.title,
        finding.reproduce,
        finding.detail,
    )


def _merge_group(group: list[Finding]) -> Finding:
    ranked = sorted(group, key=shown_key)
    best = ranked[0]
    total = sum(max(1, f.occurrences) for f in group)
    evidence: JsonObject = dict(best.evidence)
    evidence["occurrences"] = total
    related = sorted({f.title for f in group if f.title != best.title})
    if related:
        shown: list[Json] = [*related[:_RELATED_LIMIT]]
        evidence["related"] = shown
    scenarios = sorted({f.scenario_id for f in group if f.scenario_id})
    if len(scenarios) > 1:
        ids: list[Json] = [*scenarios]
        evidence["scenario_ids"] = ids
    # One reproducible instance is enough to call the fault real.
    flaky = all(f.flaky or f.proof == "flaky" for f in group)
    return replace(
        best,
        evidence=evidence,
        occurrences=total,
        flaky=flaky,
        proof=best.proof if not flaky or best.proof == "flaky" else "flaky",
        scenario_id=best.scenario_id or (scenarios[0] if scenarios else None),
    )


def redact_finding(finding: Finding, secrets: Sequence[str]) -> Finding:
    """The finding with every secret masked in every text it carries."""
    return replace(
        finding,
        title=redact_text(finding.title, secrets),
        detail=redact_text(finding.detail, secrets),
        evidence=as_object(redact_json(finding.evidence, secrets)),
        reproduce=redact_text(finding.reproduce, secrets),
        recommendation=redact_text(finding.recommendation, secrets),
        impact=redact_text(finding.impact, secrets),
    )


def _order(finding: Finding) -> tuple[int, str, str, str]:
    return (-SEVERITY_ORDER[finding.severity], finding.path, finding.method, finding.category)


def merge_findings(
    findings: Sequence[Finding], secrets: Sequence[str], *, identity: str = ""
) -> list[Finding]:
    """Settle, dedup by (category, method, path), order by severity then path, number F-0001…, redact.

    ``identity`` names the run's primary identity, for findings whose producer did not say.
    """
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.dedup_key, []).append(settle(finding, identity))
    merged = sorted((_merge_group(g) for g in groups.values()), key=_order)
    return [
        redact_finding(replace(f, id=f"F-{index:04d}", method=f.method.upper()), secrets)
        for index, f in enumerate(merged, start=1)
    ]


# --------------------------------------------------------------------------- flakiness

_DRIFT_STATUSES = frozenset({400, 415, 422})


def _failed_transport_or_5xx(exchange: Exchange) -> bool:
    status = exchange.status
    return (status is None and exchange.error is not None) or (status is not None and status >= 500)


def _status_reproduces(category: str, original_status: int | None, replay: Exchange) -> bool:
    status = replay.status
    if category == "server_error":
        return _failed_transport_or_5xx(replay)
    if status is None:
        return False  # the replay got no answer: it neither confirms nor shows this fault
    if category == "missing_endpoint":
        return status in (404, 405)
    if category == "spec_drift":
        return status in _DRIFT_STATUSES
    if category == "redirect":
        return 300 <= status < 400
    if original_status is None:
        return True
    if category in {"status_code", "response_schema"}:
        return status == original_status
    return status // 100 == original_status // 100


def reproduces(original: Exchange, replay: Exchange, category: Category | str) -> bool:
    """Whether ``replay`` of ``original``'s request shows the same fault for ``category``."""
    if category == "slow_response":
        before = original.response.own_seconds if original.response else 0.0
        after = replay.response.own_seconds if replay.response else 0.0
        # One replay is a single sample: "still slow" means at least half the original time.
        return replay.response is not None and after >= before / 2
    if category == "response_schema" and original.response and replay.response:
        # Same status and same body shape: a schema fault in a deterministic body comes back.
        same_kind = original.response.is_json == replay.response.is_json
        return replay.response.status == original.response.status and same_kind
    return _status_reproduces(category, original.status, replay)


def _evidence_status(finding: Finding) -> int | None:
    status = as_object(finding.evidence.get("response")).get("status")
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def mark_flaky(
    finding: Finding, replay_exchange: Exchange | None, original: Exchange | None = None
) -> Finding:
    """The finding after its replay: ``reproduced`` when the fault came back, else ``flaky``.

    A flaky finding is at most ``low`` whatever it was, and never blocking (FINDINGS.md).

    Without ``original``, the status recorded in the finding's evidence stands in for it.
    """
    if replay_exchange is None:
        return finding
    if original is not None:
        again = reproduces(original, replay_exchange, finding.category)
    else:
        again = _status_reproduces(finding.category, _evidence_status(finding), replay_exchange)
    if again:
        return replace(finding, proof=finding.proof or default_proof(finding.category))
    evidence: JsonObject = dict(finding.evidence)
    evidence["replay_status"] = replay_exchange.status
    if replay_exchange.error:
        evidence["replay_error"] = replay_exchange.error
    evidence["replay"] = "not reproduced on a fresh connection"
    return replace(
        finding, flaky=True, proof="flaky", severity=flaky_severity(finding.severity), evidence=evidence
    )
