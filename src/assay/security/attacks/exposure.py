"""data_exposure: secrets in answers (by field name and by value shape), other users' contact data.

Pure oracles over any recorded exchanges. Tokens and JWTs are expected in login, registration
and token answers and are not flagged there; password hashes and keys are flagged everywhere.
Values found are added to the redaction list, so the finding never repeats them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import Json
from assay.domain.operations import ApiModel
from assay.oracles.base import Draft, OracleContext, group_by_route, is_action_path, path_of, route
from assay.security.attacks.common import AttackFamily, Outcome, Prober, finding, oracle_context
from assay.security.attacks.signatures import HEX_DIGEST, secret_shape
from assay.security.base import SecurityContext

PASSWORD_KEYS = frozenset(
    {"password", "passwd", "pwd", "passwordhash", "hashedpassword", "passhash", "pwhash"}
)
SECRET_KEYS = frozenset(
    {
        "secret",
        "clientsecret",
        "apikey",
        "apisecret",
        "privatekey",
        "secretkey",
        "secretaccesskey",
        "signingkey",
    }
)
TOKEN_KEYS = frozenset(
    {"token", "accesstoken", "refreshtoken", "authtoken", "sessiontoken", "resettoken", "apitoken"}
)
_HASHY = re.compile(r"hash|digest|password|passwd|pwd")
_AUTH_WORDS = re.compile(r"(?i)login|signin|sign-in|token|register|signup|auth|session|oauth|refresh")
_MASKED = re.compile(r"^(?:\*+|x+|•+|\[?redacted\]?|\[?hidden\]?|null|none)$", re.IGNORECASE)
_MAX_ITEMS = 2000
T = TypeVar("T")


@dataclass(frozen=True)
class Leak:
    field: str  # dotted path, list indexes as []
    kind: str
    value: str


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def walk(value: Json, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(dotted path, key, string value) for every string in a JSON value, bounded."""
    stack: list[tuple[str, str, Json]] = [(prefix, "", value)]
    seen = 0
    while stack and seen < _MAX_ITEMS:
        path, key, item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend((f"{path}.{k}" if path else k, k, v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{path}[]", key, v) for v in item)
        elif isinstance(item, str):
            yield path, key, item


def classify(key: str, value: str, *, auth_answer: bool) -> str | None:
    """What secret a field holds, judged by its name and its value's shape; None when harmless."""
    if len(value) < 4 or _MASKED.match(value.strip()):
        return None
    name = _norm(key)
    shape = secret_shape(value)
    if shape == "JSON Web Token":
        return None if auth_answer else shape
    if shape is not None:
        return shape
    if name in PASSWORD_KEYS:
        return "password or password hash"
    if name in SECRET_KEYS:
        return f"secret ({key})"
    if name in TOKEN_KEYS and not auth_answer:
        return f"token ({key})"
    if _HASHY.search(name) and HEX_DIGEST.match(value):
        return "unsalted hex digest"
    return None


def is_auth_answer(exchange: Exchange, api: ApiModel | None) -> bool:
    if api is not None and exchange.operation in {api.auth.login_operation, api.auth.register_operation}:
        return True
    return bool(_AUTH_WORDS.search(path_of(exchange))) or is_action_path(path_of(exchange))


def leaks_in(exchange: Exchange, api: ApiModel | None) -> list[Leak]:
    response = exchange.response
    if response is None or response.status // 100 != 2 or not response.is_json:
        return []
    auth_answer = is_auth_answer(exchange, api)
    found = [
        Leak(path, kind, value)
        for path, key, value in walk(response.json)
        if (kind := classify(key, value, auth_answer=auth_answer))
    ]
    return found


def shown_per_route(
    exchanges: Sequence[Exchange], found: Callable[[Exchange], list[T]]
) -> Iterator[list[tuple[Exchange, list[T]]]]:
    """For each route with answers in which ``found`` finds something: those answers, with what it found."""
    for group in group_by_route(exchanges).values():
        shown = [(e, items) for e in group if (items := found(e))]
        if shown:
            yield shown


def judge_secrets(
    exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext
) -> list[Finding]:
    """One finding per route whose successful answers carry secrets; pure."""
    findings: list[Finding] = []
    for shown in shown_per_route(exchanges, lambda e: leaks_in(e, api)):
        exchange, leaks = shown[0]
        kinds = sorted({leak.kind for leak in leaks})
        fields = sorted({leak.field for leak in leaks})[:10]
        draft = Draft(
            category="data_exposure",
            severity="high",
            title=f"{route(exchange)} hands out {', '.join(kinds)}",
            detail=f"The answer of `{route(exchange)}` carries {', '.join(kinds)} in {', '.join(fields)}.",
            recommendation=(
                "Serialize responses through an explicit output model that leaves out password hashes, "
                "keys and tokens; never return credentials except in the login answer that issues them."
            ),
            impact="Hashes can be cracked offline and keys or tokens reused to act as their owners.",
            extra={"fields": list(fields), "kinds": list(kinds)},
        )
        secret_values = tuple(leak.value for _e, ls in shown for leak in ls)
        masked = replace(context, secrets=(*context.secrets, *secret_values))
        findings.append(finding(draft, exchange, masked, len(shown)))
    return findings


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def others_contacts(exchange: Exchange, own: set[str]) -> list[str]:
    """Email addresses and phone numbers in a list answer that are not the caller's own."""
    response = exchange.response
    if response is None or response.status // 100 != 2 or not isinstance(response.json, list | dict):
        return []
    body = response.json
    records: Json = body if isinstance(body, list) else [v for v in body.values() if isinstance(v, list)]
    contacts: list[str] = []
    for path, key, value in walk(records):
        name = _norm(key)
        is_mail = "mail" in name and _EMAIL.match(value)
        is_phone = "phone" in name and len(re.sub(r"\D", "", value)) >= 7
        if "[]" in path and (is_mail or is_phone) and value.lower() not in own:
            contacts.append(value)
    return list(dict.fromkeys(contacts))


def judge_personal_data(
    exchanges: Sequence[Exchange], own: set[str], context: OracleContext
) -> list[Finding]:
    """One finding per route whose list answers show other people's emails or phones; pure.

    Call it only for a non-admin identity: an admin is meant to see everyone.
    """
    own = {o.lower() for o in own}
    findings: list[Finding] = []
    for shown in shown_per_route(exchanges, lambda e: others_contacts(e, own)):
        exchange, contacts = shown[0]
        draft = Draft(
            category="data_exposure",
            severity="medium",
            title=f"{route(exchange)} lists other users' contact data",
            detail=(
                f"Called by a non-admin user, `{route(exchange)}` answers with {len(contacts)} email "
                "address(es) or phone number(s) that are not the caller's own. "
                "Verify that this list is meant to be public."
            ),
            recommendation="Return other users' records without personal data, or only to roles needing it.",
            impact="Anyone with an account can harvest users' emails and phone numbers (spam, phishing).",
            extra={"other_contacts": len(contacts)},
        )
        findings.append(
            finding(draft, exchange, replace(context, secrets=(*context.secrets, *contacts)), len(shown))
        )
    return findings


_ADMIN_ROLES = frozenset({"admin", "administrator", "superuser", "staff", "root"})


class DataExposureFamily(AttackFamily):
    name = "data_exposure"
    budget_cap = 40

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        client = prober.client
        for op in ctx.api.operations:
            if op.method == "GET" and not client.exhausted:
                await prober.send(await prober.baseline_spec(op), "read")
        context = oracle_context(ctx)
        findings = judge_secrets(client.exchanges, ctx.api, context)
        identity = ctx.auth.identity
        if identity is not None and identity.role.lower() not in _ADMIN_ROLES:
            own = {identity.username, ctx.auth.session.username or ""} | _own_contacts(client.exchanges, ctx)
            findings += judge_personal_data(client.exchanges, own, context)
        return Outcome(findings)


def _own_contacts(exchanges: Sequence[Exchange], ctx: SecurityContext) -> set[str]:
    """Emails and phones in the current-user answer: the caller's own."""
    me = ctx.api.auth.current_user_operation
    own: set[str] = set()
    for exchange in exchanges:
        if me is not None and exchange.operation == me and exchange.response is not None:
            own.update(value for _p, _k, value in walk(exchange.response.json))
    return own
