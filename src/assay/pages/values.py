"""Sample input values for form fields, chosen from the field's type, name and constraints (pure)."""

from __future__ import annotations

import re

from assay.domain.json import JsonObject

_BY_TYPE = {
    "email": "assay.user@example.com",
    "password": "Assay-pass-123",
    "tel": "5550100",
    "url": "https://example.com/",
    "date": "2024-01-15",
    "time": "12:30",
    "datetime-local": "2024-01-15T12:30",
    "month": "2024-01",
    "week": "2024-W03",
    "color": "#336699",
    "search": "test",
}
_BY_NAME = (
    (r"mail", "assay.user@example.com"),
    (r"phone|tel", "5550100"),
    (r"url|website|homepage", "https://example.com/"),
    (r"zip|postal", "12345"),
    (r"\b(age|count|quantity|qty|number)\b", "3"),
    (r"name", "Assay Tester"),
)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


def sample_value(input_type: str, name: str, constraints: JsonObject) -> str:
    """A value a correct form should accept for this field."""
    kind = (input_type or "text").lower()
    if kind in ("number", "range"):
        low = _int(constraints.get("min", "1"), 1)
        high = _int(constraints.get("max", str(low + 10)), low + 10)
        return str(min(max(low, 1), high))
    value = _BY_TYPE.get(kind)
    if value is None:
        value = next((v for pattern, v in _BY_NAME if re.search(pattern, name, re.IGNORECASE)), "assay test")
    return fit_length(value, constraints)


def fit_length(value: str, constraints: JsonObject) -> str:
    """``value`` padded to ``minlength`` and cut to ``maxlength``."""
    low = _int(constraints.get("minlength", "0"), 0)
    high = _int(constraints.get("maxlength", "0"), 0)
    if low and len(value) < low:
        value = value + "x" * (low - len(value))
    if high and len(value) > high:
        value = value[:high]
    return value


def boundary_lengths(constraints: JsonObject) -> list[tuple[str, int, bool]]:
    """(label, length, accepted) for each declared length limit: at the limit and one past it."""
    out: list[tuple[str, int, bool]] = []
    high = _int(constraints.get("maxlength", "0"), 0)
    low = _int(constraints.get("minlength", "0"), 0)
    if high:
        out.append((f"exactly {high} characters (the maximum)", high, True))
    if low > 1:
        out.append((f"{low - 1} characters (one below the minimum)", low - 1, False))
        out.append((f"exactly {low} characters (the minimum)", low, True))
    return out
