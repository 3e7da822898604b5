"""broken_function_authorization: a lower role uses a function only a higher one may, or raises itself.

Proof: the same restricted request answered for the higher and the lower identity (or a path that
itself names an administrative function), or a user's own account read before and after it asked
for a role, the later read showing a privilege the earlier one did not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.findings import Finding
from assay.domain.json import Json, as_list
from assay.oracles.base import Draft, OracleContext
from assay.oracles.refusal import accepted
from assay.oracles.security_common import Step, body_of, finding, object_view, ok, one_per_route, route_of

_STRONG = re.compile(r"(^|/)(admin|administration|superuser|staff)(/|$)", re.I)
_PRIVILEGED = frozenset({"admin", "administrator", "superuser", "root", "staff", "owner"})


@dataclass(frozen=True)
class FunctionTrial:
    """One restricted operation sent as the higher identity (if any) and as the lower one."""

    higher: Step | None
    lower: Step
    reason: str  # why the operation is restricted: "its path names admin", "..."


@dataclass(frozen=True)
class RaiseTrial:
    """A user's own account read, the request asking for a role, and the read afterwards."""

    before: Step
    write: Step
    after: Step | None


def privileged(body: Json) -> list[str]:
    """The fields of a user object that grant privileges (``role: admin``, ``is_admin: true``)."""
    view = object_view(body)
    found: list[str] = []
    for key, value in view.items():
        lowered = key.lower()
        if lowered in {"role", "user_role", "type", "group"} and str(value).lower() in _PRIVILEGED:
            found.append(f"{key}={value}")
        elif (
            lowered in {"is_admin", "admin", "is_staff", "is_superuser", "superuser", "staff"}
            and value is True
        ):
            found.append(f"{key}=true")
        elif lowered in {"roles", "groups", "permissions"} and _PRIVILEGED & {
            str(v).lower() for v in as_list(value)
        }:
            found.append(f"{key}={json.dumps(value)}")
    return found


def _draft(step: Step, title: str, detail: str, severity: str = "high") -> Draft:
    route = f"{step.exchange.request.method.upper()} {step.exchange.path_template or ''}"
    return Draft(
        category="broken_function_authorization",
        severity="critical" if severity == "critical" else "high",
        title=title,
        detail=detail,
        recommendation=(
            f"Check the caller's role in `{route}` on the server (one authorization dependency per "
            "router, deny by default); never take a role or privilege flag from the request body."
        ),
        impact="An ordinary user can use administrative functions or make themselves an administrator.",
    )


def judge_functions(trials: Sequence[FunctionTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        lower = trial.lower
        empty = body_of(lower) in (None, "", [], {})
        if not accepted(lower.exchange) or (trial.higher is not None and not ok(trial.higher)):
            continue
        if lower.exchange.request.method.upper() == "GET" and empty:
            continue
        if trial.higher is None and not _STRONG.search(lower.exchange.path_template or ""):
            continue  # with one role only the path's own word says the function is privileged
        route = route_of(lower)
        detail = f"{lower.actor} called `{route}` and got {lower.exchange.status}, although {trial.reason}."
        steps = [s for s in (trial.higher, lower) if s is not None]
        found.append(finding(_draft(lower, f"A lower role can call {route}", detail), lower, steps, context))
    return found


def judge_raises(trials: Sequence[RaiseTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        gained = sorted(set(privileged(body_of(trial.after))) - set(privileged(body_of(trial.before))))
        if not ok(trial.write) or trial.after is None or not ok(trial.after) or not gained:
            continue
        route = route_of(trial.write)
        shows = ", ".join(gained)
        detail = f"{trial.write.actor} asked `{route}` for a role and its own account now shows {shows}."
        draft = _draft(trial.write, f"A user can raise their own role through {route}", detail, "critical")
        found.append(finding(draft, trial.write, [trial.before, trial.write, trial.after], context))
    return found


def judge(
    functions: Sequence[FunctionTrial], raises: Sequence[RaiseTrial], context: OracleContext
) -> list[Finding]:
    """Findings for restricted functions the lower identity could use, one per route."""
    return one_per_route([*judge_raises(raises, context), *judge_functions(functions, context)])
