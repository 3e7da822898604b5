"""Plain JSON in and out of the domain dataclasses, for stored stage results and inline payloads.

``to_json`` turns any domain value into JSON (tuples become lists); ``from_json`` rebuilds it from
the dataclass's type hints and raises ``UsageError`` naming the field when the shape is wrong.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from assay.domain.errors import UsageError
from assay.domain.json import Json, JsonObject

T = TypeVar("T")

_HINT_NAMES: dict[str, object] = {"Json": Json, "JsonObject": JsonObject}
_JSON_SCALARS = {bool, int, float, str, type(None)}


def to_json(obj: object) -> Json:
    """Plain JSON for a dataclass, tuple, list, dict or scalar (tuples become lists)."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [to_json(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): to_json(value) for key, value in obj.items()}
    raise UsageError(f"cannot turn a {type(obj).__name__} into JSON")


def from_json(cls: type[T], data: Json) -> T:
    """Rebuild ``cls`` from what ``to_json`` made of it; unknown keys are ignored."""
    return cast(T, _decode(cls, data, cls.__name__))


def _fail(where: str, expected: str, data: Json) -> UsageError:
    got = "null" if data is None else type(data).__name__
    return UsageError(f"{where}: expected {expected}, got {got}")


def _is_union(hint: object) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _is_json_alias(hint: object) -> bool:
    """True for the recursive ``Json`` alias: a union of every JSON scalar (and list/dict)."""
    return _is_union(hint) and set(get_args(hint)) >= _JSON_SCALARS


def _decode(hint: object, data: Json, where: str) -> object:
    if hint is object or _is_json_alias(hint):
        return data
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass(hint, data, where)
    if _is_union(hint):
        return _decode_union(hint, data, where)
    origin = get_origin(hint)
    if origin is Literal:
        if data in get_args(hint):
            return data
        choices = ", ".join(repr(a) for a in get_args(hint))
        raise UsageError(f"{where}: expected one of {choices}, got {data!r}")
    if origin is not None:
        return _decode_generic(origin, get_args(hint), data, where)
    return _decode_scalar(hint, data, where)


def _decode_scalar(hint: object, data: Json, where: str) -> object:
    if hint is type(None):
        if data is None:
            return None
        raise _fail(where, "null", data)
    if hint is bool and isinstance(data, bool):
        return data
    if hint is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if hint is str and isinstance(data, str):
        return data
    name = getattr(hint, "__name__", str(hint))
    raise _fail(where, name, data)


def _decode_union(hint: object, data: Json, where: str) -> object:
    options = get_args(hint)
    if data is None and type(None) in options:
        return None
    errors: list[str] = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _decode(option, data, where)
        except UsageError as exc:
            errors.append(str(exc))
    raise UsageError(errors[0] if len(errors) == 1 else f"{where}: no variant fits: {'; '.join(errors)}")


def _decode_generic(origin: object, args: tuple[object, ...], data: Json, where: str) -> object:
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise _fail(where, "a list", data)
        if origin is list:
            item = args[0] if args else object
            return [_decode(item, value, f"{where}[{i}]") for i, value in enumerate(data)]
        return _decode_tuple(args, data, where)
    if origin is dict:
        if not isinstance(data, dict):
            raise _fail(where, "an object", data)
        value_hint = args[1] if len(args) == 2 else object
        return {key: _decode(value_hint, value, f"{where}.{key}") for key, value in data.items()}
    raise UsageError(f"{where}: cannot decode into {origin}")


def _decode_tuple(args: tuple[object, ...], data: list[Json], where: str) -> tuple[object, ...]:
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], value, f"{where}[{i}]") for i, value in enumerate(data))
    if not args:
        return tuple(data)
    if len(args) != len(data):
        raise UsageError(f"{where}: expected a list of {len(args)} items, got {len(data)}")
    pairs = enumerate(zip(args, data, strict=True))
    return tuple(_decode(hint, value, f"{where}[{i}]") for i, (hint, value) in pairs)


def _decode_dataclass(cls: type, data: Json, where: str) -> object:
    if not isinstance(data, dict):
        raise _fail(where, f"an object ({cls.__name__})", data)
    hints = get_type_hints(cls, localns=_HINT_NAMES)
    kwargs: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.name in data:
            kwargs[f.name] = _decode(hints[f.name], data[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise UsageError(f"{where}.{f.name}: required field is missing")
    factory = cast(Callable[..., object], cls)
    return factory(**kwargs)
