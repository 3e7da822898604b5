"""missing_authentication: an operation that serves user data (or takes a change) without credentials.

Proof: the same request sent as the user, with no credentials and with a malformed token; a 2xx
without real credentials counts only on a write the spec (or the server, on a sibling operation)
protects, or on a read whose answer is the user's data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, ids_in, own_id
from assay.oracles.data_exposure import leaks_in, records
from assay.oracles.refusal import accepted
from assay.oracles.security_common import Step, body_of, finding, ok, one_per_route, owner_fields

READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class AuthTrial:
    """One operation sent as the user, with no credentials and with a malformed token."""

    operation: Operation
    authed: Step | None
    anonymous: Step | None
    malformed: Step | None
    markers: tuple[str, ...] = ()  # the user's username / email: strings only their data carries
    created_ids: tuple[str, ...] = ()  # ids of objects the user created for this run
    # What the probe read from the spec's names (login, health, docs...; ``/users/me``).
    public_by_nature: bool = False  # answering without credentials is the operation's job
    current_user: bool = False  # the operation answers with the caller's own user object


def resource_of(path: str) -> str:
    """The collection an operation belongs to: its path up to the first parameter."""
    return path.split("/{")[0].rstrip("/") or "/"


def _empty(body: Json) -> bool:
    return body in (None, "", [], {}) or (isinstance(body, dict) and not any(body.values()))


def _items(body: Json) -> list[Json]:
    if isinstance(body, list):
        return body[:50]
    if isinstance(body, dict):
        lists = [v for v in body.values() if isinstance(v, list)]
        return [body, *(lists[0][:50] if lists else [])]
    return []


def user_data(trial: AuthTrial, body: Json) -> str | None:
    """Why ``body`` is the user's data, or None when nothing ties it to them."""
    text = json.dumps(body) if not isinstance(body, str) else body
    marker = next((m for m in trial.markers if len(m) >= 4 and m in text), None)
    if marker is not None:
        return f"it carries the user's name `{marker}`"
    ids = {i for item in _items(body) for i in [*ids_in(item), own_id(item) or ""]}
    mine = sorted(ids & set(trial.created_ids))
    if mine:
        return f"it carries object {mine[0]}, which the user created"
    owners = next((owner_fields(item) for item in _items(body) if owner_fields(item)), None)
    if owners:
        return f"its objects name their owner ({', '.join(sorted(owners))})"
    return None


def _read_reason(trial: AuthTrial, leak: Step, enforced: set[str]) -> str | None:
    body = body_of(leak)
    if _empty(body) or not ok(trial.authed):
        return None
    if trial.current_user:
        return "it is the current-user operation and it answers with a user object"
    why = user_data(trial, body)
    if why is None:
        return None  # a catalogue: public by design, whatever the spec says
    if trial.operation.requires_auth:
        return f"the spec requires credentials and {why}"
    if resource_of(trial.operation.path) in enforced:
        return f"the server refuses anonymous calls to other operations on this resource, and {why}"
    return None


def _write_reason(trial: AuthTrial, enforced: set[str]) -> str | None:
    if trial.operation.requires_auth:
        return "the spec requires credentials for it"
    if resource_of(trial.operation.path) in enforced:
        return "the server itself refuses anonymous calls to other operations on this resource"
    return None


def enforced_resources(trials: Sequence[AuthTrial]) -> set[str]:
    """Resources where the server refused an anonymous call that the user could make."""
    return {
        resource_of(t.operation.path)
        for t in trials
        if (t.authed is None or ok(t.authed))
        and t.anonymous is not None
        and t.anonymous.exchange.status in {401, 403}
    }


def declared_public(api: ApiModel | None, op: Operation) -> bool:
    """The spec documents security schemes and says this operation needs none (``security: []``)."""
    return api is not None and bool(api.security_schemes) and not op.requires_auth


def leak_impact(trial: AuthTrial, leak: Step, api: ApiModel | None) -> Impact:
    """The rubric's facts: what a caller without credentials got (secrets, several owners' records)."""
    body = body_of(leak)
    owners = {json.dumps(owner_fields(r), sort_keys=True) for r in records(body) if owner_fields(r)}
    return Impact(
        anonymous=True,
        secrets=bool(leaks_in(leak.exchange, api)),
        others_data=len(owners) > 1,
        writes=trial.operation.method in {"PUT", "PATCH", "DELETE"},
        declared_public=declared_public(api, trial.operation),
    )


def _draft(trial: AuthTrial, leak: Step, reason: str, api: ApiModel | None) -> Draft:
    op = trial.operation
    how = "with a malformed token" if leak is trial.malformed else "without credentials"
    impact = leak_impact(trial, leak, api)
    verb = "serves user data" if op.method in READS else "accepts a change"
    public = " The spec declares it public: verify that it is meant to be." if impact.declared_public else ""
    return Draft(
        category="missing_authentication",
        severity=rate("missing_authentication", impact),
        title=f"{op.key} {verb} {how}",
        detail=f"`{op.key}` answered {leak.exchange.status} {how}: {reason}.{public}",
        recommendation=(
            f"Require and verify credentials on `{op.key}` (the same dependency or middleware its "
            "sibling operations use); answer 401 to a missing or invalid token."
        ),
        impact="Anyone who can reach the API can read or change user data without an account.",
        extra={
            "declared_public": impact.declared_public,
            "secrets": impact.secrets,
            "others_data": impact.others_data,
        },
    )


def judge(trials: Sequence[AuthTrial], api: ApiModel | None, context: OracleContext) -> list[Finding]:
    """One finding per operation that answered 2xx without (valid) credentials where it matters."""
    enforced = enforced_resources(trials)
    found: list[Finding] = []
    for trial in trials:
        if trial.public_by_nature:
            continue
        for leak in (trial.anonymous, trial.malformed):
            if leak is None or not accepted(leak.exchange):
                continue  # a 200 whose body says "login required" refused the call
            if trial.operation.method in READS:
                reason = _read_reason(trial, leak, enforced)
            else:
                reason = _write_reason(trial, enforced)
            if reason is not None:
                steps = [s for s in (trial.authed, trial.anonymous, trial.malformed) if s is not None]
                found.append(finding(_draft(trial, leak, reason, api), leak, steps, context))
                break
    return one_per_route(found)
