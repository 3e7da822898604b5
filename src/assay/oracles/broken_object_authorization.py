"""broken_object_authorization: one user reads, changes or deletes another's object by its id.

Proof: the owner's object, known to be the owner's alone (it names its owner, or the owner's
listing shows it and the intruder's does not, or the server hides it from the intruder), and the
intruder's read, change or delete of it accepted; or the owner's own read showing the intruder's
write to the owner's profile (chosen by id, username or a body field); or the owner's login
accepting the password the intruder set; or the intruder's read, by a natural key (title, account
number), of an object the owner's listing shows and the intruder's does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.domain.findings import Finding
from assay.domain.json import Json, as_list, dig
from assay.domain.severity import Impact, rate
from assay.oracles.base import Draft, OracleContext, ids_in, own_id
from assay.oracles.data_exposure import leaks_in
from assay.oracles.refusal import accepted
from assay.oracles.security_common import (
    Step,
    body_of,
    finding,
    object_view,
    ok,
    one_per_route,
    owner_fields,
    refused,
    route_of,
)


@dataclass(frozen=True)
class ObjectTrial:
    """A's object, and what B could do to it."""

    object_id: str
    created: Step
    owner_list: Step | None = None
    intruder_list: Step | None = None
    intruder: tuple[Step, ...] = ()  # B's GET, PUT/PATCH and DELETE on A's object, in order


@dataclass(frozen=True)
class ProfileTrial:
    """B writes a field of A's user object by naming A's id; A reads its own object back."""

    name: str
    value: str
    intruder_write: Step
    owner_read: Step | None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class TakeoverTrial:
    """B sets A's password by naming A (path username or body field); then A's login with it."""

    intruder_write: Step
    login_new: Step | None  # A's username with the password B set
    login_wrong: Step | None  # A's username with a password nobody set: what a refusal looks like
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class KeyedReadTrial:
    """B reads an object by a natural key (title, account number) that A's listing shows, B's not."""

    key: str
    value: str
    owner_list: Step
    intruder_list: Step
    intruder_read: Step


def listed_keys(step: Step | None, key: str) -> set[str]:
    """The values of ``key`` (or a field named like its last word) over a listing's items."""
    body = body_of(step) if step is not None and ok(step) else None
    items = body if isinstance(body, list) else next((v for v in _values(body) if isinstance(v, list)), [])
    last = key.replace("-", "_").split("_")[-1].lower()
    found: set[str] = set()
    for item in as_list(items):
        view = object_view(item)
        for name in (key, *(k for k in view if k.lower() in {key.lower(), last})):
            value = view.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                found.add(str(value))
    return found


def judge_keyed_reads(trials: Sequence[KeyedReadTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        private = trial.value in listed_keys(trial.owner_list, trial.key) - listed_keys(
            trial.intruder_list, trial.key
        )
        shown = trial.value in {str(v) for v in object_view(body_of(trial.intruder_read)).values()}
        if private and ok(trial.intruder_read) and shown:
            why = f"the owner's listing shows it ({trial.key}={trial.value}) and the intruder's does not"
            draft = _draft(trial.intruder_read, trial.owner_list.actor, why)
            steps = [trial.owner_list, trial.intruder_list, trial.intruder_read]
            found.append(finding(draft, trial.intruder_read, steps, context))
    return found


def _ids_listed(step: Step | None) -> set[str] | None:
    if step is None or not ok(step):
        return None
    body = body_of(step)
    items = body if isinstance(body, list) else next((v for v in _values(body) if isinstance(v, list)), [])
    return {i for item in as_list(items) for i in [own_id(item) or "", *ids_in(item)] if i}


def _values(body: Json) -> list[Json]:
    return list(body.values()) if isinstance(body, dict) else []


def private_because(trial: ObjectTrial) -> str | None:
    """Why the object is A's alone, from what was recorded; None when it may be shared."""
    owners = owner_fields(body_of(trial.created))
    if owners:
        return f"it names its owner ({', '.join(f'{k}={v}' for k, v in sorted(owners.items()))})"
    mine, theirs = _ids_listed(trial.owner_list), _ids_listed(trial.intruder_list)
    if mine is not None and theirs is not None and trial.object_id in mine - theirs:
        return "the owner's listing shows it and the intruder's listing does not"
    return None


def _shows_object(step: Step, object_id: str) -> bool:
    body = body_of(step)
    return own_id(body) == object_id or str(object_view(body).get("id", "")) == object_id


def _draft(step: Step, owner: str, why: str) -> Draft:
    method = step.exchange.request.method.upper()
    verb = {"GET": "read", "DELETE": "delete"}.get(method, "change")
    route = route_of(step)
    impact = Impact(others_data=True, writes=method != "GET", secrets=bool(leaks_in(step.exchange, None)))
    return Draft(
        category="broken_object_authorization",
        severity=rate("broken_object_authorization", impact),
        title=f"Another user can {verb} a user's object through {route}",
        detail=(
            f"{step.actor} could {verb} an object that {owner} created (answer {step.exchange.status}); "
            f"the object is {owner}'s because {why}."
        ),
        recommendation=(
            f"In `{route}`, load the object by id AND the caller's identity (or tenant), and answer "
            "404 when it is not theirs; check ownership in one place every handler uses."
        ),
        impact="Any user can read or tamper with every other user's data by guessing or enumerating ids.",
    )


def judge_objects(trials: Sequence[ObjectTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        why = private_because(trial)
        read = next((s for s in trial.intruder if s.exchange.request.method.upper() == "GET"), None)
        if why is None and refused(read):
            why = "the server hides it from the intruder (the read was refused) yet accepts the write"
            writes_only = True
        else:
            writes_only = False
        if why is None:
            continue
        steps = [trial.created, *trial.intruder]
        for step in trial.intruder:
            is_read = step.exchange.request.method.upper() == "GET"
            hidden = is_read and (writes_only or not _shows_object(step, trial.object_id))
            if not accepted(step.exchange) or hidden:
                continue
            found.append(finding(_draft(step, trial.created.actor, why), step, steps, context))
    return found


def judge_profiles(trials: Sequence[ProfileTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        seen = dig(object_view(body_of(trial.owner_read)), trial.name)
        if ok(trial.intruder_write) and ok(trial.owner_read) and seen == trial.value:
            owner = trial.owner_read.actor if trial.owner_read else "the owner"
            why = f"{owner}'s own read shows `{trial.name}` set to the intruder's value"
            found.append(
                finding(_draft(trial.intruder_write, owner, why), trial.intruder_write, trial.steps, context)
            )
    return found


def _logged_in(trial: TakeoverTrial) -> bool:
    """The password B set opens A's account: a 2xx login, unlike a wrong password's answer."""
    new, wrong = trial.login_new, trial.login_wrong
    if new is None or wrong is None or not ok(new):
        return False
    # A login that fails with 200 answers a wrong password the same way: then only a shape change counts.
    return not ok(wrong) or sorted(object_view(body_of(new))) != sorted(object_view(body_of(wrong)))


def judge_takeovers(trials: Sequence[TakeoverTrial], context: OracleContext) -> list[Finding]:
    found: list[Finding] = []
    for trial in trials:
        if accepted(trial.intruder_write.exchange) and _logged_in(trial):
            why = "the account's own login accepts the password the intruder set"
            draft = _draft(trial.intruder_write, "another user", why)
            draft = replace(
                draft,
                title=f"Another user can set a user's password through {route_of(trial.intruder_write)}",
            )
            found.append(finding(draft, trial.intruder_write, trial.steps, context))
    return found


def judge(
    objects: Sequence[ObjectTrial],
    profiles: Sequence[ProfileTrial],
    context: OracleContext,
    takeovers: Sequence[TakeoverTrial] = (),
    keyed_reads: Sequence[KeyedReadTrial] = (),
) -> list[Finding]:
    """Findings for every object, profile or password the intruder could touch, one per route."""
    return one_per_route(
        [
            *judge_objects(objects, context),
            *judge_profiles(profiles, context),
            *judge_takeovers(takeovers, context),
            *judge_keyed_reads(keyed_reads, context),
        ]
    )
