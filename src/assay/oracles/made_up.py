"""Values assay made up that name something which must already exist on the server.

A spec-valid request still carries values assay invented: a username, an id, a reset code, an
email nobody registered. Refusing those (400 "Invalid username supplied", 404 "User not found",
422 "code is invalid") is the server doing its job, not a contract break. A value is *not* made
up when the run got it from the server or sent it in a create that succeeded (the ids and names
of objects and accounts assay created itself). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from assay.domain.exchanges import Exchange
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.oracles.base import (
    VALID_INTENTS,
    OracleContext,
    concrete_path,
    created_ids,
    is_collection_path,
    path_params,
)

# Field names whose value must name an existing thing (an account, an object, a code issued).
_REFERENCE = re.compile(
    r"^(id|uuid|guid|pk|slug|key|code|token|otp|pin|username|user|login|email|e_?mail|handle"
    r"|account|voucher|coupon|invite|referral)$"
    r"|_(id|ids|uuid|slug|key|code|token|email|username|login)$"
)
_CAMEL_REFERENCE = re.compile(r"[a-z0-9](Id|Ids|Uuid|Code|Token|Email|Username)$")
# In a create, these are the new object's own values, not references to an existing one.
_NEW_IN_A_CREATE = frozenset({"username", "user", "login", "email", "e_mail", "handle", "account", "slug"})
_CONSTRAINED = ("enum", "const")


@dataclass(frozen=True)
class MadeUp:
    """One value assay invented for a field that refers to something existing."""

    location: str  # "path", "query", "body"
    name: str
    value: str


def is_reference(name: str) -> bool:
    """``username``, ``user_id``, ``resetCode``: a field whose value must name something existing."""
    return bool(_REFERENCE.search(name.lower().replace("-", "_")) or _CAMEL_REFERENCE.search(name))


def _scalars(value: Json) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield str(value)


def known_values(exchanges: Sequence[Exchange], context: OracleContext) -> set[str]:
    """Values the server knows: ids it handed out, and what the run's successful creates sent and got."""
    known = created_ids(exchanges, context)
    for exchange in exchanges:
        response = exchange.response
        if response is None or not 200 <= response.status < 300 or exchange.intent not in VALID_INTENTS:
            continue
        if exchange.request.method.upper() in {"POST", "PUT"}:
            known.update(_scalars(exchange.request.body))
            if response.is_json:
                known.update(_scalars(response.json))
    return known


def _constrained(op: Operation | None, name: str, location: str) -> bool:
    """A parameter the spec limits to a list of values: a value from that list is not made up."""
    param = op.param(name, location) if op is not None and location != "body" else None  # type: ignore[arg-type]
    return param is not None and any(key in param.schema for key in _CONSTRAINED)


def made_up_references(exchange: Exchange, op: Operation | None, known: set[str]) -> list[MadeUp]:
    """The values of ``exchange`` that name something and that the server never gave the run."""
    found: list[MadeUp] = []
    template = exchange.path_template or ""
    for name, value in (path_params(template, concrete_path(exchange)) or {}).items():
        if value not in known and not _constrained(op, name, "path"):
            found.append(MadeUp("path", name, value))
    for name, value in parse_qsl(urlsplit(exchange.request.url).query):
        if is_reference(name) and value not in known and not _constrained(op, name, "query"):
            found.append(MadeUp("query", name, value))
    body = exchange.request.body
    creates = exchange.request.method.upper() == "POST" and is_collection_path(template)
    if isinstance(body, dict):
        for field, item in body.items():
            text = str(item) if isinstance(item, str | int) and not isinstance(item, bool) else None
            if text is None or not is_reference(field) or text in known:
                continue
            if not (creates and field.lower() in _NEW_IN_A_CREATE):
                found.append(MadeUp("body", field, text))
    return found


def names_one_of(field: str, made_up: Sequence[MadeUp]) -> bool:
    """A complaint's field (``user.email`` or ``email``) is one of the made-up ones."""
    last = field.split(".")[-1].lower()
    return any(last == m.name.lower() for m in made_up)


def mentions_one_of(texts: Iterable[str], made_up: Sequence[MadeUp]) -> bool:
    """An error message speaks of a made-up value or its field ("Invalid username supplied")."""
    for text in texts:
        low = text.lower()
        for m in made_up:
            words = {m.name.lower(), m.name.lower().replace("_", " ")}
            value = m.value.lower()
            named = any(re.search(rf"\b{re.escape(w)}\b", low) for w in words)
            if named or (len(value) >= 3 and value in low):
                return True
    return False
