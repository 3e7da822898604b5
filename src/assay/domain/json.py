"""The JSON value type used across the domain (no ``Any``)."""

from __future__ import annotations

from typing import TypeAlias

Json: TypeAlias = bool | int | float | str | list["Json"] | dict[str, "Json"] | None
JsonObject: TypeAlias = dict[str, Json]


def as_object(value: Json) -> JsonObject:
    """The value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Json) -> list[Json]:
    """The value when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def as_str(value: Json, default: str = "") -> str:
    """The value when it is a string, else ``default``."""
    return value if isinstance(value, str) else default


def dig(value: Json, dotted: str) -> Json:
    """Follow a dotted path (``data.items.0.id``) into a JSON value; None when absent."""
    current: Json = value
    for part in dotted.split(".") if dotted else []:
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def json_depth(value: Json) -> int:
    """How deeply arrays and objects nest (a scalar is 0), counted without recursion."""
    deepest = 0
    stack: list[tuple[Json, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, depth + 1)
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, depth + 1) for child in children)
    return deepest
