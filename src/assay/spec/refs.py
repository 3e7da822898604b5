"""Inline local ``$ref``s so later stages read plain schemas.

Recursive schemas are cut with a marker (``x-assay-recursive``) instead of looping; a ``$ref`` to
another file or URL is left as a marker too (``x-assay-external-ref``) since we only read one
document. Inlined component schemas keep their name in ``x-assay-schema`` so the lint and the
dependency graph can still talk about "Dataset" after the ``$ref`` is gone.
"""

from __future__ import annotations

from urllib.parse import unquote

from assay.domain.errors import SpecRefError
from assay.domain.json import Json, JsonObject

RECURSIVE_MARKER = "x-assay-recursive"
EXTERNAL_MARKER = "x-assay-external-ref"
SCHEMA_NAME = "x-assay-schema"
# Keywords that only annotate; a $ref with only these beside it keeps its target's shape.
_ANNOTATIONS = frozenset(
    {"description", "summary", "title", "example", "examples", "default", "deprecated", "readOnly",
     "writeOnly", "nullable", "x-nullable"}
)  # fmt: skip
_MAX_DEPTH = 64


def escape_token(token: str) -> str:
    """One JSON-pointer token, escaped (``a/b`` -> ``a~1b``)."""
    return token.replace("~", "~0").replace("/", "~1")


def resolve_pointer(document: JsonObject, ref: str, used_at: str = "#") -> Json:
    """The value a local ``#/...`` pointer names; SpecRefError when it names nothing."""
    if not ref.startswith("#"):
        raise SpecRefError(f"$ref '{ref}' at {used_at} is not a local reference")
    found, value = _walk(document, unquote(ref[1:]))
    if not found:
        raise SpecRefError(f"$ref '{ref}' used at {used_at} points nowhere in the spec")
    return value


def value_at(document: Json, pointer: str) -> Json:
    """The value an RFC 6901 pointer (``/data/token``) names in any JSON value; None when none."""
    return _walk(document, pointer)[1]


def _walk(document: Json, pointer: str) -> tuple[bool, Json]:
    current = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return False, None
    return True, current


def schema_name_of(ref: str) -> str | None:
    """The name "Dataset" for ``#/components/schemas/Dataset`` or ``#/definitions/Dataset``."""
    for prefix in ("#/components/schemas/", "#/definitions/"):
        if ref.startswith(prefix):
            return unquote(ref[len(prefix) :]).replace("~1", "/").replace("~0", "~")
    return None


class _Resolver:
    def __init__(self, document: JsonObject, merge_siblings: bool, recursion_limit: int) -> None:
        self.document = document
        self.merge_siblings = merge_siblings
        self.recursion_limit = recursion_limit
        self.stack: list[str] = []
        self.cuts = 0
        # Expansions that met no cycle do not depend on the stack, so they are shared: big specs
        # that reuse one schema hundreds of times stay linear instead of exponential.
        self.cache: dict[str, Json] = {}

    def walk(self, value: Json, where: str) -> Json:
        if len(self.stack) > _MAX_DEPTH:
            return {RECURSIVE_MARKER: self.stack[-1]}
        if isinstance(value, list):
            return [self.walk(item, f"{where}/{i}") for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str):
            return self.inline(ref, value, where)
        return {k: self.walk(v, f"{where}/{escape_token(k)}") for k, v in value.items()}

    def inline(self, ref: str, holder: JsonObject, where: str) -> Json:
        if not ref.startswith("#"):
            return {EXTERNAL_MARKER: ref}
        resolved = self.expand(ref, where)
        siblings = {k: v for k, v in holder.items() if k != "$ref"}
        if not siblings or not isinstance(resolved, dict):
            return resolved
        return self.merge(resolved, self.walk(siblings, where), where)

    def expand(self, ref: str, where: str) -> Json:
        if ref in self.cache:
            return self.cache[ref]
        if self.stack.count(ref) >= self.recursion_limit:
            self.cuts += 1
            return {RECURSIVE_MARKER: ref, **_named(ref)}
        target = resolve_pointer(self.document, ref, where)
        cuts_before = self.cuts
        self.stack.append(ref)
        try:
            resolved = self.walk(target, ref)
        finally:
            self.stack.pop()
        if isinstance(resolved, dict) and SCHEMA_NAME not in resolved:
            resolved = {**_named(ref), **resolved}
        if self.cuts == cuts_before:
            self.cache[ref] = resolved
        return resolved

    def merge(self, resolved: JsonObject, siblings: Json, where: str) -> Json:
        if not isinstance(siblings, dict):
            return resolved
        annotations = {k: v for k, v in siblings.items() if k in _ANNOTATIONS}
        others = {k: v for k, v in siblings.items() if k not in _ANNOTATIONS}
        # 3.0 and 2.0 say siblings of $ref are ignored; 3.1 (JSON Schema 2020-12) applies them too.
        if not self.merge_siblings:
            return resolved
        merged: JsonObject = {**resolved, **annotations}
        if others:
            return {"allOf": [merged, others]}
        return merged


def _named(ref: str) -> JsonObject:
    name = schema_name_of(ref)
    return {SCHEMA_NAME: name} if name else {}


def resolve_refs(document: JsonObject, *, recursion_limit: int = 1) -> JsonObject:
    """A copy of ``document`` with every local ``$ref`` inlined.

    ``recursion_limit`` is how many times one ``$ref`` may appear inside its own expansion
    before it is cut with ``{"x-assay-recursive": ref}``.
    """
    merge = str(document.get("openapi", "")).startswith("3.1")
    resolver = _Resolver(document, merge, max(1, recursion_limit))
    # Only what operations use is resolved: an unused, broken component is not our problem.
    out: JsonObject = dict(document)
    if "paths" in document:
        out["paths"] = resolver.walk(document["paths"], "#/paths")
    if "components" in document:
        out["components"] = _resolve_security_only(document, resolver)
    return out


def _resolve_security_only(document: JsonObject, resolver: _Resolver) -> Json:
    components = document.get("components")
    if not isinstance(components, dict):
        return components
    schemes = components.get("securitySchemes")
    resolved = resolver.walk(schemes, "#/components/securitySchemes") if schemes is not None else None
    return {**components, "securitySchemes": resolved} if schemes is not None else components
