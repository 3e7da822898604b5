"""What the report may claim: findings in the order a reader should trust them, and assay's own
limits told apart from the target's faults.

Pure functions over the run's result. The executive summary names only findings that were
proven (not flaky) and never opens with an operation the spec itself declares public; a scenario
assay could not run (no credentials, a safety rule, the budget, a value it had no way to fill) is
assay's limitation, not the target's problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.analysis import ScenarioRun, StepResult
from assay.domain.findings import SEVERITY_ORDER, Finding
from assay.domain.operations import ApiModel
from assay.domain.run import RunResult
from assay.oracles.base import OracleContext
from assay.oracles.made_up import known_values, made_up_references

# Why a scenario or step did not run that are about assay, not about the target.
_OWN_LIMITS = re.compile(
    r"(?i)time budget|budget (of|exhausted|ran out)|request budget|cancelled|no recipe"
    r"|needs \$\{|needs [\w.]+$|no value for|runner error|--destructive|destructive|safety"
    r"|--allow-host|not a test system"
    r"|no credentials|without credentials|no way to log in|give credentials|not sent"
)
_PROOF_RANK = {"reproduced": 0, "differential": 0, "canary": 0, "timing": 1, "": 1, "flaky": 2}
REFUSED = frozenset({401, 403})


def proof_of(finding: Finding) -> str:
    """The finding's ``proof`` ("" while the field is absent); ``flaky`` wins when it is marked so."""
    if finding.flaky:
        return "flaky"
    proof = getattr(finding, "proof", "")
    return proof if isinstance(proof, str) else ""


def is_flaky(finding: Finding) -> bool:
    return proof_of(finding) == "flaky"


def by_severity_and_proof(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then the best proven, flaky last; ties keep their id order."""
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_ORDER[f.severity], _PROOF_RANK.get(proof_of(f), 1), f.id),
    )


def declared_public(finding: Finding, api: ApiModel | None) -> bool:
    """A missing-authentication finding on an operation the spec documents as public."""
    if finding.category != "missing_authentication":
        return False
    if finding.evidence.get("declared_public") is True:
        return True
    op = api.operation(f"{finding.method.upper()} {finding.path}") if api is not None else None
    return op is not None and bool(api and api.security_schemes) and not op.requires_auth


def summary_findings(run: RunResult) -> list[Finding]:
    """The findings the executive summary may lead with: proven, and not a spec-declared public call."""
    api = run.observation.api if run.observation else None
    shown = [f for f in run.findings if not is_flaky(f) and not declared_public(f, api)]
    return by_severity_and_proof(shown)


def own_limitation(reason: str | None) -> bool:
    """The reason a scenario was not (fully) run is assay's own limit (budget, safety, credentials)."""
    return bool(reason) and bool(_OWN_LIMITS.search(reason or ""))


def _made_up_refusal(run: RunResult, scenario_id: str, step: StepResult) -> str | None:
    """A 4xx to a request that carried a value assay made up: the server was right to refuse it."""
    if step.status is None or not 400 <= step.status < 500:
        return None
    sent = next(
        (e for e in run.exchanges if e.scenario_id == scenario_id and e.action == step.name),
        None,
    )
    if sent is None or sent.status != step.status:
        return None
    api = run.observation.api if run.observation else None
    op = api.operation(sent.operation) if api is not None and sent.operation else None
    made = made_up_references(sent, op, known_values(run.exchanges, OracleContext()))
    if not made:
        return None
    first = made[0]
    return (
        f"refused with HTTP {step.status}: assay made up the {first.location} value `{first.name}` "
        "(nothing by that name exists on the target), so the refusal is correct"
    )


def limited_step(run: RunResult, scenario_id: str, step: StepResult) -> str | None:
    """Why a failed step is assay's own limit rather than the target's fault, or None."""
    if step.status in REFUSED:
        return f"refused with HTTP {step.status}: assay's credentials were missing or not accepted"
    if step.status is None and own_limitation(step.message):
        return step.message
    return _made_up_refusal(run, scenario_id, step)


def limited_run(run: RunResult, result: ScenarioRun) -> str | None:
    """Why a failed scenario says nothing about the target (every failed step is assay's limit)."""
    failed = [s for s in result.steps if not s.passed]
    reasons = [limited_step(run, result.scenario_id, s) for s in failed]
    if not failed or any(r is None for r in reasons):
        return None
    return reasons[0]
