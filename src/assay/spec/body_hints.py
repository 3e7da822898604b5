"""What a server's refusal says its request body lacked: the fields to add before judging it.

Specs often mark nothing ``required`` while the handler needs fields (a transfer's ``amount``
and ``recipient``). The answer usually says so: a FastAPI/pydantic 422 detail list, a
Marshmallow or Django REST framework error dict, a message ("amount is required", "missing
field 'recipient'") or a ``KeyError: 'amount'`` that surfaced as a 500. Pure parsing: the runner
sends the request again with the fields added (``agents/analysis/execution/learning.py``).
"""

from __future__ import annotations

import re

from assay.domain.json import Json, JsonObject, as_list
from assay.spec.datagen import properties, resolve, value_for

_NAME = r"['\"`]?([A-Za-z_][\w.\-]{0,60})['\"`]?"
_WHAT = r"(?:field|key|property|parameter|argument|attribute)s?"
_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\bmissing (?:required |data for required )?{_WHAT}:? {_NAME}",
        rf"\b{_WHAT} {_NAME} (?:is|are) (?:required|missing|mandatory)",
        rf"{_NAME} (?:field )?(?:is|are) (?:required|missing|mandatory)\b",
        rf"{_NAME} (?:must|may|can ?not|cannot) (?:not )?be (?:empty|blank|null|provided|given|present)",
        rf"\brequired {_WHAT}:? {_NAME}",
        r"\bKeyError: ['\"]([\w.\-]+)['\"]",
    )
)
_SAYS_MISSING = re.compile(
    r"required|missing|must be (?:provided|given|present)|may not be (?:null|blank)", re.I
)
_NOT_FIELDS = frozenset(
    {"field", "fields", "this", "it", "value", "body", "data", "request", "input", "the", "a"}
)


def named_fields(answer: Json, text: str) -> list[str]:
    """Field names the answer says are required or missing, in the order it names them."""
    found: list[str] = []
    if isinstance(answer, dict | list):
        _from_structure(answer, found)
    for pattern in _PATTERNS:
        found.extend(m.group(1) for m in pattern.finditer(text or ""))
    return [f for f in dict.fromkeys(found) if f.lower() not in _NOT_FIELDS]


def _from_structure(answer: Json, found: list[str]) -> None:
    """pydantic's ``detail: [{loc, msg, type}]`` and ``{field: ["...required..."]}`` dicts."""
    if isinstance(answer, list):
        for item in answer:
            _from_structure(item, found)
        return
    if not isinstance(answer, dict):
        return
    loc = as_list(answer.get("loc"))
    said = f"{answer.get('msg', '')} {answer.get('type', '')}"
    if loc and _SAYS_MISSING.search(said) and isinstance(loc[-1], str):
        found.append(loc[-1])
    for key, value in answer.items():
        messages = [m for m in (value if isinstance(value, list) else [value]) if isinstance(m, str)]
        if key not in {"msg", "message", "detail", "error", "type"} and any(
            _SAYS_MISSING.search(m) for m in messages
        ):
            found.append(key)
        elif isinstance(value, dict | list):
            _from_structure(value, found)


def fields_to_add(schema: JsonObject, sent: JsonObject, answer: Json, text: str) -> JsonObject:
    """Each field the answer names that the sent body lacks, with a value for it.

    Fields the schema documents come first and take a value from it; a name it does not
    document is added only when none it documents was named (the spec may be incomplete).
    """
    props = properties(resolve(schema))
    named = [n for n in named_fields(answer, text) if n not in sent]
    documented = [n for n in named if n in props]
    chosen = documented or named
    return {name: value_for(resolve(props.get(name, {})), name) for name in chosen}
