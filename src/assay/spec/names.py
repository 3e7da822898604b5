"""Name matching for resources: ``agent_kit_id`` ~ ``/agent-kits`` ~ ``agentKitId`` ~ ``AgentKit``."""

from __future__ import annotations

import re

_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data",
              "media": "media", "indices": "index", "analyses": "analysis", "statuses": "status"}  # fmt: skip
# Words that end in "s" in the singular too.
_KEEP_S = ("ss", "us", "is", "news", "series", "species", "alias", "canvas", "settings")
# Suffixes API frameworks glue to schema names (DatasetOut, DatasetResponse, DatasetInDB ...).
_SCHEMA_SUFFIXES = ("response", "out", "read", "public", "schema", "model", "detail", "details", "dto",
                    "in_db", "indb", "with_id", "full", "item", "result", "output")  # fmt: skip
_VERSION = re.compile(r"^v\d+(\.\d+)*$")
# Path segments that are never resources themselves.
_NOT_RESOURCES = frozenset({"api", "rest", "public", "internal", "admin", "me"})


def words(name: str) -> list[str]:
    """Lower-case words of a snake/kebab/camel/Pascal/dotted name."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def singular(word: str) -> str:
    """A plain English singular, good enough for resource names."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(_KEEP_S) or len(word) <= 2:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def resource_key(name: str) -> str:
    """The canonical resource name: words joined by ``_``, last word singular (``agent_kit``)."""
    parts = words(name)
    if not parts:
        return ""
    parts[-1] = singular(parts[-1])
    return "_".join(parts)


def id_field_resource(field: str) -> str | None:
    """``dataset`` for ``dataset_id``/``datasetId``/``dataset-uuid``; None when not an id field."""
    parts = words(field)
    if len(parts) < 2 or parts[-1] not in {"id", "uuid", "pk"}:
        return None
    return resource_key("_".join(parts[:-1]))


def id_list_resource(field: str) -> str | None:
    """``dataset`` for ``dataset_ids``/``datasetIds``; None otherwise."""
    parts = words(field)
    if len(parts) < 2 or parts[-1] not in {"ids", "uuids"}:
        return None
    return resource_key("_".join(parts[:-1]))


def schema_resource(schema_name: str) -> str:
    """``dataset`` for ``Dataset``, ``DatasetOut``, ``DatasetResponse``, ``dataset_read``."""
    parts = words(schema_name)
    joined = "_".join(parts)
    for suffix in _SCHEMA_SUFFIXES:
        if joined.endswith("_" + suffix):
            joined = joined[: -len(suffix) - 1]
            break
    return resource_key(joined)


def static_segments(path: str) -> list[str]:
    """Path segments that name things: no ``{params}``, no ``api``/``v1`` prefixes."""
    out: list[str] = []
    for segment in path.strip("/").split("/"):
        if not segment or "{" in segment or _VERSION.match(segment.lower()):
            continue
        if segment.lower() in _NOT_RESOURCES:
            continue
        out.append(segment)
    return out


def collection_keys(path: str) -> tuple[str, ...]:
    """Resource names a collection path answers to: last segment, and prefixed by its parent.

    ``/api/v1/chat/sessions/`` -> ("session", "chat_session").
    """
    segments = path.rstrip("/").split("/")
    if not segments or "{" in segments[-1]:
        return ()
    statics = static_segments(path)
    if not statics or statics[-1] != segments[-1]:
        return ()
    last = resource_key(statics[-1])
    keys = [last]
    if len(statics) >= 2:
        keys.append(f"{resource_key(statics[-2]).rsplit('_', 1)[-1]}_{last}")
        keys.append(f"{'_'.join(words(statics[-2]))}_{last}")
    return tuple(dict.fromkeys(k for k in keys if k))
