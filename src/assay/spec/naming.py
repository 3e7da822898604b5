"""Names read from paths: resources, features, auth operations. Pure string work."""

from __future__ import annotations

import re

from assay.domain.operations import ApiModel, Operation
from assay.spec.names import is_version, singular, without_versions

# The one English singular and the version rule live in assay.spec.names; recipes read them here.
__all__ = ["singular", "without_versions"]

# Path segments that say where an API lives, not what it is about.
_PREFIX_SEGMENTS = frozenset({"api", "rest", "public", "internal", "services"})
_AUTH_WORDS = ("login", "logout", "register", "signup", "sign-up", "signin", "sign-in", "token", "auth")


def is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def static_segments(path: str) -> list[str]:
    """Meaningful fixed segments: no parameters, no ``api``/``v1`` prefixes."""
    return [
        s
        for s in segments(path)
        if not is_param(s) and s.lower() not in _PREFIX_SEGMENTS and not is_version(s)
    ]


def last_noun(path: str) -> str:
    """The last segment that is neither a parameter nor a version: ``/users/v2`` -> ``users``."""
    named = [s for s in without_versions(segments(path)) if not is_param(s)]
    return named[-1] if named else ""


def slug(text: str) -> str:
    """Lower-case words joined by ``-``: safe in file names and Gherkin tags."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "api"


def feature_of(op: Operation) -> str:
    """The feature an operation belongs to: its first tag, else its first meaningful segment."""
    if op.tags and op.tags[0].strip():
        return op.tags[0].strip()
    words = static_segments(op.path)
    return words[0] if words else "root"


def is_collection_path(path: str) -> bool:
    parts = segments(path)
    return bool(parts) and not is_param(parts[-1])


def item_paths(api: ApiModel, collection: str) -> list[str]:
    """Paths of the form ``<collection>/{param}`` (with or without the trailing slash)."""
    base = collection.rstrip("/")
    found: list[str] = []
    for op in api.operations:
        rest = op.path[len(base) :] if op.path.startswith(base + "/") else ""
        parts = segments(rest)
        if len(parts) == 1 and is_param(parts[0]) and op.path not in found:
            found.append(op.path)
    return found


def is_collection(api: ApiModel, path: str) -> bool:
    """A path that lists or makes objects: a trailing slash, items under it, or a POST on it."""
    if not is_collection_path(path) or not static_segments(path):
        return False
    return path.endswith("/") or bool(item_paths(api, path)) or api.operation(f"POST {path}") is not None


def article(name: str) -> str:
    """``a project``, ``an agent kit``: a resource name for sentences."""
    words = name.replace("_", " ")
    # "a user", "a unit", "a one-time code": a vowel letter read as a consonant sound.
    vowel_sound = words[:1] in "aeiou" and not words.startswith(("us", "uni", "uti", "eu", "one"))
    return ("an " if vowel_sound else "a ") + words


def parent_path(path: str) -> str:
    parts = segments(path)
    return "/" + "/".join(parts[:-1]) if len(parts) > 1 else "/"


def param_names(path: str) -> list[str]:
    return [s[1:-1] for s in segments(path) if is_param(s)]


def is_auth_operation(api: ApiModel, op: Operation) -> bool:
    """Login, registration, token and logout calls: they make identities, not resources."""
    if op.key in {api.auth.login_operation, api.auth.register_operation}:
        return True
    words = " ".join([op.path.lower(), (op.operation_id or "").lower(), op.summary.lower()])
    last = static_segments(op.path)[-1:] or [""]
    return last[0].lower() in _AUTH_WORDS or any(w in words for w in ("login", "register", "signup"))


def is_low_value_path(path: str) -> bool:
    """Health checks and docs: useful smoke checks, low impact when they fail."""
    words = set(w.lower() for w in static_segments(path))
    return bool(words & {"health", "healthz", "ping", "status", "docs", "openapi.json", "version", "metrics"})
