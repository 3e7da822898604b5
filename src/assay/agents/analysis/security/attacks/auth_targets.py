"""Which operations check a secret or look an account up: the targets of enumeration and rate limiting.

Three kinds, found from the spec (not only "the login" the auth flow uses):
- ``login``: a body with a username-like and a password field (a legacy or second login too);
- ``code``: a username-like field and a one-time code (password-reset confirmation, OTP verify);
- ``lookup``: a reset/forgot/recover operation that takes only the account's name or email.
Registration, password changes and token refreshes are none of these.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Literal

from assay.agents.analysis.security.attacks.common import (
    Slot,
    base_spec,
    body_schema,
    json_like_body,
    with_value,
)
from assay.domain.json import Json
from assay.domain.operations import ApiModel, Operation
from assay.domain.scenarios import RequestSpec
from assay.spec.auth import PASSWORD_FIELDS, USERNAME_FIELDS
from assay.spec.datagen import main_type, properties, required_names, resolve
from assay.spec.names import words

TargetKind = Literal["login", "code", "lookup"]
CODE_FIELDS = (
    "code",
    "otp",
    "reset_code",
    "resetCode",
    "verification_code",
    "verificationCode",
    "pin",
    "totp",
)
_RESET_WORDS = frozenset({"reset", "forgot", "forgotten", "recover", "recovery", "password", "otp", "verify"})
_NOT_TARGET = frozenset({"register", "registration", "signup", "refresh", "logout", "change", "invite"})


@dataclass(frozen=True)
class AuthTarget:
    """One operation to send failed attempts to, and the fields that carry the user and the secret."""

    op: Operation
    kind: TargetKind
    user_field: str
    secret_field: str | None = None  # None for a lookup

    @property
    def user_is_email(self) -> bool:
        return "mail" in self.user_field.lower()


def _op_words(op: Operation) -> set[str]:
    found = {w for segment in op.path.split("/") if "{" not in segment for w in words(segment)}
    return found | set(words(op.operation_id or ""))


def classify(op: Operation, register_key: str | None = None) -> AuthTarget | None:
    """The kind of failed-attempt target ``op`` is, or None."""
    if op.method not in {"POST", "PUT"} or op.key == register_key or not json_like_body(op):
        return None
    found = _op_words(op)
    if found & _NOT_TARGET:
        return None
    props = properties(body_schema(op))
    user = next((f for f in USERNAME_FIELDS if f in props), None)
    if user is None:
        return None
    password = next((f for f in PASSWORD_FIELDS if f in props), None)
    if password is not None:
        return AuthTarget(op, "login", user, password)
    code = next((f for f in CODE_FIELDS if f in props), None)
    if code is not None and found & _RESET_WORDS:
        return AuthTarget(op, "code", user, code)
    required = set(required_names(body_schema(op)))
    if found & _RESET_WORDS and required <= {user}:
        return AuthTarget(op, "lookup", user)
    return None


def auth_targets(api: ApiModel, kinds: frozenset[TargetKind], limit: int) -> list[AuthTarget]:
    """The API's targets of ``kinds``, the auth flow's login first, at most ``limit``."""
    login = api.operation(api.auth.login_operation or "")
    found: list[AuthTarget] = []
    if login is not None and "login" in kinds:
        flow = api.auth
        found.append(AuthTarget(login, "login", flow.username_field, flow.password_field))
    for op in api.operations:
        target = classify(op, api.auth.register_operation) if op is not login else None
        if target is not None and target.kind in kinds:
            found.append(target)
    return found[:limit]


_DIGITS = re.compile(r"\\d\{(\d+)(?:,(\d+))?\}|\[0-9\]\{(\d+)(?:,(\d+))?\}")


def code_digits(target: AuthTarget) -> int | None:
    """How many digits the target's code has, from its schema (pattern, length, bounds); None if unknown."""
    if target.kind != "code" or target.secret_field is None:
        return None
    schema = resolve(properties(body_schema(target.op)).get(target.secret_field, {}))
    match = _DIGITS.search(str(schema.get("pattern", "")))
    if match:
        low, high = match.group(1) or match.group(3), match.group(2) or match.group(4)
        return int(high or low)
    for key in ("maxLength", "minLength"):
        length = schema.get(key)
        if isinstance(length, int) and main_type(schema) == "string":
            return length
    maximum = schema.get("maximum")
    if isinstance(maximum, int) and main_type(schema) == "integer" and maximum > 0:
        return len(str(maximum))
    return None


def wrong_secret(target: AuthTarget, password: str) -> Json:
    """A secret that will not be right: ``password`` for a login, else a random code of the right length."""
    if target.kind == "login" or target.secret_field is None:
        return password
    schema = resolve(properties(body_schema(target.op)).get(target.secret_field, {}))
    digits = code_digits(target) or 6
    code = secrets.randbelow(10**digits)
    return code if main_type(schema) in {"integer", "number"} else f"{code:0{digits}d}"


def attempt_spec(target: AuthTarget, username: str, secret: Json) -> RequestSpec:
    """A valid request for ``target`` naming ``username``, with ``secret`` in its secret field."""
    spec = with_value(base_spec(target.op), Slot("body", target.user_field), username)
    if target.secret_field is None:
        return spec
    return with_value(spec, Slot("body", target.secret_field), secret)
