"""data_exposure: a successful answer that hands out secrets, or other users' contact data.

The proof is in the answer itself: a password (hash or clear text), key or token by field name
or value shape (tokens and JWTs are expected in login, registration and token answers), or the
emails and phones of records that are not the caller's own. Values found are added to the
redaction list, so the finding never repeats them.
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
from assay.domain.severity import Impact, rate
from assay.oracles.attack_common import HEX_DIGEST, secret_shape
from assay.oracles.base import Draft, OracleContext, build, group_by_route, is_action_path, path_of, route

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
PLAINTEXT = "plaintext password"
T = TypeVar("T")


@dataclass(frozen=True)
class Leak:
    field: str  # dotted path, list indexes as []
    kind: str
    value: str


def norm_key(key: str) -> str:
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


_HASHED = re.compile(r"^\$[\w-]+\$|^\w+\$\d+\$|^\{[A-Z0-9-]+\}")  # $2b$..., pbkdf2_sha256$..., {SSHA}


def password_kind(key: str, value: str) -> str:
    """A password field's value: a hash (salted or not), or the password in clear text."""
    if HEX_DIGEST.match(value):
        return "unsalted hex digest"
    hashed = "hash" in norm_key(key) or _HASHED.search(value) or (len(value) >= 40 and " " not in value)
    return "password hash" if hashed else PLAINTEXT


def classify(key: str, value: str, *, auth_answer: bool) -> str | None:
    """What secret a field holds, judged by its name and its value's shape; None when harmless."""
    if len(value) < 4 or _MASKED.match(value.strip()):
        return None
    name = norm_key(key)
    shape = secret_shape(value)
    if shape == "JSON Web Token":
        return None if auth_answer else shape
    if shape is not None:
        return shape
    if name in PASSWORD_KEYS:
        return password_kind(key, value)
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


def _leaks(value: Json, auth_answer: bool) -> list[Leak]:
    return [
        Leak(path, kind, text)
        for path, key, text in walk(value)
        if (kind := classify(key, text, auth_answer=auth_answer))
    ]


def json_answer(exchange: Exchange) -> Json:
    response = exchange.response
    if response is None or response.status // 100 != 2 or not response.is_json:
        return None
    return response.json


def leaks_in(exchange: Exchange, api: ApiModel | None) -> list[Leak]:
    body = json_answer(exchange)
    return _leaks(body, is_auth_answer(exchange, api)) if body is not None else []


@dataclass(frozen=True)
class Caller:
    """What belongs to the identity that read the answers: values that mark its own records."""

    markers: frozenset[str] = frozenset()  # lower-cased: its username, email, phone, ids, values it sent
    anonymous_routes: frozenset[str] = frozenset()  # routes whose secrets a credential-free read also got

    def owns(self, record: Json) -> bool:
        """A record is the caller's own when one of its top-level values is one of the caller's markers."""
        if not isinstance(record, dict) or not self.markers:
            return False
        values = (v for v in record.values() if isinstance(v, str | int) and not isinstance(v, bool))
        return any(str(v).lower() in self.markers for v in values)


def records(body: Json) -> list[Json]:
    """The records an answer carries: the items of a list answer (or of its envelope), else the body."""
    if isinstance(body, list):
        return list(body)
    if isinstance(body, dict):
        lists = [v for v in body.values() if isinstance(v, list) and any(isinstance(i, dict) for i in v)]
        if lists:
            return max(lists, key=lambda v: len(v) if isinstance(v, list) else 0)
    return [body]


def secrets_impact(exchange: Exchange, leaks: Sequence[Leak], api: ApiModel | None, caller: Caller) -> Impact:
    """The rubric's facts for secrets in one answer: whose records hold them, and who could read them."""
    auth_answer = is_auth_answer(exchange, api)
    rows = records(json_answer(exchange))
    leaking = [r for r in rows if _leaks(r, auth_answer)]
    own_only = bool(leaking) and all(caller.owns(r) for r in leaking)
    others = not own_only and (len(leaking) > 1 or any(not caller.owns(r) for r in leaking if caller.markers))
    return Impact(
        secrets=True,
        plaintext_passwords=any(leak.kind == PLAINTEXT for leak in leaks),
        others_data=others,
        own_only=own_only,
        anonymous=route(exchange) in caller.anonymous_routes,
    )


def shown_per_route(
    exchanges: Sequence[Exchange], found: Callable[[Exchange], list[T]]
) -> Iterator[list[tuple[Exchange, list[T]]]]:
    """For each route with answers in which ``found`` finds something: those answers, with what it found."""
    for group in group_by_route(exchanges).values():
        shown = [(e, items) for e in group if (items := found(e))]
        if shown:
            yield shown


def _whose(impact: Impact) -> str:
    if impact.own_only:
        return " (the caller's own record only)"
    who = " of other users" if impact.others_data else ""
    return who + (", to a caller without credentials" if impact.anonymous else "")


def judge_secrets(
    exchanges: Sequence[Exchange], api: ApiModel | None, context: OracleContext, caller: Caller | None = None
) -> list[Finding]:
    """One finding per route whose successful answers carry secrets, rated by the rubric; pure."""
    caller = caller or Caller()
    findings: list[Finding] = []
    for shown in shown_per_route(exchanges, lambda e: leaks_in(e, api)):
        exchange, leaks = shown[0]
        kinds = sorted({leak.kind for leak in leaks})
        fields = sorted({leak.field for leak in leaks})[:10]
        impact = secrets_impact(exchange, leaks, api, caller)
        draft = Draft(
            category="data_exposure",
            severity=rate("data_exposure", impact),
            title=f"{route(exchange)} hands out {', '.join(kinds)}",
            detail=(
                f"The answer of `{route(exchange)}` carries {', '.join(kinds)}{_whose(impact)} "
                f"in {', '.join(fields)}."
            ),
            recommendation=(
                "Serialize responses through an explicit output model that leaves out password hashes, "
                "keys and tokens; never return credentials except in the login answer that issues them."
            ),
            impact="Hashes can be cracked offline and keys or tokens reused to act as their owners.",
            extra={"fields": list(fields), "kinds": list(kinds), "anonymous": impact.anonymous},
        )
        secret_values = tuple(leak.value for _e, ls in shown for leak in ls)
        masked = replace(context, secrets=(*context.secrets, *secret_values))
        findings.append(build(draft, exchange, masked, occurrences=len(shown)))
    return findings


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def others_contacts(exchange: Exchange, own: set[str]) -> list[str]:
    """Email addresses and phone numbers in a list answer's records that are not the caller's own.

    A record that names the caller (its username, email, id...) is theirs: its phone is no leak.
    """
    body = json_answer(exchange)
    if not isinstance(body, list | dict) or records(body) == [body]:
        return []  # one object, not a list of people
    caller = Caller(frozenset(o.lower() for o in own if o))
    contacts: list[str] = []
    for record in records(body):
        if caller.owns(record):
            continue
        for _path, key, value in walk(record):
            name = norm_key(key)
            is_mail = "mail" in name and _EMAIL.match(value)
            is_phone = "phone" in name and len(re.sub(r"\D", "", value)) >= 7
            if (is_mail or is_phone) and value.lower() not in caller.markers:
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
            severity=rate("data_exposure", Impact(others_data=True)),
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
        masked = replace(context, secrets=(*context.secrets, *contacts))
        findings.append(build(draft, exchange, masked, occurrences=len(shown)))
    return findings
