"""Severity (the S of RPN) and tags for a scenario, from what its operations do."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.domain.operations import Operation
from assay.domain.scenarios import ScenarioKind
from assay.spec import naming

_CRITICAL_WORDS = (
    "login",
    "register",
    "signup",
    "auth",
    "token",
    "password",
    "payment",
    "checkout",
    "billing",
)
_HIGH_WORDS = ("order", "account", "user", "admin", "message", "transfer", "invoice")
_KIND_SHIFT: dict[str, int] = {
    "happy_path": 0,
    "list_read": 0,
    "crud_lifecycle": 1,
    "no_auth": 1,
    "missing_required": -2,
    "wrong_type": -2,
    "boundary": -2,
    "not_found": -2,
    "create_status": -3,
    "trailing_slash": -4,
}
_KIND_TAGS: dict[str, tuple[str, ...]] = {
    "happy_path": ("@smoke",),
    "list_read": ("@smoke",),
    "crud_lifecycle": ("@crud", "@regression"),
    "no_auth": ("@auth", "@security", "@negative"),
    "missing_required": ("@negative", "@validation"),
    "wrong_type": ("@negative", "@validation"),
    "boundary": ("@boundary", "@validation"),
    "not_found": ("@negative",),
    "create_status": ("@convention",),
    "trailing_slash": ("@convention",),
}


def _words(op: Operation) -> str:
    return " ".join([op.path, op.operation_id or "", op.summary, *op.tags]).lower()


def operation_severity(op: Operation) -> int:
    """How much it hurts when this operation is broken, 1-10."""
    words = _words(op)
    if naming.is_low_value_path(op.path):
        return 2
    if any(w in words for w in _CRITICAL_WORDS):
        return 9
    base = {"DELETE": 7, "POST": 7, "PUT": 6, "PATCH": 6}.get(op.method, 5)
    return base + 1 if any(w in words for w in _HIGH_WORDS) else base


def severity(kind: ScenarioKind, ops: Sequence[Operation]) -> int:
    base = max((operation_severity(op) for op in ops), default=5)
    return max(1, min(10, base + _KIND_SHIFT.get(kind, 0)))


def tag(text: str) -> str:
    """A Gherkin-safe tag: ``@`` and characters that never split or comment a tag line."""
    cleaned = re.sub(r"[^A-Za-z0-9_.:-]+", "-", text.lstrip("@")).strip("-")
    return "@" + (cleaned or "untagged")


def tags_for(kind: ScenarioKind, ops: Sequence[Operation], sev: int, auth_op: bool) -> tuple[str, ...]:
    out: list[str] = list(_KIND_TAGS.get(kind, ()))
    if any(op.method == "POST" for op in ops) and kind in ("happy_path", "create_status"):
        out.append("@crud")
    if auth_op:
        out.append("@auth")
    if sev >= 8:
        out.append("@critical")
    out += [tag(op.method.lower()) for op in ops[:1]]
    return tuple(dict.fromkeys(out))
