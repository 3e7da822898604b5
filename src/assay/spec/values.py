"""Deterministic scalar values: strings by format, pattern and field name; numbers within bounds."""

from __future__ import annotations

import math
import uuid

from assay.domain.json import Json, JsonObject
from assay.spec.patterns import from_pattern, matches

UNIQUE = "${unique}"
# The password of accounts assay registers: a placeholder filled at run time with the run's own
# random password (Target.ledger.password), and read from the environment by generated tests, so
# no password is ever written in a scenario, a report or a generated test.
NEW_PASSWORD = "${new_password}"

# Fields a server usually keeps unique: they get ${unique} so reruns never collide.
_UNIQUE_NAMES = ("email", "username", "user_name", "login", "handle", "slug", "name", "title",
                 "ref", "reference", "sku", "account_number")  # fmt: skip

_FORMATS: dict[str, str] = {
    "date-time": "2024-01-15T10:30:00Z",
    "date": "2024-01-15",
    "time": "10:30:00Z",
    "duration": "P1D",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uri-reference": "/resource",
    "iri": "https://example.com/resource",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "byte": "aGVsbG8gd29ybGQ=",
    "binary": "file-content",
    "password": NEW_PASSWORD,
    "regex": "^[a-z]+$",
    "json-pointer": "/a/b",
}

# Field-name fragments -> realistic values, checked in order (first match wins).
_NAMED: tuple[tuple[tuple[str, ...], str], ...] = (
    (("password", "passwd", "secret"), NEW_PASSWORD),
    (("phone", "mobile", "tel"), "+15555550123"),
    (("url", "uri", "link", "website", "homepage", "endpoint"), "https://example.com/page"),
    (("description", "summary", "comment", "notes", "bio"), "Created by assay for automated QA"),
    (("content", "message", "text", "body", "prompt", "query", "question"), "Hello from assay"),
    (("first_name", "firstname", "given_name"), "Ada"),
    (("last_name", "lastname", "surname", "family_name"), "Lovelace"),
    (("full_name", "fullname", "display_name"), "Ada Lovelace"),
    (("country",), "US"),
    (("currency",), "USD"),
    (("language", "locale", "lang"), "en"),
    (("city",), "Springfield"),
    (("address", "street"), "1 Main Street"),
    (("zip", "postal"), "12345"),
    (("color", "colour"), "#336699"),
    (("status", "state"), "active"),
    (("type", "kind", "category"), "default"),
    (("objective", "goal", "purpose"), "Answer customer questions accurately"),
)


def wants_unique(name: str) -> bool:
    """Fields a server usually keeps unique (email, username, name, slug...)."""
    field = _field(name)
    return "email" in field or any(field == u or field.endswith("_" + u) for u in _UNIQUE_NAMES)


def _unique_allowed(schema: JsonObject, base_len: int) -> bool:
    max_len = schema.get("maxLength")
    # The token's length is unknown here; leave room for a generous one.
    return not (isinstance(max_len, int) and max_len < base_len + 24)


def _field(name: str) -> str:
    return name.lower().replace("-", "_")


def _named_string(schema: JsonObject, name: str, salt: str) -> str:
    field = _field(name)
    fmt = schema.get("format")
    if fmt == "email" or field.endswith("email") or field == "email_address":
        return f"qa-{UNIQUE}{salt}@example.com" if _unique_allowed(schema, 15) else "qa@example.com"
    if fmt == "uuid" or field.endswith("uuid"):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"assay:{field}"))
    if isinstance(fmt, str) and fmt in _FORMATS:
        return _FORMATS[fmt]
    for fragments, value in _NAMED:
        if any(f in field for f in fragments):
            return value
    if wants_unique(name):
        base = field.replace("_", "-")
        return f"qa-{base}-{UNIQUE}{salt}" if _unique_allowed(schema, len(base) + 4) else f"qa-{base}"
    return f"sample-{field.replace('_', '-')}" if field else "sample"


def fit_length(text: str, schema: JsonObject) -> str:
    """Pad or cut ``text`` to honour minLength/maxLength (placeholders count as written)."""
    min_len = schema.get("minLength")
    max_len = schema.get("maxLength")
    if isinstance(min_len, int) and len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    if isinstance(max_len, int) and len(text) > max_len:
        text = text.replace(UNIQUE, "")[:max_len] if max_len >= 0 else text
    return text


def string_for(schema: JsonObject, name: str = "", salt: str = "") -> str:
    pattern = schema.get("pattern")
    named = _named_string(schema, name, salt)
    if isinstance(pattern, str):
        # A unique placeholder is kept when the value still fits the pattern with a token in it.
        if matches(pattern, named.replace(UNIQUE, "qa0token9z")):
            return fit_length(named, schema)
        generated = from_pattern(pattern)
        if generated is not None:
            return generated
    return fit_length(named, schema)


def _bound(schema: JsonObject, key: str) -> float | None:
    value = schema.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def number_bounds(schema: JsonObject) -> tuple[float | None, float | None, bool, bool]:
    """(low, high, low_exclusive, high_exclusive) in both OpenAPI 3.0 and 3.1 spellings."""
    low, high = _bound(schema, "minimum"), _bound(schema, "maximum")
    low_ex, high_ex = schema.get("exclusiveMinimum") is True, schema.get("exclusiveMaximum") is True
    ex_low, ex_high = _bound(schema, "exclusiveMinimum"), _bound(schema, "exclusiveMaximum")
    if ex_low is not None:
        low, low_ex = ex_low, True
    if ex_high is not None:
        high, high_ex = ex_high, True
    return low, high, low_ex, high_ex


def _preferred_number(name: str) -> float:
    field = _field(name)
    table = (("price", 9.99), ("amount", 10.0), ("age", 30.0), ("limit", 10.0), ("size", 10.0))
    return next((v for key, v in table if key in field), 1.0)


def number_for(schema: JsonObject, name: str = "", integer: bool = False) -> Json:
    low, high, low_ex, high_ex = number_bounds(schema)
    step = _bound(schema, "multipleOf")
    unit = 1.0 if integer else 0.01
    value = _preferred_number(name)
    if low is not None and (value < low or (low_ex and value <= low)):
        value = low + unit if low_ex else low
    if high is not None and (value > high or (high_ex and value >= high)):
        value = high - unit if high_ex else high
    if step:
        value = math.ceil(value / step) * step
        if high is not None and value > high:
            value -= step
    return round(value) if integer else round(value, 6)
